/// A fully connected map applied to `m` rows of `inputs` floats, weights
/// `outputs` rows of `inputs + 1`, the bias last in each row (DenseLayer's
/// layout, without the trailing 1 in the rows: deep layers apply it to
/// activations and im2col rows that have none). Every product is one GEMM.
struct Affine: Sendable {
    let inputs: Int
    let outputs: Int

    var parameterCount: Int { outputs * (inputs + 1) }

    /// y [m × outputs] = x Wᵀ + b.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ w: UnsafePointer<T>, _ x: UnsafePointer<T>, rows m: Int, into y: UnsafeMutablePointer<T>) {
        guard m > 0 else { return }
        // The bias first and the product added to it (β = 1): one pass over y
        // fewer than BLAS zeroing it (β = 0) and the bias added after.
        for j in 0..<outputs { y[j] = w[j * (inputs + 1) + inputs] }
        for i in 1..<m { (y + i * outputs).update(from: y, count: outputs) }
        T.gemm(false, true, m, outputs, inputs, 1, x, inputs, w, inputs + 1, 1, y, outputs)
    }

    /// dx [m × inputs] = dy W (bias column excluded).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func inputGradient<T: DeepScalar>(_ w: UnsafePointer<T>, _ dy: UnsafePointer<T>, rows m: Int, into dx: UnsafeMutablePointer<T>) {
        T.gemm(false, false, m, inputs, outputs, 1, dy, outputs, w, inputs + 1, 0, dx, inputs)
    }

    /// G += s·dyᵀx, and the bias column += s·Σ dy.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func accumulate<T: DeepScalar>(_ g: UnsafeMutablePointer<T>, scale s: T, _ dy: UnsafePointer<T>, _ x: UnsafePointer<T>, rows m: Int) {
        T.gemm(true, false, outputs, inputs, m, s, dy, outputs, x, inputs, 1, g, inputs + 1)
        // Row by row, each row's outputs side by side: the rows are read in order.
        let sums = UnsafeMutablePointer<T>.allocate(capacity: outputs)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0, count: outputs)
        for i in 0..<m {
            let row = dy + i * outputs
            for j in 0..<outputs { sums[j] += row[j] }
        }
        for j in 0..<outputs { g[j * (inputs + 1) + inputs] += s * sums[j] }
    }

    /// Weights and biases uniform in ±1/√inputs (PyTorch's default for its linear and convolution layers).
    func initialize(_ w: UnsafeMutablePointer<Float>, _ generator: Generator) {
        let bound = 1 / Double(inputs).squareRoot()
        for k in 0..<parameterCount { w[k] = Float((2 * generator.uniform() - 1) * bound) }
    }
}
