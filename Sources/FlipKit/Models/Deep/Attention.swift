/// Multi-head self-attention over tokens: Q, K, V = x·W_qkvᵀ (one product
/// for the three), per head softmax(Q_h K_hᵀ / √d_h) V_h, the heads side by
/// side times W_oᵀ. Parameters: W_qkv [3·width, width + 1] then W_o
/// [width, width + 1], bias last in each row; a head's queries, keys and
/// values are columns h·d_h ..< (h+1)·d_h of each third.
struct Attention: LayerPass {
    let input: ActivationShape
    let heads: Int

    init(input: ActivationShape, heads: Int) throws {
        guard input.width == 1 else { throw FlipError("attention runs over tokens, got a \(input) image") }
        guard heads >= 1, input.channels % heads == 0 else {
            throw FlipError("heads must divide the width \(input.channels), got \(heads)")
        }
        guard heads * input.height * input.height <= DeepLayer.maxActivation else {
            throw FlipError("\(heads) heads over \(input.height) tokens: more than \(DeepLayer.maxActivation) attention weights per sample")
        }
        self.input = input
        self.heads = heads
    }

    var output: ActivationShape { input }
    var tokens: Int { input.height }
    var width: Int { input.channels }
    var headWidth: Int { width / heads }
    var projections: Affine { Affine(inputs: width, outputs: 3 * width) }
    var mixing: Affine { Affine(inputs: width, outputs: width) }
    var parameterCount: Int { projections.parameterCount + mixing.parameterCount }

    /// Q, K, V [n·T, 3·width], the attention weights [n, heads, T, T], the
    /// heads' outputs [n·T, width]; then for the backward pass the gradients
    /// of the heads' outputs and of Q, K, V, and one head's weights.
    func cacheSize(rows n: Int) -> Int { 2 * (n * tokens * 4 * width) + n * heads * tokens * tokens + tokens * tokens }

    /// Weights uniform in ±1/√width, biases zero.
    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator) {
        let bound = 1 / Double(width).squareRoot()
        for k in 0..<parameterCount { p[k] = (k + 1) % (width + 1) == 0 ? 0 : Float((2 * generator.uniform() - 1) * bound) }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private func parts<T>(_ cache: UnsafeMutablePointer<T>, rows n: Int)
        -> (qkv: UnsafeMutablePointer<T>, weights: UnsafeMutablePointer<T>, mixed: UnsafeMutablePointer<T>) {
        let weights = cache + n * tokens * 3 * width
        return (cache, weights, weights + n * heads * tokens * tokens)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        let (qkv, weights, mixed) = parts(cache, rows: n)
        let (t, d, dh) = (tokens, width, headWidth)
        let scale = 1 / T.root(T(dh))
        projections.forward(p, x, rows: n * t, into: qkv)
        for s in 0..<n {
            for h in 0..<heads {
                let q = qkv + s * t * 3 * d + h * dh
                let a = weights + (s * heads + h) * t * t
                T.gemm(false, true, t, t, dh, scale, q, 3 * d, q + d, 3 * d, 0, a, t)
                for i in 0..<t { Attention.softmax(a + i * t, count: t) }
                T.gemm(false, false, t, dh, t, 1, a, t, q + 2 * d, 3 * d, 0, mixed + s * t * d + h * dh, d)
            }
        }
        mixing.forward(p + projections.parameterCount, mixed, rows: n * t, into: y)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private static func softmax<T: DeepScalar>(_ row: UnsafeMutablePointer<T>, count: Int) {
        var top = row[0]
        for j in 1..<count { top = max(top, row[j]) }
        var sum: T = 0
        for j in 0..<count {
            row[j] = T.exponential(row[j] - top)
            sum += row[j]
        }
        let inverse = 1 / sum
        for j in 0..<count { row[j] *= inverse }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        let (qkv, weights, mixed) = parts(cache, rows: n)
        let (t, d, dh) = (tokens, width, headWidth)
        let attentionScale = 1 / T.root(T(dh))
        let wo = p + projections.parameterCount
        let dmixed = mixed + n * t * d
        let dqkv = dmixed + n * t * d
        let da = dqkv + n * t * 3 * d
        mixing.inputGradient(wo, dy, rows: n * t, into: dmixed)
        mixing.accumulate(gradient + projections.parameterCount, scale: scale, dy, mixed, rows: n * t)
        for s in 0..<n {
            for h in 0..<heads {
                let q = qkv + s * t * 3 * d + h * dh
                let dq = dqkv + s * t * 3 * d + h * dh
                let a = weights + (s * heads + h) * t * t
                let dout = dmixed + s * t * d + h * dh
                T.gemm(false, true, t, t, dh, 1, dout, d, q + 2 * d, 3 * d, 0, da, t)
                T.gemm(true, false, t, dh, t, 1, a, t, dout, d, 0, dq + 2 * d, 3 * d)
                // Through the softmax: dS = A ⊙ (dA − Σ_j A_ij dA_ij), row by row.
                for i in 0..<t {
                    var dot: T = 0
                    for j in 0..<t { dot += a[i * t + j] * da[i * t + j] }
                    for j in 0..<t { da[i * t + j] = a[i * t + j] * (da[i * t + j] - dot) }
                }
                T.gemm(false, false, t, dh, t, attentionScale, da, t, q + d, 3 * d, 0, dq, 3 * d)
                T.gemm(true, false, t, dh, t, attentionScale, da, t, q, 3 * d, 0, dq + d, 3 * d)
            }
        }
        if let dx { projections.inputGradient(p, dqkv, rows: n * t, into: dx) }
        projections.accumulate(gradient, scale: scale, dqkv, x, rows: n * t)
    }
}
