#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one attacked epoch's flips did: which labels changed, the attacker's
/// objective before and after (paper Section 3: ⟨Σ_{i∈K} ∇ℓ_i, −Δ⟩, what the
/// greedy rules minimise) with the Δ the policy ranked by, how far the
/// poisoned gradient moved from the honest one, and whether the honest
/// gradient's float32 value kept its size.
public struct Provenance {
    /// Flipped dataset rows (0-based) with their honest and new labels.
    public let rows: [Int32]
    public let oldLabels: [Int32]
    public let newLabels: [Int32]
    public let objectiveBefore: Double
    public let objectiveAfter: Double
    /// Which Δ the objective used: "robust" or "float" (the epoch's), or "policy" (one the policy returned).
    public let objectiveDelta: String
    /// ‖∇L_D − ∇L_{D_H}‖ in float32 over the epoch's rows.
    public let deviation: Double
    /// cos(∇L_D, ∇L_{D_H}); nil when either gradient is zero.
    public let cosine: Double?
    /// ‖∇L_{D_H}‖ as float32 computes it.
    public let gradientNorm: Double
    /// log ‖∇L_{D_H}‖ of the true gradient (its direction's norm and scale); −∞ when it is zero.
    public let logGradientNorm: Double
    /// The direction's scale: ∇L_{D_H} = e^logScale · direction.
    public let logScale: Double
    /// The float32 gradient is zero, or holds less than half the true norm.
    public let underflow: Bool

    /// Compares `poisoned` with the epoch's honest labels. `usedDelta` is the Δ
    /// the policy returned, if any (checked by the caller); else the epoch's Δ.
    public static func measure(epoch: AttackEpoch, poisoned: Tensor, usedDelta: Tensor?) throws -> Provenance {
        let honest = epoch.labels, model = epoch.model, x = epoch.features
        guard honest.count == poisoned.count else { throw FlipError("\(honest.count) honest labels but \(poisoned.count) poisoned ones") }
        var rows: [Int32] = [], old: [Int32] = [], new: [Int32] = []
        for i in 0..<honest.count where honest.int32s[i] != poisoned.int32s[i] {
            rows.append(Int32(i))
            old.append(honest.int32s[i])
            new.append(poisoned.int32s[i])
        }
        let delta = try usedDelta ?? epoch.delta()
        let minusDelta = try Tensor.elementwise(.mul, delta, scalar: -1)
        let k = Double(epoch.subset.count)
        // |K|·⟨∇L_K, −Δ⟩ = |K|·e^s·⟨d, −Δ⟩: in double, so that it survives where the float gradient of K is zero.
        func objective(_ labels: Tensor) throws -> Double {
            guard epoch.subset.count > 0 else { return 0 }
            let d = try model.gradientDirection(features: x, labels: labels, rows: epoch.subset)
            guard d.logScale > -.infinity else { return 0 }
            return k * exp(d.logScale) * (try Tensor.dot(d.direction, minusDelta))
        }
        let clean: Tensor, dirty: Tensor
        switch epoch.source {
        case .rows(let r):
            clean = try epoch.floatGradient()
            dirty = try model.gradient(features: x, labels: poisoned, rows: r)
        case .workers:
            // A server round: the attacker's own message, its batch's gradient with honest and poisoned labels.
            clean = try model.gradient(features: x, labels: honest, rows: epoch.subset)
            dirty = try model.gradient(features: x, labels: poisoned, rows: epoch.subset)
        }
        let difference = try Tensor.elementwise(.sub, dirty, clean.reshaped(dirty.shape))
        let direction = try epoch.direction()
        let norm = try epoch.floatGradient().norm(), logNorm = direction.logNorm
        let underflow = logNorm > -.infinity && (norm == 0 || log(norm) < logNorm - log(2.0))
        return Provenance(rows: rows, oldLabels: old, newLabels: new,
                          objectiveBefore: try objective(honest), objectiveAfter: try objective(poisoned),
                          objectiveDelta: usedDelta == nil ? epoch.mode.rawValue : "policy",
                          deviation: difference.norm(), cosine: try? GradientGeometry.cosine(dirty, clean),
                          gradientNorm: norm, logGradientNorm: logNorm, logScale: direction.logScale, underflow: underflow)
    }
}
