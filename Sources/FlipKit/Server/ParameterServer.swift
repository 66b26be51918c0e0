/// The paper's distributed setting (Section 2.2): n workers each hold a shard
/// of the training set; every round the server hands out the model, each
/// worker draws a batch from its shard and returns a message — its mean
/// gradient, or (FedAvg style) its model change after local steps — the
/// aggregation combines the messages and the server's optimizer applies the
/// result. Attacking workers flip labels of their own batch through a policy
/// before computing their message; the engine checks every flip against the
/// threat model.
public final class ParameterServer {
    public enum MessageKind: Sendable, Equatable {
        /// The mean gradient of the worker's batch.
        case gradient
        /// params_before − params_after of `steps` full-batch gradient steps of size
        /// `learningRate` on the worker's batch (the server then subtracts the aggregate).
        case localUpdate(steps: Int, learningRate: Double)
    }

    /// What an attacking worker is told before it chooses its flips.
    public struct AttackRequest {
        /// 0-based worker index.
        public let worker: Int
        /// The worker's attack this round: its K_H (its batch, or the share of it
        /// the attacker controls), the budget ⌊b·|K_H|⌋, its Δ the honest
        /// workers' (omniscient) or its own batch's.
        public let epoch: AttackEpoch
        /// Mean of the honest workers' messages, for an omniscient attacker; nil otherwise.
        public let honestMean: Tensor?
        public let round: Int

        public var controlled: Tensor { epoch.subset }
        public var budget: Int { epoch.budget }
    }

    /// The flips and, optionally, the Δ the policy ranked them by.
    public typealias FlipPolicy = (AttackRequest) throws -> (flips: FlipSet, delta: Tensor?)
    /// A rule written outside the engine: stacked messages [n, P] → aggregate [P].
    public typealias CustomRule = (Tensor) throws -> Tensor

    public let model: Model
    public let features: Tensor
    public let labels: Tensor
    public let shards: [Tensor]
    public let attackers: Set<Int>
    public let batchSize: Int
    public let kind: MessageKind
    public let aggregator: Aggregator
    public let optimizer: Optimizer
    public let budgetFraction: Double
    /// The fraction of its batch an attacker controls (its K_H, drawn each round); 1: all of it.
    public let attackerShare: Double
    public let omniscient: Bool
    public let direction: DirectionMode
    /// Record each attack's provenance in the round's record.
    public let recordsProvenance: Bool
    /// The attackers' message rule instead of label flipping; nil: they flip labels.
    public let gradientAttack: GradientAttack?
    /// Which workers take part in each round; nil: all of them.
    public let sampling: ClientSampling?
    /// The server's own rows (FLTrust's root dataset): each round it computes its update
    /// on all of them, as a worker would.
    public let root: Tensor?
    /// FoolsGold's history of each worker's updates, when that is the rule.
    public let foolsGold: FoolsGold?
    /// The PCA detection's window of rounds, when that is the rule.
    public let pcaDetection: PCADetection?
    /// Mimic's direction and chosen worker, when that is the attack.
    public let mimic: MimicTarget?
    public private(set) var rounds = 0
    private var inRound = false
    private let workerGenerators: [Generator]
    /// A stream for the attackers' own random choices, separate from the batches.
    public let attackerGenerator: Generator
    /// The stream of the sampled sets.
    private let samplingGenerator: Generator?
    /// The stream of bucketing's orders.
    private let aggregationGenerator: Generator?
    private let sortedAttackers: [Int]
    private let honestWorkers: [Int]

