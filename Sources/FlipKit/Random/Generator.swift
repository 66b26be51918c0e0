/// A seeded pseudo-random generator (xoshiro256**, seeded through splitmix64).
/// Every random choice in flipside draws from one of these, so the same seed
/// gives the same numbers on every machine.
public final class Generator {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    public let seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// Where the stream stands: the next numbers follow from it alone.
    public var state: [UInt64] { [s.0, s.1, s.2, s.3] }

    /// A new generator whose stream is derived from this one's next output.
    public func split() -> Generator { Generator(seed: next()) }

    @inline(__always)
    public func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    public func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in 0..<bound (bound > 0), without modulo bias.
    public func below(_ bound: Int) -> Int {
        guard bound > 0 else { return 0 }  // callers validate; never trap
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// Standard normal (Box–Muller; one draw per call, so streams stay simple).
    public func normal() -> Double {
        var u = uniform()
        while u <= 0 { u = uniform() }
        let v = uniform()
        return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang's method (boosted for shape < 1).
    public func gamma(shape: Double) -> Double {
        if shape < 1 {
            var u = uniform()
            while u <= 0 { u = uniform() }
            return gamma(shape: shape + 1) * _exp(_log(u) / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if u > 0, _log(u) < 0.5 * x * x + d * (1 - v + _log(v)) { return d * v }
        }
    }

    /// A draw from the symmetric Dirichlet(α, ..., α) over `count` categories.
    public func dirichlet(alpha: Double, count: Int) -> [Double] {
        let draws = (0..<count).map { _ in gamma(shape: alpha) }
        let total = draws.reduce(0, +)
        if total > 0 { return draws.map { $0 / total } }
        // All draws underflowed (tiny α): the mass goes to one category.
        var p = [Double](repeating: 0, count: count)
        p[below(count)] = 1
        return p
    }

    /// The largest permutation handed out (2^28 elements, 1 GiB).
    public static let maxPermutation = 1 << 28
    /// The largest sample drawn from a population beyond `maxPermutation`.
    public static let maxSparseSample = 1 << 24

    /// A uniformly random permutation of 0..<n (Fisher–Yates), n ≤ maxPermutation.
    public func permutation(_ n: Int) -> [Int32] {
        var p = (0..<n).map { Int32($0) }
        shuffle(&p)
        return p
    }

    public func shuffle(_ p: inout [Int32]) {
        guard p.count > 1 else { return }
        for i in stride(from: p.count - 1, to: 0, by: -1) {
            p.swapAt(i, below(i + 1))
        }
    }

    /// k distinct values from 0..<n, in random order (a partial Fisher–Yates).
    public func sample(_ n: Int, _ k: Int) throws -> [Int32] {
        guard n >= 0, n <= Int(Int32.max) else { throw FlipError("population size \(n) out of range 0..\(Int32.max)") }
        guard k >= 0, k <= n else { throw FlipError("cannot sample \(k) of \(n) without replacement") }
        // Memory stays bounded: a dense pass holds n values, Floyd's method a set of k.
        guard n <= Generator.maxPermutation || k <= Generator.maxSparseSample else {
            throw FlipError("cannot sample \(k) of \(n): from more than \(Generator.maxPermutation) values, at most \(Generator.maxSparseSample)")
        }
        if k > n / 8 && n <= Generator.maxPermutation {
            var p = (0..<n).map { Int32($0) }
            for i in 0..<k { p.swapAt(i, i + below(n - i)) }
            return Array(p.prefix(k))
        }
        // Few out of many: Floyd's method needs memory for k values only.
        var chosen = Set<Int32>(minimumCapacity: k)
        var picked: [Int32] = []
        picked.reserveCapacity(k)
        for j in (n - k)..<n {
            let t = Int32(below(j + 1))
            let value = chosen.contains(t) ? Int32(j) : t
            chosen.insert(value)
            picked.append(value)
        }
        shuffle(&picked)
        return picked
    }
}
