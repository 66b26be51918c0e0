import CBLAS

/// A fully connected layer whose weights are `outputs` rows of `inputs + 1`
/// floats, the bias last in each row (the paper's x̃ = (x, 1) convention).
struct DenseLayer: Sendable {
    let inputs: Int
    let outputs: Int

    var parameterCount: Int { outputs * (inputs + 1) }

    /// z = x Wᵀ + b for `n` rows: x [n × inputs] → z [n × outputs].
    func forward(_ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>, rows n: Int, into z: UnsafeMutablePointer<Float>) {
        let (d, c) = (Int32(inputs), Int32(outputs))
        if outputs == 1 {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), d, 1, x, d, w, 1, 0, z, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), c, d, 1, x, d, w, d + 1, 0, z, c)
        }
        for i in 0..<n {
            let row = z + i * outputs
            for j in 0..<outputs { row[j] += w[j * (inputs + 1) + inputs] }
        }
    }

    /// G += s·dzᵀx and bias gradient += s·(column sums of dz), for dz [n × outputs].
    func accumulateGradient(_ g: UnsafeMutablePointer<Float>, scale s: Float, _ dz: UnsafePointer<Float>,
                            _ x: UnsafePointer<Float>, rows n: Int) {
        let (d, c) = (Int32(inputs), Int32(outputs))
        if outputs == 1 {
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(n), d, s, x, d, dz, 1, 1, g, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c, d, Int32(n), s, dz, c, x, d, 1, g, d + 1)
        }
        // Row by row: each output's running sum is its own dependency chain.
        let bias = g + inputs
        for i in 0..<n {
            let row = dz + i * outputs
            for j in 0..<outputs { bias[j * (inputs + 1)] += s * row[j] }
        }
    }

    /// dx = dz W (bias column excluded): dz [n × outputs] → dx [n × inputs].
    func backward(_ w: UnsafePointer<Float>, _ dz: UnsafePointer<Float>, rows n: Int, into dx: UnsafeMutablePointer<Float>) {
        let (d, c) = (Int32(inputs), Int32(outputs))
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), d, c, 1, dz, c, w, d + 1, 0, dx, d)
    }
}
