import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element type of a deep model's passes. Models run in Float; the
/// finite-difference tests run the same layer code in Double, where central
/// differences are accurate to about 1e-9 and a wrong derivative shows.
protocol DeepScalar: BinaryFloatingPoint, Sendable {
    /// C = α·op(A)·op(B) + β·C, row major, on BLAS (sgemm or dgemm).
    static func gemm(_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self,
                     _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int, _ beta: Self,
                     _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
    static func exponential(_ x: Self) -> Self
    static func errorFunction(_ x: Self) -> Self
    static func root(_ x: Self) -> Self
}

private func transpose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: DeepScalar {
    static func gemm(_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                     _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
                     _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, transpose(transposeA), transpose(transposeB), Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    static func exponential(_ x: Float) -> Float { expf(x) }
    static func errorFunction(_ x: Float) -> Float { erff(x) }
    static func root(_ x: Float) -> Float { sqrtf(x) }
}

extension Double: DeepScalar {
    static func gemm(_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
                     _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int, _ beta: Double,
                     _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        cblas_dgemm(CblasRowMajor, transpose(transposeA), transpose(transposeB), Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    static func exponential(_ x: Double) -> Double { exp(x) }
    static func errorFunction(_ x: Double) -> Double { erf(x) }
    static func root(_ x: Double) -> Double { sqrt(x) }
}
