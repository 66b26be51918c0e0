extension Tensor {
    /// Checks a tensor of 0-based row indices against `limit` rows.
    public static func checkIndices(_ indices: Tensor, limit: Int, what: String = "index") throws {
        try indices.requireDType(.int32, "\(what) tensor")
        try indices.requireRank(1, "\(what) tensor")
        for (position, i) in indices.int32s.enumerated() where i < 0 || Int(i) >= limit {
            throw FlipError("\(what) \(Int(i) + 1) at position \(position + 1) out of range 1..\(limit)")
        }
    }

    /// The rows named by `indices` (0-based int32), copied into a new tensor.
    public func gatherRows(_ indices: Tensor) throws -> Tensor {
        guard rank >= 1 else { throw FlipError("cannot gather rows of a scalar") }
        try Tensor.checkIndices(indices, limit: rows)
        var newShape = shape
        newShape[0] = indices.count
        let out = try Tensor(zeros: newShape, dtype: dtype)
        let rowBytes = rowLength * dtype.byteWidth
        for (j, i) in indices.int32s.enumerated() {
            (out.raw + j * rowBytes).copyMemory(from: raw + Int(i) * rowBytes, byteCount: rowBytes)
        }
        return out
    }

    /// Element access by 0-based coordinates, checked.
    public func flatIndex(_ coordinates: [Int]) throws -> Int {
        guard coordinates.count == rank else {
            throw FlipError("\(coordinates.count) indices given for a tensor of shape \(shapeText)")
        }
        var flat = 0
        for (axis, c) in coordinates.enumerated() {
            guard c >= 0, c < shape[axis] else {
                throw FlipError("index \(c + 1) out of range 1..\(shape[axis]) in dimension \(axis + 1)")
            }
            flat = flat * shape[axis] + c
        }
        return flat
    }
}
