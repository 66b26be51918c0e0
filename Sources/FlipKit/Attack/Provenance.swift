/// What one epoch's flips did: which labels changed, the attacker's
/// objective before and after (paper Section 3: ⟨Σ_{i∈K} ∇ℓ_i, −Δ⟩, what the
/// greedy rules minimise), and how far the poisoned training gradient moved
/// from the honest one.
public struct Provenance {
    /// Flipped dataset rows (0-based) with their honest and new labels.
    public let rows: [Int32]
    public let oldLabels: [Int32]
    public let newLabels: [Int32]
    public let objectiveBefore: Double
    public let objectiveAfter: Double
    /// ‖∇L_D − ∇L_{D_H}‖ over the training rows.
    public let deviation: Double
    /// cos(∇L_D, ∇L_{D_H}); nil when either gradient is zero.
    public let cosine: Double?

    /// Compares `poisoned` with `honest` labels. `delta` has the model's
    /// parameter count; `honestGradient` (∇L_{D_H} over all rows), if the
    /// caller has it, saves one pass.
    public static func measure(model: Model, features: Tensor, honest: Tensor, poisoned: Tensor, subset: Tensor,
                               delta: Tensor, honestGradient: Tensor? = nil) throws -> Provenance {
        try delta.requireDType(.float32, "delta")
        guard delta.count == model.parameterCount else {
            throw FlipError("delta has \(delta.count) elements, the model has \(model.parameterCount) parameters")
        }
        guard honest.count == poisoned.count else { throw FlipError("\(honest.count) honest labels but \(poisoned.count) poisoned ones") }
        var rows: [Int32] = [], old: [Int32] = [], new: [Int32] = []
        for i in 0..<honest.count where honest.int32s[i] != poisoned.int32s[i] {
            rows.append(Int32(i))
            old.append(honest.int32s[i])
            new.append(poisoned.int32s[i])
        }
        let k = Double(subset.count)
        let minusDelta = try Tensor.elementwise(.mul, delta, scalar: -1)
        func objective(_ labels: Tensor) throws -> Double {
            guard subset.count > 0 else { return 0 }
            let g = try model.gradient(features: features, labels: labels, rows: subset)
            return k * (try Tensor.dot(g, minusDelta))
        }
        let clean = try honestGradient ?? model.gradient(features: features, labels: honest)
        let dirty = try model.gradient(features: features, labels: poisoned)
        let difference = try Tensor.elementwise(.sub, dirty, clean.reshaped(dirty.shape))
        return Provenance(rows: rows, oldLabels: old, newLabels: new,
                          objectiveBefore: try objective(honest), objectiveAfter: try objective(poisoned),
                          deviation: difference.norm(),
                          cosine: try? GradientGeometry.cosine(dirty, clean))
    }
}
