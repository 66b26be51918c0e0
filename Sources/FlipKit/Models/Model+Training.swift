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
        if passesRowsDirectly { return binaryEpoch(features: features, labels: labels, order: order, batch: batch, optimizer: optimizer) }
        let order_ = try Tensor(int32: order)
        let workspace = Workspace(kernel.workspaceSizes(rows: batch))
        let p = parameters.floats.baseAddress!
        var lossTotal = 0.0
        if let rate = optimizer.plainRate {
            // Plain SGD: each batch's step is taken inside the pass, p += (−lr/m)·∇.
            sweep(features: features, labels: labels, rows: order_, overrides: nil, block: batch) { x, y, m, _ in
                let step = PassOutputs(gradient: p, gradientScale: -rate / Float(m), loss: true)
                nextDropoutStep(workspace)
                lossTotal += kernel.pass(p, x, rows: m, labels: y, step, workspace: workspace)
                optimizer.countStep()
            }
            return lossTotal / Double(n)
        }
        let gradient = Scratch(parameterCount)
        sweep(features: features, labels: labels, rows: order_, overrides: nil, block: batch) { x, y, m, _ in
            gradient.buffer.update(repeating: 0, count: parameterCount)
            nextDropoutStep(workspace)
            lossTotal += kernel.pass(p, x, rows: m, labels: y, PassOutputs(gradient: gradient.buffer, loss: true), workspace: workspace)
            optimizer.step(p, gradient: gradient.buffer, scale: 1 / Float(m), count: parameterCount)
        }
        return lossTotal / Double(n)
    }

    /// Marks the coming pass as a training step (dropout acts) and counts it.
    private func nextDropoutStep(_ workspace: Workspace) {
        workspace.dropoutStep = trainingSteps
        trainingSteps &+= 1
    }

    /// The binary model's epoch over rows in `order`: each batch's gradient is
    /// summed by the binary row pass, then the optimizer (or plain SGD) steps.
    private func binaryEpoch(features: Tensor, labels: Tensor, order: [Int32], batch: Int, optimizer: Optimizer) -> Double {
        let p = parameters.floats.baseAddress!
        let gradient = Scratch(parameterCount)
        let buffers = RowPassBuffers(width: inputDimension)
        var y = [Int32](repeating: 0, count: batch)
        var lossTotal = 0.0
        var start = 0
        while start < order.count {
            let m = min(batch, order.count - start)
            for j in 0..<m { y[j] = labels.int32s[Int(order[start + j])] }
            gradient.buffer.update(repeating: 0, count: parameterCount)
            lossTotal += y.withUnsafeBufferPointer { y in
                order.withUnsafeBufferPointer { order in
                    binaryRowPass(features: features, count: m, row: { Int(order[start + $0]) }, labels: y.baseAddress!,
                                  gradient: gradient.buffer, loss: true, buffers: buffers)
                }
            }
            if let rate = optimizer.plainRate {
                let step = -rate / Float(m)
                for k in 0..<parameterCount { p[k] += step * gradient.buffer[k] }
                optimizer.countStep()
            } else {
                optimizer.step(p, gradient: gradient.buffer, scale: 1 / Float(m), count: parameterCount)
            }
            start += m
        }
        return lossTotal / Double(order.count)
    }

    /// Plain SGD with a fixed learning rate, for one epoch.
    @discardableResult
    public func trainEpoch(features: Tensor, labels: Tensor, rows: Tensor? = nil, batchSize: Int, learningRate: Double,
                           generator: Generator) throws -> Double {
        try trainEpoch(features: features, labels: labels, rows: rows, batchSize: batchSize,
                       optimizer: try Optimizer(.sgd(momentum: 0), learningRate: learningRate), generator: generator)
    }
}
