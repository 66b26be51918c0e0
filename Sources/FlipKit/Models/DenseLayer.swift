import CBLAS

/// A fully connected layer whose weights are `outputs` rows of `inputs + 1`
/// floats, the bias last in each row (the paper's x̃ = (x, 1) convention).
struct DenseLayer: Sendable {
    let inputs: Int
    let outputs: Int

    var parameterCount: Int { outputs * (inputs + 1) }

    /// z = x̃ Wᵀ for `n` augmented rows x̃ = (x, 1) [n × (inputs + 1)] → z [n × outputs]:
    /// the bias, W's last column, meets x̃'s trailing 1 in the same product.
    func forward(_ w: UnsafePointer<Float>, _ x: AugmentedRows, rows n: Int, into z: UnsafeMutablePointer<Float>) {
        let (k, c, lda) = (Int32(inputs + 1), Int32(outputs), Int32(x.stride))
        if outputs == 1 {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), k, 1, x.base, lda, w, 1, 0, z, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), c, k, 1, x.base, lda, w, k, 0, z, c)
        }
    }

    /// G += s·dzᵀx̃ for dz [n × outputs] and augmented rows x̃: the bias
    /// gradient (column sums of dz) is G's last column.
    func accumulateGradient(_ g: UnsafeMutablePointer<Float>, scale s: Float, _ dz: UnsafePointer<Float>,
                            _ x: AugmentedRows, rows n: Int) {
        let (k, c, ldx) = (Int32(inputs + 1), Int32(outputs), Int32(x.stride))
        if outputs == 1 {
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(n), k, s, x.base, ldx, dz, 1, 1, g, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c, k, Int32(n), s, dz, c, x.base, ldx, 1, g, k)
        }
    }

    /// dx = dz W (bias column excluded): dz [n × outputs] → dx [n × inputs].
    func backward(_ w: UnsafePointer<Float>, _ dz: UnsafePointer<Float>, rows n: Int, into dx: UnsafeMutablePointer<Float>) {
        let (d, c) = (Int32(inputs), Int32(outputs))
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), d, c, 1, dz, c, w, d + 1, 0, dx, d)
    }
}