    public init(model: Model, features: Tensor, labels: Tensor, shards: [Tensor], attackers: Set<Int> = [],
                batchSize: Int, kind: MessageKind = .gradient, aggregator: Aggregator, optimizer: Optimizer,
                budgetFraction: Double = 0, attackerShare: Double = 1, omniscient: Bool = Defaults.omniscient, direction: DirectionMode = Defaults.direction,
                recordsProvenance: Bool = Defaults.provenance, gradientAttack: GradientAttack? = nil,
                sampling: ClientSampling? = nil, root: Tensor? = nil, generator: Generator) throws {
        guard !shards.isEmpty else { throw FlipError("the server needs at least one worker") }
        for (w, shard) in shards.enumerated() {
            try shard.requireDType(.int32, "shard of worker \(w + 1)")
            do { try Tensor.checkIndices(shard, limit: features.rows, what: "row") } catch let e as FlipError {
                throw FlipError("shard of worker \(w + 1): \(e.description)")
            }
            guard shard.count >= 1 else { throw FlipError("shard of worker \(w + 1) is empty") }
        }
        _ = try model.validate(features: features, labels: labels, rows: nil, overrides: nil)
        for a in attackers where a < 0 || a >= shards.count {
            throw FlipError("attacker \(a + 1) is not a worker 1..\(shards.count)")
        }
        guard batchSize >= 1 else { throw FlipError("batch size must be at least 1, got \(batchSize)") }
        if case .localUpdate(let steps, let lr) = kind {
            guard steps >= 1 else { throw FlipError("local steps must be at least 1, got \(steps)") }
            guard lr.isFinite, lr > 0 else { throw FlipError("local learning rate must be a positive number, got \(formatNumber(lr))") }
        }
        guard budgetFraction.isFinite, budgetFraction >= 0, budgetFraction <= 1 else {
            throw FlipError("budget fraction b must be in [0, 1], got \(formatNumber(budgetFraction))")
        }
        guard attackerShare.isFinite, attackerShare > 0, attackerShare <= 1 else {
            throw FlipError("the attacker's share of its batch must be in (0, 1], got \(formatNumber(attackerShare))")
        }
        try gradientAttack?.validate()
        if gradientAttack != nil && budgetFraction > 0 {
            throw FlipError("attackers either flip labels (b > 0) or send a gradient attack's messages, not both")
        }
        try sampling?.validate(workers: shards.count, attackers: attackers.count)
        if let root {
            try root.requireDType(.int32, "root rows")
            do { try Tensor.checkIndices(root, limit: features.rows, what: "row") } catch let e as FlipError {
                throw FlipError("root rows: \(e.description)")
            }
            guard root.count >= 1 else { throw FlipError("the server's root dataset is empty") }
            guard aggregator.rule == .flTrust else { throw FlipError("a root dataset is used by FLTrust only, the rule is \(aggregator.rule.name)") }
        } else if aggregator.rule == .flTrust {
            throw FlipError("FLTrust needs the server's root dataset (its rows)")
        }
        let perRound = sampling?.perRound ?? shards.count
        try aggregator.validate(workers: perRound)
        try optimizer.prepare(count: model.parameterCount)
        self.model = model
        self.features = features
        self.labels = labels
        self.shards = shards
        self.attackers = attackers
        self.batchSize = batchSize
        self.kind = kind
        self.aggregator = aggregator
        self.optimizer = optimizer
        self.budgetFraction = budgetFraction
        self.attackerShare = attackerShare
        self.omniscient = omniscient
        self.direction = direction
        self.recordsProvenance = recordsProvenance
        self.gradientAttack = gradientAttack
        self.sampling = sampling
        self.root = root
        if case .mimic(let warmup) = gradientAttack { mimic = MimicTarget(warmup: warmup) } else { mimic = nil }
        if case .foolsGold(let confidence) = aggregator.rule { foolsGold = FoolsGold(confidence: confidence) } else { foolsGold = nil }
        if case .pcaDetection(let source, let window) = aggregator.rule {
            pcaDetection = PCADetection(sourceClass: source, window: window)
        } else {
            pcaDetection = nil
        }
        workerGenerators = shards.map { _ in generator.split() }
        attackerGenerator = generator.split()
        // Split only when used: a caller's generator then advances as it did before these existed.
        samplingGenerator = sampling == nil ? nil : generator.split()
        aggregationGenerator = aggregator.steps.contains { if case .bucketing = $0 { return true } else { return false } } ? generator.split() : nil
        sortedAttackers = attackers.sorted()
        honestWorkers = sampling?.attackersPerRound == nil ? [] : (0..<shards.count).filter { !attackers.contains($0) }
    }

    /// Rows worker `w` trains on this round: `batchSize` rows of its shard drawn
    /// without replacement (the whole shard when it is smaller).
    func drawBatch(_ w: Int) throws -> Tensor {
        let shard = shards[w]
        let picks = try workerGenerators[w].sample(shard.count, min(batchSize, shard.count))
        return try Tensor(int32: picks.map { shard.int32s[Int($0)] })
    }

    /// The message of one worker on `batch`, with labels `overrides` where given.
    func message(batch: Tensor, overrides: Tensor?) throws -> Tensor {
        switch kind {
        case .gradient:
            return try model.gradient(features: features, labels: labels, rows: batch, overrides: overrides)
        case .localUpdate(let steps, let lr):
            let local = try model.clone()
            let sgd = try Optimizer(.sgd(momentum: 0), learningRate: lr)
            for _ in 0..<steps {
                try sgd.step(model: local, gradient: try local.gradient(features: features, labels: labels, rows: batch, overrides: overrides))
            }
            let change = try model.parameters.clone()
            for k in 0..<change.count { change.floats[k] -= local.parameters.floats[k] }
            return change
        }
    }

    /// The workers taking part in the next round, ascending.
    func participants() throws -> [Int] {
        guard let sampling, let samplingGenerator else { return Array(0..<shards.count) }
        return try sampling.draw(workers: shards.count, attackers: sortedAttackers, honest: honestWorkers, generator: samplingGenerator)
    }

