/// Comparisons into 0/1 masks, the indices of a mask, and per-row picks:
/// what a policy needs to select among candidates without a loop over samples.
public enum ComparisonOp: String, CaseIterable, Sendable {
    case lt, le, gt, ge, eq, ne

    @inline(__always)
    func holds(_ a: Double, _ b: Double) -> Bool {
        switch self {
        case .lt: return a < b
        case .le: return a <= b
        case .gt: return a > b
        case .ge: return a >= b
        case .eq: return a == b
        case .ne: return a != b
        }
    }
}

extension Tensor {
    /// int32 mask, 1 where `self op other` (other: same shape) holds.
    public func compare(_ op: ComparisonOp, _ other: Tensor) throws -> Tensor {
        guard shape == other.shape else { throw FlipError("shapes \(shapeText) and \(other.shapeText) do not match for '\(op.rawValue)'") }
        let out = try Tensor(validShape: shape, dtype: .int32)
        for i in 0..<count { out.int32s[i] = op.holds(value(at: i), other.value(at: i)) ? 1 : 0 }
        return out
    }

    /// int32 mask, 1 where `self op s` holds.
    public func compare(_ op: ComparisonOp, scalar s: Double) throws -> Tensor {
        let out = try Tensor(validShape: shape, dtype: .int32)
        for i in 0..<count { out.int32s[i] = op.holds(value(at: i), s) ? 1 : 0 }
        return out
    }

    /// 0-based flat indices of the non-zero elements, ascending.
    public func nonzeroIndices() throws -> Tensor {
        var found: [Int32] = []
        for i in 0..<count where value(at: i) != 0 {
            guard i <= Int(Int32.max) else { throw FlipError("index \(i + 1) does not fit an int32") }
            found.append(Int32(i))
        }
        return try Tensor(int32: found)
    }

    /// out[i] = self[i, columns[i]] for a 2-D tensor and 0-based columns, one per row.
    public func pick(columns: Tensor) throws -> Tensor {
        try requireRank(2, "tensor picked from")
        try columns.requireDType(.int32, "columns")
        guard columns.count == rows else { throw FlipError("\(rows) rows but \(columns.count) columns to pick") }
        let width = rowLength
        let out = try Tensor(validShape: [rows], dtype: dtype)
        for i in 0..<rows {
            let c = Int(columns.int32s[i])
            guard c >= 0, c < width else { throw FlipError("column \(c + 1) at position \(i + 1) out of range 1..\(width)") }
            out.setValue(value(at: i * width + c), at: i)
        }
        return out
    }
}
