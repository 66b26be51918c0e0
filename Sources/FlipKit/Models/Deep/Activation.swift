/// ReLU or GELU, value by value (GELU exact: x·Φ(x), Φ the normal CDF).
struct Activation: LayerPass {
    enum Kind: String, Sendable, Codable { case relu, gelu }

    let kind: Kind
    let input: ActivationShape
    var output: ActivationShape { input }
    /// GELU keeps Φ(x) for its backward pass: erf is most of its cost.
    func cacheSize(rows n: Int) -> Int { kind == .gelu ? n * input.count : 0 }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        let count = n * input.count
        switch kind {
        case .relu: for k in 0..<count { y[k] = x[k] > 0 ? x[k] : 0 }
        case .gelu:
            for k in 0..<count {
                cache[k] = Activation.normalCDF(x[k])
                y[k] = x[k] * cache[k]
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        guard let dx else { return }
        let count = n * input.count
        switch kind {
        case .relu: for k in 0..<count { dx[k] = x[k] > 0 ? dy[k] : 0 }
        case .gelu:
            // d/dx x·Φ(x) = Φ(x) + x·φ(x)
            let density: T = 0.398_942_280_401_432_678
            for k in 0..<count {
                let v = x[k]
                dx[k] = dy[k] * (cache[k] + v * density * T.exponential(-v * v / 2))
            }
        }
    }

    @inline(__always)
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func normalCDF<T: DeepScalar>(_ x: T) -> T { (1 + T.errorFunction(x * 0.707_106_781_186_547_524)) / 2 }
}

/// Dropout at `rate`: in a training epoch's passes each value is kept with
/// probability 1 − rate and scaled by 1/(1 − rate); every other pass (the
/// attack's gradients, losses, predictions) leaves it unchanged. Whether a
/// value is kept is a hash of the layer's seed, the epoch's step, the row in
/// the batch and the value's index: the same seed and step give the same mask
/// on every run, and the backward pass recomputes it instead of storing it.
struct Dropout: LayerPass {
    let input: ActivationShape
    var output: ActivationShape { input }
    let rate: Double
    let seed: UInt64

    init(input: ActivationShape, rate: Double, seed: UInt64) throws {
        guard rate >= 0, rate < 1 else { throw FlipError("rate must be in [0, 1), got \(rate)") }
        self.input = input
        self.rate = rate
        self.seed = seed
    }

    @inline(__always)
    private static func mix(_ z: UInt64) -> UInt64 {
        var z = z &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `source` with each value dropped (0) or scaled by 1/(1 − rate) by the
    /// mask of `step`; copied unchanged without a step (outside training).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private func apply<T: DeepScalar>(_ source: UnsafePointer<T>, into out: UnsafeMutablePointer<T>, rows n: Int, step: UInt64?) {
        let count = n * input.count
        guard let step, rate > 0 else {
            out.update(from: source, count: count)
            return
        }
        let threshold = UInt64(rate * 0x1p53)
        let keep = 1 / T(1 - rate)
        let key = Dropout.mix(seed ^ Dropout.mix(step))
        for k in 0..<count { out[k] = Dropout.mix(key ^ UInt64(k)) >> 11 < threshold ? 0 : source[k] * keep }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        apply(x, into: y, rows: n, step: context.dropoutStep)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        if let dx { apply(dy, into: dx, rows: n, step: context.dropoutStep) }
    }
}
