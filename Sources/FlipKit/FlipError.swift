/// An engine error: a message that names what was wrong. Bindings prefix it
/// with the Lua function's name.
public struct FlipError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
