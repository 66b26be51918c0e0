/// What one round of the parameter server did, for the detectability and
/// alignment figures: every worker's message norm, the attacker/honest norm
/// ratio (paper Tables 3–4), and the cosine between the aggregate and the
/// honest-only mean.
public struct RoundRecord {
    /// What a gradient attack sent.
    public struct GradientAttackReport: Sendable, Equatable {
        public let name: String
        /// ALIE's z, Min-Max's and Min-Sum's γ, IPM's ε; nil for the others or without attackers.
        public let scale: Double?
        /// Mimic: the 0-based worker whose message the attackers copied.
        public var copied: Int? = nil
    }

    public let round: Int
    /// The workers that took part, 0-based, ascending: all of them without client sampling.
    public let workers: [Int]
    /// Whether the server sampled `workers`.
    public let sampled: Bool
    /// Euclidean norm of each participating worker's message, in the order of `workers`.
    public let workerNorms: [Double]
    /// Attacking workers that took part, 0-based, ascending.
    public let attackers: [Int]
    /// Flips each attacker made this round (0 for an attacker without a policy or budget).
    public let flips: [Int]
    /// Mean attacker norm over mean honest norm; nil without attackers or honest workers.
    public let normRatio: Double?
    /// Cosine between the aggregate and the honest workers' mean; nil when either is zero.
    public let cosineToHonest: Double?
    /// Mean loss of the honest workers' batches before the update.
    public let honestLoss: Double?
    /// The aggregation's result; Krum's selection names workers, not rows.
    public let aggregate: AggregationResult
    /// Each attack's provenance, by 0-based worker, when the server records it.
    public let provenance: [Int: Provenance]
    /// The attackers' gradient attack, when they send one instead of flipping labels.
    public let gradientAttack: GradientAttackReport?
    /// Which workers the rule excluded, against the real attackers; nil for rules that
    /// weigh coordinates rather than workers.
    public let detection: Detection?
    /// "ok", or "diverged" once the model holds a non-finite parameter.
    public let status: String

    public struct Detection: Sendable, Equatable {
        /// Workers left out of the aggregate (not selected, or weighted 0), ascending.
        public let excluded: [Int]
        /// Excluded attackers over the round's attackers; nil without attackers.
        public let truePositiveRate: Double?
        /// Excluded honest workers over the round's honest workers; nil without any.
        public let falsePositiveRate: Double?
    }

    /// `attackers` are rows of `stack`; `flips` and `provenance` are keyed by worker.
    init(round: Int, stack: Tensor, workers: [Int], sampled: Bool, attackers: Set<Int>, honestMean: Tensor?,
         aggregate: AggregationResult, flips: [Int: Int], provenance: [Int: Provenance] = [:],
         gradientAttack: GradientAttackReport? = nil, honestLoss: Double?, modelIsFinite: Bool) throws {
        self.round = round
        self.workers = workers
        self.sampled = sampled
        let norms = try GradientGeometry.rowNorms(stack)
        let rows = attackers.sorted()
        workerNorms = norms
        self.attackers = rows.map { workers[$0] }
        self.flips = self.attackers.map { flips[$0] ?? 0 }
        let honestNorms = norms.enumerated().filter { !attackers.contains($0.offset) }.map(\.element)
        let attackerNorms = rows.map { norms[$0] }
        if honestNorms.isEmpty || attackerNorms.isEmpty || honestNorms.reduce(0, +) == 0 {
            normRatio = nil
        } else {
            normRatio = (attackerNorms.reduce(0, +) / Double(attackerNorms.count)) / (honestNorms.reduce(0, +) / Double(honestNorms.count))
        }
        cosineToHonest = honestMean.flatMap { try? GradientGeometry.cosine(aggregate.vector, $0) }
        self.honestLoss = honestLoss
        self.aggregate = aggregate
        self.provenance = provenance
        self.gradientAttack = gradientAttack
        let kept: Set<Int>? = aggregate.selectedWorkers.map(Set.init)
            ?? aggregate.weights.map { w in Set(w.indices.filter { w[$0] > 0 }.map { workers[$0] }) }
        let bad = Set(rows.map { workers[$0] })
        detection = kept.map { kept in
            let excluded = workers.filter { !kept.contains($0) }
            let honestCount = workers.count - bad.count
            return Detection(excluded: excluded,
                             truePositiveRate: bad.isEmpty ? nil : Double(excluded.filter(bad.contains).count) / Double(bad.count),
                             falsePositiveRate: honestCount == 0 ? nil : Double(excluded.filter { !bad.contains($0) }.count) / Double(honestCount))
        }
        status = modelIsFinite ? "ok" : "diverged"
    }
}
