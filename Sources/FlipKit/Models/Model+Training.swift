/// Mini-batch training: one epoch over a seeded shuffle of the rows.
extension Model {
    /// One epoch over all rows or the listed ones (a worker's shard), in an
    /// order drawn from `generator`, updating after each batch with `optimizer`.
    /// Returns the mean training loss seen during the epoch.
    @discardableResult
    public func trainEpoch(features: Tensor, labels: Tensor, rows: Tensor? = nil, batchSize: Int,
                           optimizer: Optimizer, generator: Generator) throws -> Double {
        let n = try validate(features: features, labels: labels, rows: rows, overrides: nil)
        guard batchSize >= 1 else { throw FlipError("batch size must be at least 1, got \(batchSize)") }
        guard n > 0 else { return 0 }
        guard n <= Generator.maxPermutation else { throw FlipError("\(n) rows exceed the \(Generator.maxPermutation) an epoch can shuffle") }
        try optimizer.prepare(count: parameterCount)
        var order = generator.permutation(n)
        if let rows { order = order.map { rows.int32s[Int($0)] } }
        let batch = min(batchSize, n)
        let order_ = try Tensor(int32: order)
        let workspace = Workspace(kernel.workspaceSizes(rows: batch))
        let p = parameters.floats.baseAddress!
        var lossTotal = 0.0
        if let rate = optimizer.plainRate {
            // Plain SGD: each batch's step is taken inside the pass, p += (−lr/m)·∇.
            sweep(features: features, labels: labels, rows: order_, overrides: nil, block: batch) { x, y, m, _ in
                let step = PassOutputs(gradient: p, gradientScale: -rate / Float(m), loss: true)
                lossTotal += kernel.pass(p, x, rows: m, labels: y, step, workspace: workspace)
                optimizer.countStep()
            }
            return lossTotal / Double(n)
        }
        let gradient = Scratch(parameterCount)
        sweep(features: features, labels: labels, rows: order_, overrides: nil, block: batch) { x, y, m, _ in
            gradient.buffer.update(repeating: 0, count: parameterCount)
            lossTotal += kernel.pass(p, x, rows: m, labels: y, PassOutputs(gradient: gradient.buffer, loss: true), workspace: workspace)
            optimizer.step(p, gradient: gradient.buffer, scale: 1 / Float(m), count: parameterCount)
        }
        return lossTotal / Double(n)
    }

    /// Plain SGD with a fixed learning rate, for one epoch.
    @discardableResult
    public func trainEpoch(features: Tensor, labels: Tensor, rows: Tensor? = nil, batchSize: Int, learningRate: Double,
                           generator: Generator) throws -> Double {
        try trainEpoch(features: features, labels: labels, rows: rows, batchSize: batchSize,
                       optimizer: try Optimizer(.sgd(momentum: 0), learningRate: learningRate), generator: generator)
    }
}
