import FlipLua
import FlipResults
import Foundation

/// What a batch child process writes back to its parent, as JSON in a file
/// the parent names (written to a temporary name, then renamed, so the parent
/// never reads half a message).
enum WorkerMessage {
    /// A script's plan: a data script's runs, or the outcome of a plain script
    /// (which runs whole as soon as it is loaded).
    struct Plan: Codable {
        var kind: String  // "data" or "plain"
        var description: String
        var scriptHash: String
        var requests: [GridRunner.Request]
        var hasReport: Bool
        var plain: RunRecord?
    }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    static func write<T: Encodable>(_ value: T, to path: String) throws {
        let data = try encoder.encode(value)
        let temporary = path + ".partial"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw GridError("cannot move \(temporary) to \(path)") }
    }

    static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else { throw GridError("no message at \(path)") }
        return try decoder.decode(T.self, from: data)
    }
}
