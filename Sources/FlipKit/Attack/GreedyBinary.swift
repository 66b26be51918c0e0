/// The greedy binary label-flipping rules (paper Section 3, Algorithm 3, and
/// the `exact` correction of DESIGN.md). Both work on the scores
/// s_i = ⟨Δ, x̃_i⟩ of the attacker's points, x̃_i = (x_i, 1).
public enum GreedyVariant: String, CaseIterable, Sendable {
    /// Algorithm 3 as printed: the p smallest s_i get label 1 if s_i < 0, else 0.
    case paper
    /// The optimum of Σ s_i y_i under the budget: flip the (at most p) points with
    /// the most negative gain g_i = s_i (1 − 2 y_i).
    case exact
}

/// Flips chosen by a rule: dataset rows (0-based) and their new labels.
public struct FlipSet: Equatable {
    public var rows: [Int32]
    public var labels: [Int32]
    public init(rows: [Int32] = [], labels: [Int32] = []) {
        self.rows = rows
        self.labels = labels
    }
}

public enum GreedyBinary {
    /// s_i = ⟨Δ, x̃_i⟩ for each row of the attacker's subset, with Δ ∈ R^{d+1}.
    public static func scores(features: Tensor, subset: Tensor, delta: Tensor) throws -> [Float] {
        try delta.requireDType(.float32, "delta")
        let d = features.rowLength
        try features.checkFeatures(dimension: d)
        guard delta.count == d + 1 else { throw FlipError("delta needs \(d + 1) elements (features and bias), got \(delta.count)") }
        try Tensor.checkIndices(subset, limit: features.rows, what: "subset row")
        try FlipValidator.requireFinite(delta: delta)
        // Scores are float32 sums, so a policy in Lua reading them as a tensor
        // ranks the points exactly as the native rule does.
        guard subset.count > 0 else { return [] }
        var out = [Float](repeating: 0, count: subset.count)
        let w = delta.floats.baseAddress!
        let list = subset.int32s
        out.withUnsafeMutableBufferPointer { out in
            let z = out.baseAddress!, m = out.count
            switch features.dtype {
            case .uint8:
                // The fixed-point pass where it takes the rows (as the binary model's gradient does).
                if let exponent = FixedPointRowPass.weightExponent(w, width: d, rows: features.rows) {
                    FixedPointRowPass.logits(w, weightExponent: exponent, rows: features.bytes.baseAddress!, width: d, count: m,
                                             row: { Int(list[$0]) }, into: z, buffers: FixedPointBuffers(width: d))
                } else {
                    BinaryRowPass.logits(w, rows: features.bytes.baseAddress!, width: d, count: m, row: { Int(list[$0]) }, into: z)
                }
            case .float32: BinaryRowPass.logits(w, rows: features.floats.baseAddress!, width: d, count: m, row: { Int(list[$0]) }, into: z)
            case .int32: BinaryRowPass.logits(w, rows: features.int32s.baseAddress!, width: d, count: m, row: { Int(list[$0]) }, into: z)
            }
        }
        return out
    }

    /// Chooses flips among the attacker's points from their scores and honest labels.
    /// `positions` of the result index into `scores`; at most `budget` entries,
    /// and only points whose label actually changes. Ties rank in position order.
    public static func select(scores: [Float], honestLabels: [Int32], budget: Int, variant: GreedyVariant) throws -> (positions: [Int], labels: [Int32]) {
        guard scores.count == honestLabels.count else {
            throw FlipError("\(scores.count) scores but \(honestLabels.count) labels")
        }
        guard budget >= 0 else { throw FlipError("budget must be non-negative, got \(budget)") }
        for (i, s) in scores.enumerated() where !s.isFinite {
            throw FlipError("score of attacker point \(i + 1) is \(s); the model or delta is not finite")
        }
        var positions: [Int] = []
        var labels: [Int32] = []
        switch variant {
        case .paper:
            for i in ascending(scores).prefix(budget) {
                let target: Int32 = scores[i] < 0 ? 1 : 0
                if target != honestLabels[i] {
                    positions.append(i)
                    labels.append(target)
                }
            }
        case .exact:
            var candidates: [Int] = [], gains: [Float] = []
            for (i, s) in scores.enumerated() {
                let gain = honestLabels[i] == 1 ? -s : s
                if gain < 0 {
                    candidates.append(i)
                    gains.append(gain)
                }
            }
            for j in ascending(gains).prefix(budget) {
                positions.append(candidates[j])
                labels.append(1 - honestLabels[candidates[j]])
            }
        }
        return (positions, labels)
    }

    /// Positions of `values` (finite) in ascending order, ties in position order.
    private static func ascending(_ values: [Float]) -> [Int] {
        let keys = values.map { Tensor.orderKey($0.bitPattern, dtype: .float32, descending: false) }
        return Tensor.stableOrder(keys).map { Int($0) }
    }

    /// The rule end to end: scores of the subset's rows against Δ, then selection.
    public static func choose(features: Tensor, labels: Tensor, subset: Tensor, delta: Tensor,
                              budget: Int, variant: GreedyVariant) throws -> FlipSet {
        try labels.requireDType(.int32, "labels")
        guard labels.count == features.rows else { throw FlipError("\(features.rows) feature rows but \(labels.count) labels") }
        let s = try scores(features: features, subset: subset, delta: delta)
        let honest = subset.int32s.map { labels.int32s[Int($0)] }
        for (j, y) in honest.enumerated() where y != 0 && y != 1 {
            throw FlipError("binary labels must be 0 or 1, got \(y) at row \(Int(subset.int32s[j]) + 1)")
        }
        let chosen = try select(scores: s, honestLabels: honest, budget: budget, variant: variant)
        return FlipSet(rows: chosen.positions.map { subset.int32s[$0] }, labels: chosen.labels)
    }

    /// The attacker's objective Σ_{i∈K} s_i y_i for given labels.
    public static func objective(scores: [Float], labels: [Int32]) -> Double {
        zip(scores, labels).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
}
