/// The full-knowledge attacks of Fang et al. (2020), "Local model poisoning attacks to
/// Byzantine-robust federated learning", written for gradient messages: the server steps
/// against the aggregate, so moving the model against its honest direction means sending
/// gradients on the side opposite to the honest mean's sign.
enum Fang {
    /// Per coordinate j with honest extremes g_min, g_max and mean μ_j: when μ_j > 0, each
    /// attacker draws from [g_min/b, g_min] (g_min > 0) or [b·g_min, g_min]; otherwise from
    /// [g_max, b·g_max] (g_max > 0) or [g_max/b, g_max].
    static func trimmedMean(_ rows: MessageMatrix, attackers f: Int, b: Double, generator: Generator,
                            into out: UnsafeMutableBufferPointer<Float>) {
        let p = rows.parameters
        let mean = CoordinateWise.meanInDouble(rows)
        var (low, high) = ([Double](repeating: .infinity, count: p), [Double](repeating: -.infinity, count: p))
        for i in 0..<rows.workers {
            let x = rows.row(i)
            for j in 0..<p {
                low[j] = min(low[j], Double(x[j]))
                high[j] = max(high[j], Double(x[j]))
            }
        }
        for i in 0..<f {
            for j in 0..<p {
                let (a, c): (Double, Double)
                if mean[j] > 0 {
                    (a, c) = low[j] > 0 ? (low[j] / b, low[j]) : (b * low[j], low[j])
                } else {
                    (a, c) = high[j] > 0 ? (high[j], b * high[j]) : (high[j] / b, high[j])
                }
                out[i * p + j] = Float(a + (c - a) * generator.uniform())
            }
        }
    }

    /// −λ·sign(μ) and λ. Fang's bound, with the unchanged model at the origin of gradient
    /// space (D(w_i, w_Re) = ‖g_i‖), m = h + c workers and d parameters:
    /// λ ≤ min_i Σ_{l ∈ Γ(i)} ‖g_l − g_i‖ / ((m − 2c − 1)·√d) + max_i ‖g_i‖ / √d,
    /// Γ(i) the m − c − 2 honest messages nearest to g_i. Needs m > 2c + 2.
    static func krum(honest: Tensor, attackers c: Int, threshold: Double) throws -> (message: [Float], lambda: Double) {
        let (h, p) = try Aggregator.validate(messages: honest)
        let m = h + c
        guard m > 2 * c + 2 else {
            throw FlipError("Fang (Krum) with \(c) attackers needs more than \(2 * c + 2) workers in the round, got \(m)")
        }
        let (sign, bound) = MessageMatrix.borrowing(honest) { rows -> ([Float], Double) in
            let mean = CoordinateWise.meanInDouble(rows)
            let table = Distances.pairwiseSquared(rows)
            let nearest = (0..<h).map { i in
                Distances.othersByDistance(from: i, table: table, workers: h).prefix(m - c - 2)
                    .reduce(0.0) { $0 + table[i * h + $1].squareRoot() }
            }
            let largestNorm = (0..<h).map { i in
                (0..<p).reduce(0.0) { $0 + Double(rows.row(i)[$1]) * Double(rows.row(i)[$1]) }.squareRoot()
            }.max() ?? 0
            let root = Double(p).squareRoot()
            let bound = (nearest.min() ?? 0) / (Double(m - 2 * c - 1) * root) + largestNorm / root
            return (mean.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }, bound)
        }
        var lambda = bound
        // Attackers last: Krum's ties go to the honest messages.
        let krum = try Aggregator(rule: .krum(f: c))
        while true {
            let message = sign.map { -Float(lambda) * $0 }
            let stack = try Tensor(zeros: [m, p])
            stack.floats.baseAddress!.update(from: honest.floats.baseAddress!, count: h * p)
            for k in 0..<c { (stack.floats.baseAddress! + (h + k) * p).update(from: message, count: p) }
            let chosen = try krum.aggregate(stack).selectedWorkers ?? []
            if chosen.first.map({ $0 >= h }) == true || lambda / 2 < threshold { return (message, lambda) }
            lambda /= 2
        }
    }
}
