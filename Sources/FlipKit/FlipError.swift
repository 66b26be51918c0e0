/// An engine error: a message that names what was wrong. Bindings prefix it
/// with the Lua function's name.
public struct FlipError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A number as people write it: 3 rather than 3.0.
public func formatNumber(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
}
