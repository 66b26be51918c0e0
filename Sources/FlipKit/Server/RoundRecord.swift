/// What one round of the parameter server did, for the detectability and
/// alignment figures: every worker's message norm, the attacker/honest norm
/// ratio (paper Tables 3–4), and the cosine between the aggregate and the
/// honest-only mean.
public struct RoundRecord {
    public let round: Int
    /// Euclidean norm of each worker's message, in worker order.
    public let workerNorms: [Double]
    /// Attacking workers, 0-based, ascending.
    public let attackers: [Int]
    /// Flips each attacker made this round (0 for an attacker without a policy or budget).
    public let flips: [Int]
    /// Mean attacker norm over mean honest norm; nil without attackers or honest workers.
    public let normRatio: Double?
    /// Cosine between the aggregate and the honest workers' mean; nil when either is zero.
    public let cosineToHonest: Double?
    /// Mean loss of the honest workers' batches before the update.
    public let honestLoss: Double?
    public let aggregate: AggregationResult
    /// Each attack's provenance, by 0-based worker, when the server records it.
    public let provenance: [Int: Provenance]
    /// "ok", or "diverged" once the model holds a non-finite parameter.
    public let status: String

    init(round: Int, stack: Tensor, attackers: Set<Int>, honestMean: Tensor?, aggregate: AggregationResult,
         flips: [Int: Int], provenance: [Int: Provenance] = [:], honestLoss: Double?, modelIsFinite: Bool) throws {
        self.round = round
        let norms = try GradientGeometry.rowNorms(stack)
        let sorted = attackers.sorted()
        workerNorms = norms
        self.attackers = sorted
        self.flips = sorted.map { flips[$0] ?? 0 }
        let honestNorms = norms.enumerated().filter { !attackers.contains($0.offset) }.map(\.element)
        let attackerNorms = sorted.map { norms[$0] }
        if honestNorms.isEmpty || attackerNorms.isEmpty || honestNorms.reduce(0, +) == 0 {
            normRatio = nil
        } else {
            normRatio = (attackerNorms.reduce(0, +) / Double(attackerNorms.count)) / (honestNorms.reduce(0, +) / Double(honestNorms.count))
        }
        cosineToHonest = honestMean.flatMap { try? GradientGeometry.cosine(aggregate.vector, $0) }
        self.honestLoss = honestLoss
        self.aggregate = aggregate
        self.provenance = provenance
        status = modelIsFinite ? "ok" : "diverged"
    }
}
