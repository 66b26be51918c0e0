import CBLAS

/// A fully connected layer whose weights are `outputs` rows of `inputs + 1`
/// floats, the bias last in each row (the paper's x̃ = (x, 1) convention).
struct DenseLayer: Sendable {
    let inputs: Int
    let outputs: Int

    var parameterCount: Int { outputs * (inputs + 1) }

    /// z = x̃ Wᵀ for `n` augmented rows x̃ = (x, 1) [n × (inputs + 1)] → z [n × outputs]:
    /// the bias, W's last column, meets x̃'s trailing 1 in the same product.
    ///
    /// Feature rows (x from a FeatureBlock) carry the next block's rows still
    /// to be prefetched (pixels; float rows the block prefetched itself), for
    /// the product to prefetch while it runs. A layer with 2 to 16 outputs (the
    /// softmax regression's, the scores') multiplies them four rows at a time and
    /// prefetches a share of the upcoming rows before each part, so that their
    /// cache misses overlap arithmetic instead of piling up. On a 10-class
    /// Fashion-MNIST gradient, against the rows prefetched while the block was
    /// widened: shuffled rows 24.3 → 22.1 ms, rows in order 22.2 → 21.8 ms
    /// (shuffled, in parts of 16 rows: 23.1 ms; of 8: 22.3 ms; of 2: 25.5 ms).
    /// At CIFAR-10's width the parts are faster products besides (OpenBLAS's
    /// small-matrix kernel: 42 µs per 64-row block against 86 µs whole).
    /// Rows in order are split too: OpenBLAS's result for a row can depend on
    /// how many rows share the call, and a block must give the same numbers
    /// whether its rows were listed or stored in order. A wider layer
    /// prefetches the upcoming rows all at once and multiplies whole: parts of
    /// its product cost more than the prefetch wins (a shuffled epoch of the
    /// 128-hidden MLP took 318 ms in quarters against 268 ms whole). So does a
    /// single output (a matrix-vector product, whose result for a row does not
    /// depend on the other rows): parts of it only cost calls (binary
    /// predictions on 12,000 rows took 1.10 ms in parts, 1.01 ms whole).
    func forward(_ w: UnsafePointer<Float>, _ x: AugmentedRows, rows n: Int, into z: UnsafeMutablePointer<Float>) {
        let (k, c, lda) = (Int32(inputs + 1), Int32(outputs), Int32(x.stride))
        guard (2...16).contains(outputs), let upcoming = x.upcoming else {
            x.upcoming?.prefetch(part: 0, of: 1)
            if outputs == 1 {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), k, 1, x.base, lda, w, 1, 0, z, 1)
            } else {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), c, k, 1, x.base, lda, w, k, 0, z, c)
            }
            return
        }
        let parts = (n + 3) / 4
        for part in 0..<parts {
            upcoming.prefetch(part: part, of: parts)
            let (first, end) = (4 * part, min(4 * part + 4, n))
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(end - first), c, k, 1, x.base + first * x.stride, lda,
                        w, k, 0, z + first * outputs, c)
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
