/// Building tensors from others: one-hot rows, a masked choice, adding rows
/// into chosen rows, joining along the first dimension, stacking.
extension Tensor {
    /// float32 [n, classes]: row i is 1 at column labels[i], 0 elsewhere.
    public static func oneHot(_ labels: Tensor, classes: Int) throws -> Tensor {
        try labels.requireDType(.int32, "labels")
        try labels.requireRank(1, "labels")
        guard classes >= 1 else { throw FlipError("classes must be at least 1, got \(classes)") }
        let out = try Tensor(zeros: [labels.count, classes])
        for (i, y) in labels.int32s.enumerated() {
            guard y >= 0, Int(y) < classes else { throw FlipError("label \(y) at row \(i + 1) is not a class 0..\(classes - 1)") }
            out.floats[i * classes + Int(y)] = 1
        }
        return out
    }

    /// Element by element `a` where `mask` is non-zero, else `b`: three tensors of one shape, a and b of one dtype.
    public static func choose(_ mask: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard mask.shape == a.shape, a.shape == b.shape else {
            throw FlipError("mask \(mask.shapeText), a \(a.shapeText) and b \(b.shapeText) must have one shape")
        }
        guard a.dtype == b.dtype else { throw FlipError("a is \(a.dtype.rawValue) and b is \(b.dtype.rawValue): one dtype expected") }
        let out = try Tensor(zeros: a.shape, dtype: a.dtype)
        let width = a.dtype.byteWidth
        for k in 0..<a.count {
            let source = mask.value(at: k) != 0 ? a : b
            (out.raw + k * width).copyMemory(from: source.raw + k * width, byteCount: width)
        }
        return out
    }

    /// A copy of this tensor with row `rows[i]` (0-based) increased by row i of
    /// `source`, for every i (rows may repeat; their additions accumulate in order).
    public func addingRows(_ rows: Tensor, _ source: Tensor) throws -> Tensor {
        try Tensor.checkIndices(rows, limit: self.rows, what: "row")
        guard source.dtype == dtype else { throw FlipError("source is \(source.dtype.rawValue), the tensor \(dtype.rawValue)") }
        guard source.rows == rows.count, source.rowLength == rowLength, source.rank == max(rank, 1) else {
            throw FlipError("source must be \(rows.count) rows of \(rowLength) elements, got \(source.shapeText)")
        }
        let out = try clone()
        let width = rowLength
        for (i, row) in rows.int32s.enumerated() {
            for j in 0..<width {
                let k = Int(row) * width + j
                let sum = out.value(at: k) + source.value(at: i * width + j)
                try out.checkRepresentable(sum)
                out.setValue(sum, at: k)
            }
        }
        return out
    }

    /// The tensors one after another along the first dimension: one dtype, the same other dimensions.
    public static func concatenate(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw FlipError("nothing to concatenate") }
        for (n, t) in parts.enumerated() {
            guard t.dtype == first.dtype, t.rank == first.rank, t.rank >= 1, Array(t.shape.dropFirst()) == Array(first.shape.dropFirst()) else {
                throw FlipError("tensor \(n + 1) is \(t.dtype.rawValue) \(t.shapeText), tensor 1 \(first.dtype.rawValue) \(first.shapeText): one dtype and the same dimensions after the first expected")
            }
        }
        var shape = first.shape
        shape[0] = parts.reduce(0) { $0 + $1.rows }
        let out = try Tensor(zeros: shape, dtype: first.dtype)
        var offset = 0
        for t in parts {
            let bytes = t.count * t.dtype.byteWidth
            (out.raw + offset).copyMemory(from: t.raw, byteCount: bytes)
            offset += bytes
        }
        return out
    }

    /// The tensors, of one dtype and shape, along a new first dimension.
    public static func stack(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw FlipError("nothing to stack") }
        for (n, t) in parts.enumerated() where t.shape != first.shape || t.dtype != first.dtype {
            throw FlipError("tensor \(n + 1) is \(t.dtype.rawValue) \(t.shapeText), tensor 1 \(first.dtype.rawValue) \(first.shapeText): one dtype and shape expected")
        }
        let rows = try parts.map { try $0.reshaped([1] + $0.shape) }
        return try concatenate(rows)
    }
}
