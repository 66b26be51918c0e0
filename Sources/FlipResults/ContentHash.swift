/// A 128-bit content hash (two FNV-1a 64 lanes with different offset bases),
/// as 32 hex digits: stable across runs, machines and builds, for run keys.
public struct ContentHash {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x8422_2325_cbf2_9ce4
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init() {}

    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* ContentHash.prime
            b = (b ^ UInt64(byte ^ 0x5a)) &* ContentHash.prime
        }
    }

    /// Adds `text` followed by a separator, so ("ab", "c") and ("a", "bc") differ.
    public mutating func add(field text: String) {
        add(text.utf8)
        add([0])
    }

    public var hex: String {
        [a, b].map { v in
            let digits = String(v, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    public static func of(_ text: String) -> String {
        var h = ContentHash()
        h.add(text.utf8)
        return h.hex
    }

    /// The key of a run: script content, canonical parameters, seed.
    public static func runKey(scriptHash: String, parameters: [String: RunValue], seed: Int) -> String {
        var h = ContentHash()
        h.add(field: scriptHash)
        h.add(field: RunValue.json(parameters))
        h.add(field: String(seed))
        return h.hex
    }
}
