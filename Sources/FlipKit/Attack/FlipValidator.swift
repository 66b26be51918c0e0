/// Enforces the threat model on a policy's answer: only rows of the attacker's
/// subset K, each at most once, at most the budget, labels from the class set.
/// A violation is refused before anything is applied.
public enum FlipValidator {
    /// Returns a poisoned copy of `labels`; `labels` itself never changes.
    public static func apply(labels: Tensor, subset: Tensor, flips: FlipSet, budget: Int, classes: Int) throws -> Tensor {
        try labels.requireDType(.int32, "labels")
        try labels.requireRank(1, "labels")
        try Tensor.checkIndices(subset, limit: labels.count, what: "subset row")
        guard classes >= 2 else { throw FlipError("the class set needs at least 2 classes, got \(classes)") }
        guard flips.rows.count == flips.labels.count else {
            throw FlipError("\(flips.rows.count) flip indices but \(flips.labels.count) new labels")
        }
        guard flips.rows.count <= budget else {
            throw FlipError("\(flips.rows.count) flips exceed the budget of \(budget)")
        }
        var inSubset = [Bool](repeating: false, count: labels.count)
        for row in subset.int32s { inSubset[Int(row)] = true }
        var used = [Bool](repeating: false, count: labels.count)
        for (n, (row, label)) in zip(flips.rows, flips.labels).enumerated() {
            guard row >= 0, Int(row) < labels.count, inSubset[Int(row)] else {
                throw FlipError("flip \(n + 1): row \(Int(row) + 1) is not in the attacker's subset")
            }
            guard !used[Int(row)] else { throw FlipError("flip \(n + 1): row \(Int(row) + 1) is flipped twice") }
            used[Int(row)] = true
            guard label >= 0, Int(label) < classes else {
                throw FlipError("flip \(n + 1): label \(label) is not in the class set 0..\(classes - 1)")
            }
        }
        let poisoned = try labels.clone()
        for (row, label) in zip(flips.rows, flips.labels) { poisoned.int32s[Int(row)] = label }
        return poisoned
    }

    /// The rule for every Δ a greedy rule ranks by or a policy reports: every
    /// value finite. (A diverged model's Δ is refused here, before any flip.)
    public static func requireFinite(delta: Tensor, what: String = "delta") throws {
        for (k, v) in delta.floats.enumerated() where !v.isFinite {
            throw FlipError("\(what) is not finite (\(v.isNaN ? "nan" : "\(v)") at element \(k + 1)): the model or Δ diverged")
        }
    }
}
