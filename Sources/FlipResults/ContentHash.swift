import Crypto
import Foundation

/// SHA-256 content hashes as 64 hex digits: stable across runs, machines and
/// builds, for run keys and the hashes of what a run depends on.
public struct ContentHash {
    private var hasher = SHA256()

    public init() {}

    public mutating func add(_ bytes: some Sequence<UInt8>) { hasher.update(data: Array(bytes)) }

    /// Adds `text` followed by a separator, so ("ab", "c") and ("a", "bc") differ.
    public mutating func add(field text: String) {
        add(text.utf8)
        add([0])
    }

    public var hex: String {
        hasher.finalize().map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    public static func of(_ text: String) -> String { of(bytes: Array(text.utf8)) }

    public static func of(bytes: [UInt8]) -> String {
        var h = ContentHash()
        h.add(bytes)
        return h.hex
    }

    /// The key of a run: what its code depends on (`inputs`, see KeyInputs),
    /// its canonical parameters and its seed.
    public static func runKey(inputs: KeyInputs, parameters: [String: RunValue], seed: Int) -> String {
        var h = ContentHash()
        h.add(field: inputs.digest)
        h.add(field: RunValue.json(parameters))
        h.add(field: String(seed))
        return h.hex
    }

    /// What a run is, whatever its code: script, parameters and seed. Runs of
    /// one identity with other key inputs supersede each other.
    public static func identity(script: String, parameters: [String: RunValue], seed: Int) -> String {
        var h = ContentHash()
        h.add(field: script)
        h.add(field: RunValue.json(parameters))
        h.add(field: String(seed))
        return h.hex
    }
}

/// Everything a run's result depends on besides its parameters and seed: the
/// code `run` executes (its function and the Lua modules it reaches, by
/// content), the engine's version and the settings that change results.
/// Recorded with each run.
public struct KeyInputs: Sendable, Equatable, Codable {
    /// name → SHA-256: "run" (the script's run function), "module <name>" (each module it reaches).
    public var code: [String: String]
    public var engine: String
    /// Settings that change results (the BLAS kernel, the fixed-point pass, the build's arithmetic).
    public var settings: [String: String]

    public init(code: [String: String], engine: String, settings: [String: String]) {
        self.code = code
        self.engine = engine
        self.settings = settings
    }

    /// One hash of all of it, in a canonical order.
    public var digest: String {
        var h = ContentHash()
        for (name, value) in code.sorted(by: { $0.key < $1.key }) { h.add(field: "code \(name)=\(value)") }
        h.add(field: "engine \(engine)")
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) { h.add(field: "setting \(name)=\(value)") }
        return h.hex
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
