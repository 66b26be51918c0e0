/// Passes of a model over a whole dataset or a subset of its rows, a block
/// of rows at a time: the full-batch gradient (honest or with labels
/// overridden), per-sample and mean loss, predictions, hidden features.
extension Model {
    /// Rows per block in sweeps over layers with few outputs (the regressions,
    /// the attack's scores). OpenBLAS multiplies such thin products about twice as
    /// fast in blocks below ~100 rows, where it uses its small-matrix kernels, as
    /// in blocks of 256 or more; 64 rows of pixels also stay in the L2 cache.
    static let narrowBlockRows = 64

    /// Rows widened per block when this model sweeps a dataset.
    var blockRows: Int { kernel.sweepRows }

    /// Checks a sweep's inputs; returns how many rows it visits.
    func validate(features: Tensor, labels: Tensor?, rows: Tensor?, overrides: Tensor?) throws -> Int {
        try features.checkFeatures(dimension: inputDimension)
        if let labels { try checkLabels(labels, rows: features.rows) }
        if let rows {
            try rows.requireDType(.int32, "rows")
            try Tensor.checkIndices(rows, limit: features.rows, what: "row")
        }
        let visited = rows?.count ?? features.rows
        if let overrides { try checkLabels(overrides, rows: visited, what: "override labels") }
        return visited
    }

    /// Calls `visit(x, labels, n, first)` for consecutive blocks of the visited
    /// rows, x the block's augmented rows (x, 1); `labels` are the overrides
    /// where given, else the dataset's labels.
    func sweep(features: Tensor, labels: Tensor?, rows: Tensor?, overrides: Tensor?, block: Int? = nil,
               _ visit: (AugmentedRows, UnsafePointer<Int32>?, Int, Int) -> Void) {
        let total = rows?.count ?? features.rows
        let block = block ?? blockRows
        let widened = FeatureBlock(features, rows: min(block, max(total, 1)))
        let gathered = UnsafeMutablePointer<Int32>.allocate(capacity: widened.capacity)
        defer { gathered.deallocate() }
        let source = overrides ?? labels
        var start = 0
        while start < total {
            let n = min(block, total - start)
            let x: AugmentedRows
            if let rows {
                let listed = UnsafeBufferPointer(rebasing: rows.int32s[start..<start + n])
                x = widened.load(list: UnsafeBufferPointer(rows.int32s), start: start, count: n)
                if let source {
                    let y = source.int32s.baseAddress!
                    if overrides != nil {
                        gathered.update(from: y + start, count: n)
                    } else {
                        for j in 0..<n { gathered[j] = y[Int(listed[j])] }
                    }
                }
            } else {
                x = widened.load(start: start, count: n)
                if let source { gathered.update(from: source.int32s.baseAddress! + start, count: n) }
            }
            visit(x, source == nil ? nil : UnsafePointer(gathered), n, start)
            start += n
        }
    }

    /// The gradient of the mean loss over the visited rows — all of them, or
    /// `rows` (0-based) — with `overrides` (one per visited row) replacing the
    /// dataset's labels: ∇L_{D_H} without them, the poisoned gradient with them.
    public func gradient(features: Tensor, labels: Tensor, rows: Tensor? = nil, overrides: Tensor? = nil) throws -> Tensor {
        try meanGradient(features: features, labels: labels, rows: rows, overrides: overrides, outputLayerOnly: false)
    }

    /// Layer `index` (1-based) of `gradient(...)`, the same numbers. For the
    /// MLP's output layer the pass stops there: no product goes back through
    /// the inner layer, whose gradient is not asked for.
    public func layerGradient(_ index: Int, features: Tensor, labels: Tensor, rows: Tensor? = nil,
                              overrides: Tensor? = nil) throws -> Tensor {
        try checkLayer(index)
        let outputLayerOnly = layerCount > 1 && index == layerCount
        return try layer(index, of: try meanGradient(features: features, labels: labels, rows: rows, overrides: overrides,
                                                     outputLayerOnly: outputLayerOnly))
    }

    /// The mean gradient, shaped like the parameters; with `outputLayerOnly`
    /// the blocks of the layers before the last are left zero.
    private func meanGradient(features: Tensor, labels: Tensor, rows: Tensor?, overrides: Tensor?,
                              outputLayerOnly: Bool) throws -> Tensor {
        let total = try validate(features: features, labels: labels, rows: rows, overrides: overrides)
        let out = try Tensor(zeros: parameters.shape)
        guard total > 0 else { return out }
        let g = out.floats.baseAddress!
        if passesRowsDirectly {
            binaryGradient(features: features, labels: labels, rows: rows, overrides: overrides, into: g)
        } else {
            let workspace = Workspace(kernel.workspaceSizes(rows: min(blockRows, total)))
            let p = parameters.floats.baseAddress!
            let outputs = PassOutputs(gradient: g, outputLayerOnly: outputLayerOnly)
            sweep(features: features, labels: labels, rows: rows, overrides: overrides) { x, y, n, _ in
                _ = kernel.pass(p, x, rows: n, labels: y, outputs, workspace: workspace)
            }
        }
        let scale = 1 / Float(total)
        for k in 0..<parameterCount { g[k] *= scale }
        return out
    }

    /// The loss of each visited row, float32 [visited].
    public func losses(features: Tensor, labels: Tensor, rows: Tensor? = nil, overrides: Tensor? = nil) throws -> Tensor {
        let total = try validate(features: features, labels: labels, rows: rows, overrides: overrides)
        let out = try Tensor(zeros: [total])
        let workspace = Workspace(kernel.workspaceSizes(rows: min(blockRows, max(total, 1))))
        let each = UnsafeMutablePointer<Double>.allocate(capacity: blockRows)
        defer { each.deallocate() }
        let p = parameters.floats.baseAddress!
        sweep(features: features, labels: labels, rows: rows, overrides: overrides) { x, y, n, first in
            _ = kernel.pass(p, x, rows: n, labels: y, PassOutputs(losses: each), workspace: workspace)
            for j in 0..<n { out.floats[first + j] = Float(each[j]) }
        }
        return out
    }

    /// The mean loss over the visited rows (0 for none).
    public func loss(features: Tensor, labels: Tensor, rows: Tensor? = nil) throws -> Double {
        let total = try validate(features: features, labels: labels, rows: rows, overrides: nil)
        guard total > 0 else { return 0 }
        let workspace = Workspace(kernel.workspaceSizes(rows: min(blockRows, total)))
        let p = parameters.floats.baseAddress!
        var sum = 0.0
        sweep(features: features, labels: labels, rows: rows, overrides: nil) { x, y, n, _ in
            sum += kernel.pass(p, x, rows: n, labels: y, PassOutputs(loss: true), workspace: workspace)
        }
        return sum / Double(total)
    }

    /// The arg-max class of each visited row, int32 [visited].
    public func predict(features: Tensor, rows: Tensor? = nil) throws -> Tensor {
        let total = try validate(features: features, labels: nil, rows: rows, overrides: nil)
        let out = try Tensor(zeros: [total], dtype: .int32)
        let workspace = Workspace(kernel.workspaceSizes(rows: min(blockRows, max(total, 1))))
        let p = parameters.floats.baseAddress!
        sweep(features: features, labels: nil, rows: rows, overrides: nil) { x, _, n, first in
            _ = kernel.pass(p, x, rows: n, labels: nil, PassOutputs(predictions: out.int32s.baseAddress! + first),
                            workspace: workspace)
        }
        return out
    }
}
