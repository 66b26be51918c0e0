import CBLAS

/// Binary logistic regression with bias: p(y = 1 | x) = σ(⟨w, x⟩ + b).
/// Parameters are one vector α ∈ R^{d+1}, the bias last, as in the paper.
public final class BinaryLogisticRegression {
    public let dimension: Int
    /// α = (w, b), float32 [d + 1].
    public private(set) var parameters: Tensor

    /// Rows processed per block when a whole dataset is swept.
    static let blockRows = 256

    public init(dimension: Int) throws {
        guard dimension >= 1, dimension <= Int(Int32.max) - 1 else {
            throw FlipError("input dimension must be at least 1, got \(dimension)")
        }
        self.dimension = dimension
        parameters = try Tensor(zeros: [dimension + 1])
    }

    private init(copying other: BinaryLogisticRegression) throws {
        dimension = other.dimension
        parameters = try other.parameters.clone()
    }

    public func clone() throws -> BinaryLogisticRegression { try BinaryLogisticRegression(copying: self) }

    /// Replaces α with a copy of `values` (float32, d + 1 elements).
    public func setParameters(_ values: Tensor) throws {
        try values.requireDType(.float32, "parameters")
        guard values.count == dimension + 1 else {
            throw FlipError("parameters need \(dimension + 1) elements (weights and bias), got \(values.count)")
        }
        parameters = try values.clone().reshaped([dimension + 1])
    }

    public var isFinite: Bool { parameters.floats.allSatisfy { $0.isFinite } }

    private var weights: UnsafeMutablePointer<Float> { parameters.floats.baseAddress! }
    private var bias: Float {
        get { parameters.floats[dimension] }
        set { parameters.floats[dimension] = newValue }
    }

    func checkLabels(_ labels: Tensor, rows n: Int) throws {
        try labels.requireDType(.int32, "labels")
        try labels.requireRank(1, "labels")
        guard labels.count == n else { throw FlipError("\(n) feature rows but \(labels.count) labels") }
        for (i, y) in labels.int32s.enumerated() where y != 0 && y != 1 {
            throw FlipError("binary labels must be 0 or 1, got \(y) at row \(i + 1)")
        }
    }

    @inline(__always)
    static func sigmoid(_ z: Float) -> Float {
        if z >= 0 { return 1 / (1 + Float(_exp(Double(-z)))) }
        let e = Float(_exp(Double(z)))
        return e / (1 + e)
    }

    /// −log p(y | x) from the logit z, stable for any z.
    @inline(__always)
    static func loss(logit z: Float, label y: Int32) -> Double {
        let zd = Double(z)
        let softplus = max(zd, 0) + _log1p(_exp(-abs(zd)))
        return softplus - (y == 1 ? zd : 0)
    }

