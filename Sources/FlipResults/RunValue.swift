import Foundation

/// A parameter or scalar metric of a run: what a script's tables hold.
public enum RunValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case integer(Int)
    case number(Double)
    case text(String)
    case boolean(Bool)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .boolean(b); return }
        if let i = try? c.decode(Int.self) { self = .integer(i); return }
        if let d = try? c.decode(Double.self) { self = .number(d); return }
        let text = try c.decode(String.self)
        switch text {
        case "nan": self = .number(.nan)
        case "inf": self = .number(.infinity)
        case "-inf": self = .number(-.infinity)
        default: self = .text(text)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .integer(let i): try c.encode(i)
        // JSON has no NaN or infinity: they travel as text and come back as numbers.
        case .number(let d) where !d.isFinite: try c.encode(d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf"))
        case .number(let d): try c.encode(d)
        case .text(let s): try c.encode(s)
        case .boolean(let b): try c.encode(b)
        }
    }

    public var description: String {
        switch self {
        case .integer(let i): return String(i)
        case .number(let d): return d.isFinite ? "\(d)" : (d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf"))
        case .text(let s): return s
        case .boolean(let b): return b ? "true" : "false"
        }
    }

    public var number: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    /// Canonical JSON of a table of values: sorted keys, so equal tables give equal text.
    public static func json(_ table: [String: RunValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(table)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    public static func table(fromJSON text: String) -> [String: RunValue] {
        (try? JSONDecoder().decode([String: RunValue].self, from: Data(text.utf8))) ?? [:]
    }
}
