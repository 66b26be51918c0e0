#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the attacker's honest direction Δ = −∇L_{D_H} is computed.
public enum DirectionMode: String, CaseIterable, Sendable {
    /// Residuals from the log domain, rescaled by the largest
    /// (Model.gradientDirection): Δ vanishes only where the true gradient does.
    case robust
    /// The plain float32 gradient, as a float32 framework computes it: zero
    /// once every residual rounds to 0 (for reproducing a float32 run exactly).
    case float
}

/// One attacked epoch of Algorithm 2, or one attacking worker's round on the
/// parameter server: the attacker's subset K, its budget ⌊b·|K|⌋, the honest
/// direction Δ (computed when first asked for), the threat model's check of
/// the policy's answer, and the provenance of what the answer did.
public final class AttackEpoch {
    /// Where the honest gradient ∇L_{D_H} comes from.
    public enum HonestSource {
        /// The mean gradient over these rows (0-based; nil: every row).
        case rows(Tensor?)
        /// A server round's honest workers: `mean`, the mean of their messages,
        /// is the float gradient; the robust direction is the mean of their
        /// batches' gradient directions, rescaled.
        case workers(mean: Tensor, batches: [Tensor])
    }

    /// A copy of the model as the epoch began: Δ and the provenance are
    /// measured at those parameters, whenever they are asked for.
    public let model: Model
    public let features: Tensor
    public let labels: Tensor
    /// K: 0-based dataset rows.
    public let subset: Tensor
    public let budget: Int
    public let mode: DirectionMode
    public let source: HonestSource
    public let number: Int
    private var whole: Tensor?
    private var layers: [Int: Tensor] = [:]
    private var honestDirection: GradientDirection?
    private var honestGradient: Tensor?
    /// The policy's last answer that passed the check, and the Δ it said it ranked by.
    public private(set) var answer: (poisoned: Tensor, flips: Int, delta: Tensor?)?

    /// K drawn from `generator`: ⌊k·n⌋ of the n rows, without replacement.
    public static func drawSubset(rows n: Int, fraction k: Double, generator: Generator) throws -> Tensor {
        try Tensor(int32: try generator.sample(n, try Budget.floorFraction(k, of: n)))
    }

    public init(model: Model, features: Tensor, labels: Tensor, subset: Tensor, budgetFraction b: Double,
                mode: DirectionMode = Defaults.direction, source: HonestSource = .rows(nil), number: Int = 1) throws {
        _ = try model.validate(features: features, labels: labels, rows: subset, overrides: nil)
        self.model = try model.clone()
        self.features = features
        self.labels = labels
        self.subset = subset
        budget = try Budget.floorFraction(b, of: subset.count)
        self.mode = mode
        self.source = source
        self.number = number
    }

    public var classes: Int { model.classes }

    /// Δ as the policy reads it: −direction (robust) or −gradient (float),
    /// shaped like the parameters, read-only.
    public func delta() throws -> Tensor {
        if let whole { return whole }
        let gradient = mode == .robust ? try direction().direction : try floatGradient()
        let delta = try Tensor.elementwise(.mul, gradient, scalar: -1).reshaped(model.parameters.shape).readOnlyView()
        whole = delta
        return delta
    }

    /// Layer `index` (1-based) of Δ. While the whole Δ is unknown, only that
    /// layer is computed when the model allows (the MLP's output layer).
    public func layerDelta(_ index: Int) throws -> Tensor {
        try model.checkLayer(index)
        if let whole { return try model.layer(index, of: whole).readOnlyView() }
        if let cached = layers[index] { return cached }
        guard case .rows(let rows) = source, model.layerCount > 1, index == model.layerCount else {
            return try model.layer(index, of: try delta()).readOnlyView()
        }
        let gradient: Tensor
        switch mode {
        case .robust:
            gradient = try model.layer(index, of: try model.gradientDirection(features: features, labels: labels, rows: rows,
                                                                             outputLayerOnly: true).direction)
        case .float:
            gradient = try model.layerGradient(index, features: features, labels: labels, rows: rows)
        }
        let block = try Tensor.elementwise(.mul, gradient, scalar: -1).readOnlyView()
        layers[index] = block
        return block
    }

    /// The honest gradient's direction and scale (what the robust Δ is minus).
    public func direction() throws -> GradientDirection {
        if let honestDirection { return honestDirection }
        let d: GradientDirection
        switch source {
        case .rows(let rows):
            d = try model.gradientDirection(features: features, labels: labels, rows: rows)
        case .workers(_, let batches):
            d = try meanDirection(batches)
        }
        honestDirection = d
        return d
    }

    /// The honest gradient in float32, as model.gradient computes it.
    public func floatGradient() throws -> Tensor {
        if let honestGradient { return honestGradient }
        let g: Tensor
        switch source {
        case .rows(let rows):
            g = try model.gradient(features: features, labels: labels, rows: rows)
        case .workers(let mean, _):
            g = try mean.reshaped(model.parameters.shape)
        }
        honestGradient = g
        return g
    }

    /// (1/m) Σ_w e^{s_w} d_w over the batches' directions, as a direction
    /// scaled by the largest e^{s_w}.
    private func meanDirection(_ batches: [Tensor]) throws -> GradientDirection {
        let each = try batches.map { try model.gradientDirection(features: features, labels: labels, rows: $0) }
        let out = try Tensor(zeros: model.parameters.shape)
        guard let largest = each.map(\.logScale).max(), largest > -.infinity else {
            return GradientDirection(direction: out, logScale: -.infinity)
        }
        guard largest.isFinite else {
            for k in 0..<out.count { out.floats[k] = .nan }
            return GradientDirection(direction: out, logScale: .nan)
        }
        for d in each where d.logScale > -.infinity {
            let weight = Float(exp(d.logScale - largest)) / Float(each.count)
            for k in 0..<out.count { out.floats[k] += weight * d.direction.floats[k] }
        }
        return GradientDirection(direction: out, logScale: largest)
    }

    /// The threat model's check of a policy's answer against this epoch's own
    /// subset and budget: a poisoned copy of the labels, or an error and no
    /// change. `usedDelta`, the Δ the policy says it ranked by, must be finite.
    public func apply(_ flips: FlipSet, usedDelta: Tensor? = nil) throws -> Tensor {
        if let usedDelta { try checkDelta(usedDelta, what: "the policy's delta") }
        let poisoned = try FlipValidator.apply(labels: labels, subset: subset, flips: flips, budget: budget, classes: classes)
        answer = (poisoned, flips.rows.count, usedDelta)
        return poisoned
    }

    /// What the applied answer did; nil before an answer was applied.
    public func provenance() throws -> Provenance? {
        guard let answer else { return nil }
        return try Provenance.measure(epoch: self, poisoned: answer.poisoned, usedDelta: answer.delta)
    }

    /// Checks a Δ a policy says it ranked by: the parameters' size, every value finite.
    public func checkDelta(_ delta: Tensor, what: String) throws {
        try delta.requireDType(.float32, what)
        guard delta.count == model.parameterCount else {
            throw FlipError("\(what) has \(delta.count) elements, the model has \(model.parameterCount) parameters")
        }
        try FlipValidator.requireFinite(delta: delta, what: what)
    }
}
