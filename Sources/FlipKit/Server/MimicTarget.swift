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
    /// What the attackers have learnt so far; a round that fails puts it back.
    struct State {
        var direction: [Double]
        var mean: [Double] = []
        var warmupRounds = 0
        var fixedWorker: Int?
    }

    public let warmup: Int
    var state: State

    /// The worker copied once the warm-up is over.
    public var fixedWorker: Int? { state.fixedWorker }

    /// `initialDirection` replaces the random start (tests).
    public init(warmup: Int, initialDirection: [Double] = []) {
        self.warmup = warmup
        state = State(direction: initialDirection)
    }

    /// The row of `honest` to copy this round; `workers` names each row's worker.
    func choose(_ honest: MessageMatrix, workers: [Int], generator: Generator) -> Int {
        let p = honest.parameters
        if state.direction.count != p {
            state.direction = (0..<p).map { _ in generator.normal() }
            Self.normalise(&state.direction)
        }
        if let fixed = state.fixedWorker, let row = workers.firstIndex(of: fixed) { return row }
        if state.warmupRounds < warmup { learn(honest) }
        let row = farthest(honest)
        if state.warmupRounds == warmup && state.fixedWorker == nil { state.fixedWorker = workers[row] }
        return row
    }

    private func learn(_ honest: MessageMatrix) {
        let (h, p) = (honest.workers, honest.parameters)
        state.warmupRounds += 1
        let t = Double(state.warmupRounds)
        if state.mean.isEmpty { state.mean = [Double](repeating: 0, count: p) }
        var roundMean = [Double](repeating: 0, count: p)
        for i in 0..<h {
            let g = honest.row(i)
            for j in 0..<p { roundMean[j] += Double(g[j]) / Double(h) }
        }
        for j in 0..<p { state.mean[j] += (roundMean[j] - state.mean[j]) / t }
        var v = [Double](repeating: 0, count: p)
        var centred = [Double](repeating: 0, count: p)
        for i in 0..<h {
            let g = honest.row(i)
            var along = 0.0
            for j in 0..<p {
                centred[j] = Double(g[j]) - state.mean[j]
                along += centred[j] * state.direction[j]
            }
            for j in 0..<p { v[j] += centred[j] * along }
        }
        guard Self.normalise(&v) else { return }
        for j in 0..<p { state.direction[j] = ((t - 1) * state.direction[j] + v[j]) / t }
        Self.normalise(&state.direction)
    }

    /// The row with the largest ⟨g_i, z⟩, the first of equals.
    private func farthest(_ honest: MessageMatrix) -> Int {
        var (best, bestValue) = (0, -Double.infinity)
        for i in 0..<honest.workers {
            let g = honest.row(i)
            var along = 0.0
            for j in 0..<honest.parameters { along += Double(g[j]) * state.direction[j] }
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
