/// Layer norm or batch norm with a learned scale γ and shift β per channel
/// (parameters γ then β, [2, channels]; γ starts at 1, β at 0), ε = 1e-5.
///
/// Layer norm normalises each position's channels. Batch norm normalises each
/// channel over the batch's rows and positions, with the statistics of the
/// rows in the pass, in every pass: it keeps no running averages, because a
/// model's only state is its one parameter tensor, which the optimizers step,
/// the server averages and the attacks read, and running statistics there
/// would be stepped and attacked as if they were weights. So a batch-norm
/// model's output for a row depends on the other rows of its block (a sweep's
/// blocks are the model's `sweepRows` rows in order), as in training.
struct Normalization: LayerPass {
    enum Kind: String, Sendable, Codable { case layer, batch }

    let kind: Kind
    let input: ActivationShape
    var output: ActivationShape { input }
    static let epsilon = 1e-5

    var parameterCount: Int { 2 * input.channels }

    /// How many statistics a pass over `n` rows keeps, and how many values each covers.
    private func groups(rows n: Int) -> (count: Int, size: Int) {
        kind == .layer ? (n * input.positions, input.channels) : (input.channels, n * input.positions)
    }

    /// Each group's mean, then its reciprocal standard deviation.
    func cacheSize(rows n: Int) -> Int { 2 * groups(rows: n).count }

    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator) {
        let c = input.channels
        p.update(repeating: 1, count: c)
        (p + c).update(repeating: 0, count: c)
    }

    /// Index of element `e` of group `g`: a layer-norm group is a position's
    /// channels, a batch-norm group one channel at every position.
    @inline(__always)
    private func index(_ g: Int, _ e: Int) -> Int { kind == .layer ? g * input.channels + e : e * input.channels + g }

    @inline(__always)
    private func channel(_ g: Int, _ e: Int) -> Int { kind == .layer ? e : g }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        let (count, size) = groups(rows: n)
        let (gamma, beta) = (p, p + input.channels)
        for g in 0..<count {
            var mean: T = 0
            for e in 0..<size { mean += x[index(g, e)] }
            mean /= T(size)
            var variance: T = 0
            for e in 0..<size {
                let d = x[index(g, e)] - mean
                variance += d * d
            }
            let r = 1 / T.root(variance / T(size) + T(Normalization.epsilon))
            cache[g] = mean
            cache[count + g] = r
            for e in 0..<size {
                let k = index(g, e)
                let c = channel(g, e)
                y[k] = gamma[c] * ((x[k] - mean) * r) + beta[c]
            }
        }
    }

    /// dx = r·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) with dx̂ = γ·dy, per group.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        let (count, size) = groups(rows: n)
        let c = input.channels
        if let dx {
            for g in 0..<count {
                let (mean, r) = (cache[g], cache[count + g])
                var (sum, dot): (T, T) = (0, 0)
                for e in 0..<size {
                    let k = index(g, e)
                    let d = dy[k] * p[channel(g, e)]
                    sum += d
                    dot += d * (x[k] - mean) * r
                }
                let (meanSum, meanDot) = (sum / T(size), dot / T(size))
                for e in 0..<size {
                    let k = index(g, e)
                    dx[k] = r * (dy[k] * p[channel(g, e)] - meanSum - (x[k] - mean) * r * meanDot)
                }
            }
        }
        for g in 0..<count {
            let (mean, r) = (cache[g], cache[count + g])
            for e in 0..<size {
                let k = index(g, e)
                let ch = channel(g, e)
                gradient[ch] += scale * dy[k] * ((x[k] - mean) * r)
                gradient[c + ch] += scale * dy[k]
            }
        }
    }
}
