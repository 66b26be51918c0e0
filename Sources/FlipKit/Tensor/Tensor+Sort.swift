extension Tensor {
    /// 0-based indices that sort a vector ascending (or descending); ties keep
    /// index order and NaNs come last, so the result is deterministic.
    public func argsort(descending: Bool = false) throws -> Tensor {
        try requireRank(1, "argsort input")
        return try Tensor(int32: try sortedIndices(descending: descending))
    }

    /// The k largest (or smallest) elements of a vector and their 0-based indices.
    public func topk(_ k: Int, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        try requireRank(1, "topk input")
        guard k >= 0, k <= count else { throw FlipError("k = \(k) out of range 0..\(count)") }
        let order = try sortedIndices(descending: largest).prefix(k)
        let values = try Tensor(validShape: [k], dtype: dtype)
        for (j, i) in order.enumerated() { values.setValue(value(at: Int(i)), at: j) }
        return (values, try Tensor(int32: Array(order)))
    }

    /// Each element becomes an unsigned key in value order; a stable radix sort
    /// of the keys, from index order, then orders them as the comparisons
    /// "a < b, else index order, NaN last" do.
    private func sortedIndices(descending: Bool) throws -> [Int32] {
        guard count <= Int(Int32.max) else { throw FlipError("cannot sort \(count) elements: indices are int32") }
        var keys = [UInt32](repeating: 0, count: count)
        for i in 0..<count { keys[i] = Tensor.orderKey(elementBits(at: i), dtype: dtype, descending: descending) }
        return Tensor.stableOrder(keys).map { Int32(bitPattern: $0) }
    }

    /// Positions 0..<n ordered by key, ties in position order: a least-significant
    /// digit radix sort, one pass per byte (a pass where every key has the same
    /// byte is skipped).
    static func stableOrder(_ keys: [UInt32]) -> [UInt32] {
        let n = keys.count
        var order = [UInt32](repeating: 0, count: n)
        var next = [UInt32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 4 * 256)
        keys.withUnsafeBufferPointer { key in
            counts.withUnsafeMutableBufferPointer { count in
                for k in key {
                    for byte in 0..<4 { count[byte * 256 + Int((k >> (8 * UInt32(byte))) & 0xFF)] += 1 }
                }
                order.withUnsafeMutableBufferPointer { first in
                    next.withUnsafeMutableBufferPointer { second in
                        var (from, to) = (first, second)
                        for i in 0..<n { from[i] = UInt32(truncatingIfNeeded: i) }
                        for byte in 0..<4 {
                            let digits = UnsafeMutableBufferPointer(rebasing: count[byte * 256..<(byte + 1) * 256])
                            if digits.contains(n) { continue }
                            var offset = 0
                            for d in 0..<256 { (digits[d], offset) = (offset, offset + digits[d]) }
                            let shift = 8 * UInt32(byte)
                            for position in from {
                                let d = Int((key[Int(position)] >> shift) & 0xFF)
                                to[digits[d]] = position
                                digits[d] += 1
                            }
                            swap(&from, &to)
                        }
                        if from.baseAddress != first.baseAddress { _ = first.update(fromContentsOf: from) }
                    }
                }
            }
        }
        return order
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
}
