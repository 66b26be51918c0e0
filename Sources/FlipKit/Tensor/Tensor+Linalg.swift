import CBLAS

extension Tensor {
    /// Matrix product through BLAS: [n,k]x[k,m], [n,k]x[k] or [k]x[k,m]. float32 only.
    public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try a.requireDType(.float32, "left operand of matmul")
        try b.requireDType(.float32, "right operand of matmul")
        for d in a.shape + b.shape where d > Int(Int32.max) {
            throw FlipError("matmul dimension \(d) exceeds the BLAS limit of \(Int32.max)")
        }
        switch (a.rank, b.rank) {
        case (2, 2):
            let (n, k, m) = (a.shape[0], a.shape[1], b.shape[1])
            guard b.shape[0] == k else { throw FlipError("matmul shapes \(a.shapeText) and \(b.shapeText) do not match") }
            let out = try Tensor(zeros: [n, m])
            if n > 0 && m > 0 && k > 0 {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(m), Int32(k), 1,
                            a.floats.baseAddress, Int32(k), b.floats.baseAddress, Int32(m), 0,
                            out.floats.baseAddress, Int32(m))
            }
            return out
        case (2, 1):
            let (n, k) = (a.shape[0], a.shape[1])
            guard b.count == k else { throw FlipError("matmul shapes \(a.shapeText) and \(b.shapeText) do not match") }
            let out = try Tensor(zeros: [n])
            if n > 0 && k > 0 {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(k), 1, a.floats.baseAddress, Int32(k),
                            b.floats.baseAddress, 1, 0, out.floats.baseAddress, 1)
            }
            return out
        case (1, 2):
            let (k, m) = (b.shape[0], b.shape[1])
            guard a.count == k else { throw FlipError("matmul shapes \(a.shapeText) and \(b.shapeText) do not match") }
            let out = try Tensor(zeros: [m])
            if k > 0 && m > 0 {
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(m), 1, b.floats.baseAddress, Int32(m),
                            a.floats.baseAddress, 1, 0, out.floats.baseAddress, 1)
            }
            return out
        default:
            throw FlipError("matmul needs 1-D or 2-D operands, got \(a.shapeText) and \(b.shapeText)")
        }
    }

    /// Inner product of two tensors with the same number of elements, accumulated in double.
    public static func dot(_ a: Tensor, _ b: Tensor) throws -> Double {
        guard a.count == b.count else { throw FlipError("dot of \(a.count) and \(b.count) elements") }
        if a.dtype == .float32 && b.dtype == .float32 && a.count <= Int(Int32.max) {
            return cblas_dsdot(Int32(a.count), a.floats.baseAddress, 1, b.floats.baseAddress, 1)
        }
        var total = 0.0
        for i in 0..<a.count { total += a.value(at: i) * b.value(at: i) }
        return total
    }

    /// Uses one BLAS thread: parallelism goes across runs, and results stay
    /// bit-identical whatever the machine.
    public static func useSingleThreadedBLAS() { openblas_set_num_threads(1) }

    /// The transpose of a 2-D tensor, copied.
    public func transposed() throws -> Tensor {
        try requireRank(2, "transpose input")
        let (n, m) = (shape[0], shape[1])
        let out = try Tensor(validShape: [m, n], dtype: dtype)
        let w = dtype.byteWidth
        for i in 0..<n {
            for j in 0..<m {
                (out.raw + (j * n + i) * w).copyMemory(from: raw + (i * m + j) * w, byteCount: w)
            }
        }
        return out
    }
}
