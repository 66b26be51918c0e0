import CBLAS

/// Whether the loaded BLAS kernel computes the products the engine asks of it:
/// sgemm in the three layouts the models use and sgemv both ways, on sizes that
/// are no multiple of any kernel's block, against a plain loop in double. A
/// kernel the processor cannot run, or a broken one, misses by far more than
/// float rounding; reordered float sums stay well inside the tolerance.
public enum BLASCheck {
    /// C = op(A)·op(B), row-major: transposeA, transposeB, m, n, k, A, lda, B, ldb, C, ldc.
    public typealias Product = @Sendable (Bool, Bool, Int, Int, Int, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int,
                                UnsafeMutablePointer<Float>, Int) -> Void
    /// y = op(A)·x, row-major: transpose, rows, columns, A, x, y.
    public typealias VectorProduct = @Sendable (Bool, Int, Int, UnsafePointer<Float>, UnsafePointer<Float>,
                                      UnsafeMutablePointer<Float>) -> Void

    public static let sgemm: Product = { ta, tb, m, n, k, a, lda, b, ldb, c, ldc in
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }
    public static let sgemv: VectorProduct = { t, rows, columns, a, x, y in
        cblas_sgemv(CblasRowMajor, t ? CblasTrans : CblasNoTrans, Int32(rows), Int32(columns), 1, a, Int32(columns),
                    x, 1, 0, y, 1)
    }

    /// Whether `product` and `vectorProduct` (the loaded BLAS's, unless a test
    /// hands others) agree with the plain loop.
    public static func passes(product: Product = sgemm, vectorProduct: VectorProduct = sgemv) -> Bool {
        // One thread: waking the library's others costs more than these small products.
        let threads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(threads) }
        let (m, n, k) = (29, 23, 300)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
        }
        let a = (0..<(m * k)).map { _ in next() }   // [m, k], or [k, m] read transposed
        let b = (0..<(k * n)).map { _ in next() }   // [k, n], or [n, k] read transposed
        let x = (0..<k).map { _ in next() }
        let y = (0..<m).map { _ in next() }

        func close(_ got: [Float], _ want: [Double], _ scale: [Double]) -> Bool {
            zip(got, zip(want, scale)).allSatisfy { abs(Double($0) - $1.0) <= 1e-5 * $1.1 + 1e-30 }
        }
        for (ta, tb) in [(false, false), (true, false), (false, true)] {
            var c = [Float](repeating: .nan, count: m * n)
            product(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, &c, n)
            var want = [Double](repeating: 0, count: m * n), scale = want
            for i in 0..<m {
                for j in 0..<n {
                    for p in 0..<k {
                        let product = Double(ta ? a[p * m + i] : a[i * k + p]) * Double(tb ? b[j * k + p] : b[p * n + j])
                        want[i * n + j] += product
                        scale[i * n + j] += abs(product)
                    }
                }
            }
            if !close(c, want, scale) { return false }
        }
        var ax = [Float](repeating: .nan, count: m), ya = [Float](repeating: .nan, count: k)
        vectorProduct(false, m, k, a, x, &ax)
        vectorProduct(true, m, k, a, y, &ya)
        var wantAx = [Double](repeating: 0, count: m), scaleAx = wantAx
        var wantYa = [Double](repeating: 0, count: k), scaleYa = wantYa
        for i in 0..<m {
            for p in 0..<k {
                let a = Double(a[i * k + p])
                wantAx[i] += a * Double(x[p]); scaleAx[i] += abs(a * Double(x[p]))
                wantYa[p] += a * Double(y[i]); scaleYa[p] += abs(a * Double(y[i]))
            }
        }
        return close(ax, wantAx, scaleAx) && close(ya, wantYa, scaleYa)
    }
}
