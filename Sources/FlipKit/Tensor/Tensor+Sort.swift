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
        guard count <= Int(UInt32.max) else { return sortedIndicesByComparison(descending: descending) }
        // Each element becomes one integer, its order key above its index: a
        // plain integer sort then gives the same order as the comparisons below.
        var packed = [UInt64](repeating: 0, count: count)
        packed.withUnsafeMutableBufferPointer { keys in
            for i in 0..<count {
                keys[i] = UInt64(Tensor.orderKey(elementBits(at: i), dtype: dtype, descending: descending)) << 32 | UInt64(i)
            }
            keys.sort()
        }
        return packed.map { Int(truncatingIfNeeded: $0 & 0xFFFF_FFFF) }
    }

    @inline(__always)
    private func elementBits(at i: Int) -> UInt32 {
        switch dtype {
        case .float32: return floats[i].bitPattern
        case .int32: return UInt32(bitPattern: int32s[i])
        case .uint8: return UInt32(bytes[i])
        }
    }

    /// An unsigned key whose order is the order of the values: ascending (or
    /// descending), −0 equal to +0, NaN after everything else either way.
    @inline(__always)
    static func orderKey(_ bits: UInt32, dtype: DType, descending: Bool) -> UInt32 {
        let ascending: UInt32
        switch dtype {
        case .float32:
            let value = Float(bitPattern: bits)
            if value.isNaN { return .max }
            let canonical = value == 0 ? 0 : bits
            ascending = canonical & 0x8000_0000 == 0 ? canonical | 0x8000_0000 : ~canonical
        case .int32:
            ascending = bits ^ 0x8000_0000
        case .uint8:
            ascending = bits
        }
        // Float keys of non-NaN values stay within [0x007F_FFFF, 0xFF80_0000], and
        // so do their complements: NaN's .max stays last in both directions.
        return descending ? ~ascending : ascending
    }

    private func sortedIndicesByComparison(descending: Bool) -> [Int] {
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
