extension Tensor {
    /// 0-based indices that sort a vector ascending (or descending); ties keep
    /// index order and NaNs come last, so the result is deterministic.
    public func argsort(descending: Bool = false) throws -> Tensor {
        try requireRank(1, "argsort input")
        let order = sortedIndices(descending: descending)
        return try Tensor(int32: order.map { Int32($0) })
    }

    /// The k largest (or smallest) elements of a vector and their 0-based indices.
    public func topk(_ k: Int, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        try requireRank(1, "topk input")
        guard k >= 0, k <= count else { throw FlipError("k = \(k) out of range 0..\(count)") }
        let order = sortedIndices(descending: largest).prefix(k)
        let values = try Tensor(validShape: [k], dtype: dtype)
        for (j, i) in order.enumerated() { values.setValue(value(at: i), at: j) }
        return (values, try Tensor(int32: order.map { Int32($0) }))
    }

    private func sortedIndices(descending: Bool) -> [Int] {
        let keys = (0..<count).map { value(at: $0) }
        return (0..<count).sorted { i, j in
            let (a, b) = (keys[i], keys[j])
            if a.isNaN || b.isNaN {
                if a.isNaN != b.isNaN { return b.isNaN }
                return i < j
            }
            if a != b { return descending ? a > b : a < b }
            return i < j
        }
    }
}