    /// z = X w + b for `n` widened rows in `x`.
    private func logits(_ x: UnsafePointer<Float>, rows n: Int, into z: UnsafeMutablePointer<Float>) {
        let d = Int32(dimension)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), d, 1, x, d, weights, 1, 0, z, 1)
        for i in 0..<n { z[i] += bias }
    }

    /// Visits the dataset (or the listed rows) a block at a time: `visit(x, z, rows, first)`.
    private func sweep(_ features: Tensor, rows: Tensor?, _ visit: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void) {
        let total = rows?.count ?? features.rows
        let block = BinaryLogisticRegression.blockRows
        let x = Scratch(block * dimension)
        let z = Scratch(block)
        var start = 0
        while start < total {
            let n = min(block, total - start)
            if let rows {
                features.widenRows(UnsafeBufferPointer(rebasing: rows.int32s[start..<start + n]), into: x.buffer)
            } else {
                features.widenRows(start: start, count: n, into: x.buffer)
            }
            logits(x.buffer, rows: n, into: z.buffer)
            visit(x.buffer, z.buffer, n, start)
            start += n
        }
    }

    private func checkRows(_ rows: Tensor?, of features: Tensor) throws {
        if let rows { try Tensor.checkIndices(rows, limit: features.rows, what: "row") }
    }

    /// The full-batch gradient of the mean loss, ∇L = (1/n) Σ (σ(z_i) − y_i) x̃_i,
    /// over all rows or the listed ones; labels are indexed by dataset row.
    public func gradient(features: Tensor, labels: Tensor, rows: Tensor? = nil) throws -> Tensor {
        try features.checkFeatures(dimension: dimension)
        try checkLabels(labels, rows: features.rows)
        try checkRows(rows, of: features)
        let out = try Tensor(zeros: [dimension + 1])
        let g = out.floats.baseAddress!
        let total = rows?.count ?? features.rows
        guard total > 0 else { return out }
        let residual = Scratch(BinaryLogisticRegression.blockRows)
        let y = labels.int32s
        var biasSum = 0.0
        sweep(features, rows: rows) { x, z, n, first in
            for j in 0..<n {
                let row = rows.map { Int($0.int32s[first + j]) } ?? first + j
                residual.buffer[j] = BinaryLogisticRegression.sigmoid(z[j]) - Float(y[row])
                biasSum += Double(residual.buffer[j])
            }
            let d = Int32(dimension)
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(n), d, 1, x, d, residual.buffer, 1, 1, g, 1)
        }
        let scale = 1 / Float(total)
        cblas_sscal(Int32(dimension), scale, g, 1)
        g[dimension] = Float(biasSum / Double(total))
        return out
    }

    /// Mean loss over all rows.
    public func loss(features: Tensor, labels: Tensor) throws -> Double {
        try features.checkFeatures(dimension: dimension)
        try checkLabels(labels, rows: features.rows)
        guard features.rows > 0 else { return 0 }
        var total = 0.0
        let y = labels.int32s
        sweep(features, rows: nil) { _, z, n, first in
            for j in 0..<n { total += BinaryLogisticRegression.loss(logit: z[j], label: y[first + j]) }
        }
        return total / Double(features.rows)
    }

    /// Predicted labels (1 where σ(z) ≥ 0.5), int32 [n].
    public func predict(features: Tensor) throws -> Tensor {
        try features.checkFeatures(dimension: dimension)
        let out = try Tensor(zeros: [features.rows], dtype: .int32)
        let p = out.int32s
        sweep(features, rows: nil) { _, z, n, first in
            for j in 0..<n { p[first + j] = z[j] >= 0 ? 1 : 0 }
        }
        return out
    }

    /// One epoch of mini-batch SGD over a shuffled order drawn from `generator`.
    /// Returns the mean training loss seen during the epoch.
    @discardableResult
    /// With `rows`, only those rows (a worker's shard) are visited.
    public func trainEpoch(features: Tensor, labels: Tensor, rows: Tensor? = nil, batchSize: Int, learningRate: Double,
                           generator: Generator) throws -> Double {
        try features.checkFeatures(dimension: dimension)
        try checkLabels(labels, rows: features.rows)
        try checkRows(rows, of: features)
        guard batchSize >= 1 else { throw FlipError("batch size must be at least 1, got \(batchSize)") }
        guard learningRate.isFinite, learningRate > 0 else { throw FlipError("learning rate must be a positive number, got \(learningRate)") }
        let n = rows?.count ?? features.rows
        guard n > 0 else { return 0 }
        guard n <= Generator.maxPermutation else { throw FlipError("\(n) rows exceed the \(Generator.maxPermutation) an epoch can shuffle") }
        var order = generator.permutation(n)
        if let rows { order = order.map { rows.int32s[Int($0)] } }
        let b = min(batchSize, n)
        let x = Scratch(b * dimension)
        let z = Scratch(b)
        let y = labels.int32s
        let d = Int32(dimension)
        let lr = Float(learningRate)
        var lossTotal = 0.0
        order.withUnsafeBufferPointer { order in
            var start = 0
            while start < n {
                let m = min(b, n - start)
                let batch = UnsafeBufferPointer(rebasing: order[start..<start + m])
                features.widenRows(batch, into: x.buffer)
                logits(x.buffer, rows: m, into: z.buffer)
                var biasGradient: Float = 0
                for j in 0..<m {
                    let label = y[Int(batch[j])]
                    lossTotal += BinaryLogisticRegression.loss(logit: z.buffer[j], label: label)
                    z.buffer[j] = BinaryLogisticRegression.sigmoid(z.buffer[j]) - Float(label)
                    biasGradient += z.buffer[j]
                }
                // w -= (lr/m) Xᵀ r ; b -= (lr/m) Σ r
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(m), d, -lr / Float(m), x.buffer, d, z.buffer, 1, 1, weights, 1)
                bias -= lr * biasGradient / Float(m)
                start += m
            }
        }
        return lossTotal / Double(n)
    }
}
