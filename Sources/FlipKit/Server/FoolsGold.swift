#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FoolsGold (Fung et al., 2020): sybils that push the same poisoned direction round after
/// round look alike in the sum of their updates. The server keeps, per worker, the sum of
/// the output-layer blocks of its messages; each round it weighs the round's workers by
/// how unlike every other worker's history theirs is.
public final class FoolsGold {
    /// κ, the confidence of the logit re-weighting (Fung et al.'s 1).
    public let confidence: Double
    private var history: [Int: [Double]] = [:]

    public init(confidence: Double) { self.confidence = confidence }

    /// The workers' α once each worker's output-layer block is added to its history, and
    /// those histories, which `commit` keeps once the round has gone through.
    func propose(workers: [Int], blocks: [[Float]]) -> (alpha: [Double], histories: [Int: [Double]]) {
        var next: [Int: [Double]] = [:]
        for (w, block) in zip(workers, blocks) {
            var sum = history[w] ?? [Double](repeating: 0, count: block.count)
            for k in 0..<block.count { sum[k] += Double(block[k]) }
            next[w] = sum
        }
        return (Self.weights(workers.map { next[$0] ?? [] }, confidence: confidence), next)
    }

    func commit(_ histories: [Int: [Double]]) {
        history.merge(histories) { _, new in new }
    }

    /// Fung et al.'s Algorithm 1 on histories H: cs_ij = cos(H_i, H_j) (0 for i = j or a zero
    /// history), v_i = max_j cs_ij; pardoning: cs_ij ← cs_ij·v_i/v_j where v_i < v_j;
    /// α_i = 1 − max_j cs_ij in [0, 1], divided by the largest α, 1 replaced by 0.99, then
    /// α_i ← κ·(ln(α_i/(1 − α_i)) + 0.5) clipped to [0, 1].
    static func weights(_ histories: [[Double]], confidence: Double) -> [Double] {
        let n = histories.count
        let norms = histories.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var cs = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<n where norms[i] > 0 && norms[j] > 0 {
                let dot = zip(histories[i], histories[j]).reduce(0) { $0 + $1.0 * $1.1 }
                cs[i * n + j] = dot / (norms[i] * norms[j])
                cs[j * n + i] = cs[i * n + j]
            }
        }
        let v = (0..<n).map { i in (0..<n).map { cs[i * n + $0] }.max() ?? 0 }
        for i in 0..<n {
            for j in 0..<n where i != j && v[i] < v[j] { cs[i * n + j] *= v[i] / v[j] }
        }
        var alpha = (0..<n).map { i in min(1, max(0, 1 - ((0..<n).map { cs[i * n + $0] }.max() ?? 0))) }
        let largest = alpha.max() ?? 0
        if largest > 0 { alpha = alpha.map { $0 / largest } }
        return alpha.map { a in
            let a = a == 1 ? 0.99 : a
            guard a > 0 else { return 0 }
            return min(1, max(0, confidence * (log(a / (1 - a)) + 0.5)))
        }
    }
}
