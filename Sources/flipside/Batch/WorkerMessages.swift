import FlipLua
import FlipRunner
import FlipResults
import Foundation

/// What a batch child process writes back to its parent, as JSON in a file
/// the parent names. The child opens it when it starts (a sandboxed child can
/// open nothing outside its folder later) and writes it once at the end; the
/// parent reads it after the child has ended, and a half-written message
/// (the child killed while writing) does not decode.
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

    /// The message file, open for writing.
    final class Channel {
        let path: String
        private let handle: FileHandle

        init(path: String) throws {
            self.path = path
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: path) else { throw GridError("cannot create \(path)") }
            self.handle = handle
        }

        func send<T: Encodable>(_ value: T) throws {
            try handle.write(contentsOf: try encoder.encode(value))
            try handle.close()
        }
    }

    static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else { throw GridError("no message at \(path)") }
        return try decoder.decode(T.self, from: data)
    }
}
