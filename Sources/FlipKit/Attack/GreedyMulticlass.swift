import CBLAS

/// The greedy multi-class rules (paper Section 5, Algorithm 1, and the
/// `exact` correction of DESIGN.md) on scores s_nc = ⟨x̃_n, Δ_c⟩ of the
/// attacker's points, Δ ∈ R^{C×(d+1)}.
///
/// Algorithm 1's Z_cn = s_nc − Σ_j p_nj s_nj, so c*(n) = argmin_c s_nc.
/// `paper` ranks points by Z_min(n) = s_nc* − ⟨p_n, s_n⟩ and gives the p
/// smallest label c*; `exact` ranks them by the gain s_nc* − s_ny (what the
/// flip changes the objective by) and flips only points with a negative gain.
/// The keys are computed with the same tensor operations a Lua policy uses,
/// so a policy written in Lua reproduces the native choice exactly.
public enum GreedyMulticlass {
    /// float32 [m, C]: s_nc for each row n of `subset`.
    public static func scores(features: Tensor, subset: Tensor, delta: Tensor) throws -> Tensor {
        try delta.requireDType(.float32, "delta")
        let d = features.rowLength
        try features.checkFeatures(dimension: d)
        guard delta.rank == 2, delta.shape[1] == d + 1, delta.shape[0] >= 2 else {
            throw FlipError("delta must be [C, \(d + 1)] (one row of weights and bias per class), got \(delta.shapeText)")
        }
        try Tensor.checkIndices(subset, limit: features.rows, what: "subset row")
        try FlipValidator.requireFinite(delta: delta)
        let c = delta.shape[0]
        let layer = DenseLayer(inputs: d, outputs: c)
        let m = subset.count
        let out = try Tensor(zeros: [m, c])
        let block = Model.narrowBlockRows
        let x = FeatureBlock(features, rows: min(block, max(m, 1)))
        var start = 0
        while start < m {
            let n = min(block, m - start)
            let rows = x.load(list: UnsafeBufferPointer(subset.int32s), start: start, count: n)
            layer.forward(delta.floats.baseAddress!, rows, rows: n, into: out.floats.baseAddress! + start * c)
            start += n
        }
        return out
    }

    /// The ranking key of each point and its best label c* (0-based).
    /// `probabilities` ([m, C], the model's softmax on the points) is needed by `paper` only.
    public static func keys(scores: Tensor, honestLabels: Tensor, probabilities: Tensor?, variant: GreedyVariant) throws -> (key: Tensor, best: Tensor) {
        try scores.requireRank(2, "scores")
        let best = try scores.reduce(.argmin, dimension: 1)
        let lowest = try scores.pick(columns: best)
        switch variant {
        case .exact:
            return (try Tensor.elementwise(.sub, lowest, try scores.pick(columns: honestLabels)), best)
        case .paper:
            guard let probabilities else { throw FlipError("the paper's multi-class rule needs the model's probabilities") }
            guard probabilities.shape == scores.shape else {
                throw FlipError("probabilities \(probabilities.shapeText) do not match scores \(scores.shapeText)")
            }
            let expected = try Tensor.elementwise(.mul, scores, probabilities).reduce(.sum, dimension: 1)
            return (try Tensor.elementwise(.sub, lowest, expected), best)
        }
    }

    /// Positions (into the attacker's points) to flip and their new labels, at
    /// most `budget`, only points whose label changes.
    public static func select(scores: Tensor, honestLabels: Tensor, probabilities: Tensor?, budget: Int,
                              variant: GreedyVariant) throws -> (positions: [Int], labels: [Int32]) {
        guard budget >= 0 else { throw FlipError("budget must be non-negative, got \(budget)") }
        guard honestLabels.count == scores.rows else { throw FlipError("\(scores.rows) scores but \(honestLabels.count) labels") }
        for (i, s) in scores.floats.enumerated() where !s.isFinite {
            throw FlipError("score of attacker point \(i / scores.rowLength + 1) is \(s); the model or delta is not finite")
        }
        let (key, best) = try keys(scores: scores, honestLabels: honestLabels, probabilities: probabilities, variant: variant)
        let order = try key.argsort()
        var positions: [Int] = []
        var labels: [Int32] = []
        switch variant {
        case .paper:
            for i in order.int32s.prefix(budget).map(Int.init) where best.int32s[i] != honestLabels.int32s[i] {
                positions.append(i)
                labels.append(best.int32s[i])
            }
        case .exact:
            for i in order.int32s.prefix(budget).map(Int.init) where key.floats[i] < 0 {
                positions.append(i)
                labels.append(best.int32s[i])
            }
        }
        return (positions, labels)
    }

    /// The rule end to end. `model` supplies the probabilities of `paper`,
    /// and for a deep model with Δ shaped like its parameters, the scores
    /// (Model.logitDerivatives).
    public static func choose(model: Model?, features: Tensor, labels: Tensor, subset: Tensor, delta: Tensor,
                              budget: Int, variant: GreedyVariant) throws -> FlipSet {
        try labels.requireDType(.int32, "labels")
        guard labels.count == features.rows else { throw FlipError("\(features.rows) feature rows but \(labels.count) labels") }
        // A deep model's full Δ: the scores are its logits' derivatives along Δ.
        let s = if let model, model.isDeep, delta.count == model.parameterCount {
            try model.logitDerivatives(features: features, rows: subset, along: delta)
        } else {
            try scores(features: features, subset: subset, delta: delta)
        }
        let classes = s.rowLength
        let honest = try labels.gatherRows(subset)
        for (j, y) in honest.int32s.enumerated() where y < 0 || Int(y) >= classes {
            throw FlipError("label \(y) at row \(Int(subset.int32s[j]) + 1) is not a class 0..\(classes - 1)")
        }
        var probabilities: Tensor?
        if variant == .paper {
            guard let model else { throw FlipError("the paper's multi-class rule needs the model") }
            guard model.classes == classes else { throw FlipError("the model has \(model.classes) classes, delta \(classes)") }
            probabilities = try model.probabilities(features: features, rows: subset)
        }
        let chosen = try select(scores: s, honestLabels: honest, probabilities: probabilities, budget: budget, variant: variant)
        return FlipSet(rows: chosen.positions.map { subset.int32s[$0] }, labels: chosen.labels)
    }
}