    /// One round. `policy` chooses the attackers' flips (no flips without one);
    /// `customRule`, if given, replaces the aggregator's rule after its steps.
    public func round(policy: FlipPolicy?, customRule: CustomRule? = nil) throws -> RoundRecord {
        guard !inRound else { throw FlipError("a round cannot start inside another round's policy or rule") }
        if gradientAttack != nil && policy != nil {
            throw FlipError("the attackers send a gradient attack's messages: a round takes no flip policy")
        }
        inRound = true
        defer { inRound = false }
        let workers = try participants()
        let batches = try workers.map { try drawBatch($0) }
        var messages = [Tensor?](repeating: nil, count: workers.count)
        var honestLoss = 0.0
        let honest = workers.indices.filter { !attackers.contains(workers[$0]) }
        let attacking = workers.indices.filter { attackers.contains(workers[$0]) }
        for i in honest {
            messages[i] = try message(batch: batches[i], overrides: nil)
            honestLoss += try model.loss(features: features, labels: labels, rows: batches[i])
        }
        let honestStack = honest.isEmpty ? nil : try Aggregator.stack(honest.map { messages[$0]! })
        let honestMean = try honestStack.map { try Aggregator(rule: .mean).aggregate($0).vector }
        var flips: [Int: Int] = [:]
        var provenance: [Int: Provenance] = [:]
        var attackScale: Double?
        var mimicked: Int?
        let mimicBefore = mimic?.state
        var roundDone = false
        defer { if !roundDone, let mimicBefore { mimic?.state = mimicBefore } }
        if let gradientAttack {
            if !attacking.isEmpty {
                guard let honestStack else { throw FlipError("\(gradientAttack.name) needs at least one honest worker in the round") }
                let outcome = try gradientAttack.messages(honest: honestStack, attackers: attacking.count, workers: workers.count,
                                                          honestWorkers: honest.map { workers[$0] }, mimic: mimic,
                                                          generator: attackerGenerator)
                for (k, i) in attacking.enumerated() { messages[i] = try Tensor(Array(outcome.messages.floats[(k * model.parameterCount)..<((k + 1) * model.parameterCount)])) }
                attackScale = outcome.scale
                mimicked = outcome.copied
            }
        } else {
            for i in attacking {
                let (w, batch) = (workers[i], batches[i])
                let knows = omniscient ? honestMean : nil
                let controlled = attackerShare == 1 ? batch
                    : try Tensor(int32: try attackerGenerator.sample(batch.count, max(1, try Budget.floorFraction(attackerShare, of: batch.count)))
                        .sorted().map { batch.int32s[Int($0)] })
                let epoch = try AttackEpoch(model: model, features: features, labels: labels, subset: controlled, budgetFraction: budgetFraction,
                                            mode: direction,
                                            source: knows.map { .workers(mean: $0, batches: honest.map { batches[$0] }) } ?? .rows(batch),
                                            number: rounds + 1)
                var overrides: Tensor?
                if let policy, epoch.budget > 0 {
                    let answer = try policy(AttackRequest(worker: w, epoch: epoch, honestMean: knows, round: rounds + 1))
                    let poisoned = try epoch.apply(answer.flips, usedDelta: answer.delta)
                    overrides = try poisoned.gatherRows(batch)
                    flips[w] = answer.flips.rows.count
                    if recordsProvenance { provenance[w] = try epoch.provenance() }
                }
                messages[i] = try message(batch: batch, overrides: overrides)
            }
        }
        let stack = try Aggregator.stack(messages.map { $0! })
        let reference = try root.map { try message(batch: $0, overrides: nil) }
        let (alpha, commit) = try workerWeights(messages.map { $0! }, workers: workers)
        let result = try aggregate(stack, customRule: customRule, reference: reference, alpha: alpha)
        try optimizer.step(model: model, gradient: result.vector)
        commit?()
        roundDone = true
        rounds += 1
        return try RoundRecord(round: rounds, stack: stack, workers: workers, sampled: sampling != nil,
                               attackers: Set(attacking), honestMean: honestMean,
                               aggregate: result.naming(workers), flips: flips, provenance: provenance,
                               gradientAttack: gradientAttack.map { .init(name: $0.name, scale: attackScale, copied: mimicked) },
                               honestLoss: honest.isEmpty ? nil : honestLoss / Double(honest.count),
                               modelIsFinite: model.isFinite)
    }

    func aggregate(_ stack: Tensor, customRule: CustomRule?, reference: Tensor?, alpha: [Double]?) throws -> AggregationResult {
        guard let customRule else {
            return try aggregator.aggregate(stack, reference: reference, alpha: alpha, generator: aggregationGenerator)
        }
        let (n, p) = try Aggregator.validate(messages: stack)
        try aggregator.validate(workers: n)
        var current = stack
        for step in aggregator.steps { current = try step.apply(to: current, generator: aggregationGenerator) }
        let vector = try customRule(current)
        guard vector.dtype == .float32, vector.count == p else {
            throw FlipError("the aggregation rule returned \(vector.dtype.rawValue) \(vector.shapeText); a float32 vector of \(p) values was expected")
        }
        for (k, v) in vector.floats.enumerated() where !v.isFinite {
            throw FlipError("the aggregation rule returned a non-finite value (\(v)) at coordinate \(k + 1)")
        }
        return AggregationResult(vector: try vector.clone().reshaped([p]))
    }
}
