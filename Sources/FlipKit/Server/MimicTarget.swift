#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Karimireddy, He & Jaggi (ICLR 2022)'s Mimic heuristic, the attackers' state across
/// rounds: every attacker sends the message of one honest worker, the one lying
/// farthest along the honest messages' direction of largest variance, so that the
/// aggregate over-weights that worker's data.
///
/// During the first `warmup` rounds the attackers estimate that direction z by online
/// power iteration on the honest messages' covariance: at warm-up round t, with μ the
/// running mean of the rounds' honest means and c_i = g_i − μ,
/// v = Σ_i c_i ⟨c_i, z⟩ and z ← normalise(((t − 1)·z + v/‖v‖) / t),
/// z starting as a random unit vector. Each round they copy the honest worker with the
/// largest ⟨g_i, z⟩; at the end of the warm-up that worker is fixed, and copied in every
/// later round it takes part in (the round's farthest otherwise).
public final class MimicTarget {
    public let warmup: Int
    private var direction: [Double]
    private var mean: [Double] = []
    private var warmupRounds = 0
    /// The worker copied once the warm-up is over.
    public private(set) var fixedWorker: Int?

    /// `initialDirection` replaces the random start (tests).
    public init(warmup: Int, initialDirection: [Double] = []) {
        self.warmup = warmup
        direction = initialDirection
    }

    /// The row of `honest` to copy this round; `workers` names each row's worker.
    func choose(_ honest: MessageMatrix, workers: [Int], generator: Generator) -> Int {
        let p = honest.parameters
        if direction.count != p {
            direction = (0..<p).map { _ in generator.normal() }
            Self.normalise(&direction)
        }
        if let fixedWorker, let row = workers.firstIndex(of: fixedWorker) { return row }
        if warmupRounds < warmup { learn(honest) }
        let row = farthest(honest)
        if warmupRounds == warmup && fixedWorker == nil { fixedWorker = workers[row] }
        return row
    }

    private func learn(_ honest: MessageMatrix) {
        let (h, p) = (honest.workers, honest.parameters)
        warmupRounds += 1
        let t = Double(warmupRounds)
        if mean.isEmpty { mean = [Double](repeating: 0, count: p) }
        var roundMean = [Double](repeating: 0, count: p)
        for i in 0..<h {
            let g = honest.row(i)
            for j in 0..<p { roundMean[j] += Double(g[j]) / Double(h) }
        }
        for j in 0..<p { mean[j] += (roundMean[j] - mean[j]) / t }
        var v = [Double](repeating: 0, count: p)
        var centred = [Double](repeating: 0, count: p)
        for i in 0..<h {
            let g = honest.row(i)
            var along = 0.0
            for j in 0..<p {
                centred[j] = Double(g[j]) - mean[j]
                along += centred[j] * direction[j]
            }
            for j in 0..<p { v[j] += centred[j] * along }
        }
        guard Self.normalise(&v) else { return }
        for j in 0..<p { direction[j] = ((t - 1) * direction[j] + v[j]) / t }
        Self.normalise(&direction)
    }

    /// The row with the largest ⟨g_i, z⟩, the first of equals.
    private func farthest(_ honest: MessageMatrix) -> Int {
        var (best, bestValue) = (0, -Double.infinity)
        for i in 0..<honest.workers {
            let g = honest.row(i)
            var along = 0.0
            for j in 0..<honest.parameters { along += Double(g[j]) * direction[j] }
            if along > bestValue { (best, bestValue) = (i, along) }
        }
        return best
    }

    /// Scales `v` to unit length; false (and `v` unchanged) when it is zero or not finite.
    @discardableResult
    private static func normalise(_ v: inout [Double]) -> Bool {
        let norm = sqrt(v.reduce(0) { $0 + $1 * $1 })
        guard norm > 0, norm.isFinite else { return false }
        for j in v.indices { v[j] /= norm }
        return true
    }
}
