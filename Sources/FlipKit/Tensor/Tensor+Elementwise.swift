public enum ArithmeticOp: String, CaseIterable, Sendable {
    case add, sub, mul, div

    @inline(__always)
    func apply(_ x: Double, _ y: Double) -> Double {
        switch self {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        }
    }

    var symbol: String {
        switch self {
        case .add: return "+"
        case .sub: return "-"
        case .mul: return "*"
        case .div: return "/"
        }
    }
}

extension Tensor {
    /// The type of `a op b`: int32 when both are int32 and the op is not a
    /// division, float32 otherwise.
    static func resultType(_ op: ArithmeticOp, _ a: DType, _ b: DType) -> DType {
        (a == .int32 && b == .int32 && op != .div) ? .int32 : .float32
    }

    /// `a op b` elementwise. `b` has a's shape, or is a vector as long as a
    /// row of `a` (applied to every row).
    public static func elementwise(_ op: ArithmeticOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let sameShape = a.shape == b.shape
        let rowBroadcast = !sameShape && b.rank == 1 && a.rank == 2 && b.count == a.rowLength
        guard sameShape || rowBroadcast else {
            throw FlipError("shapes \(a.shapeText) and \(b.shapeText) do not match for '\(op.symbol)'")
        }
        let type = resultType(op, a.dtype, b.dtype)
        let out = try Tensor(validShape: a.shape, dtype: type)
        let width = b.count
        if type == .float32, a.dtype == .float32, b.dtype == .float32 {
            let x = a.floats, y = b.floats, z = out.floats
            for i in 0..<a.count { z[i] = Float(op.apply(Double(x[i]), Double(y[rowBroadcast ? i % width : i]))) }
            return out
        }
        for i in 0..<a.count {
            let v = op.apply(a.value(at: i), b.value(at: rowBroadcast ? i % width : i))
            if type == .int32 {
                guard v >= Double(Int32.min), v <= Double(Int32.max) else {
                    throw FlipError("int32 overflow at element \(i + 1) of '\(op.symbol)'")
                }
            }
            out.setValue(v, at: i)
        }
        return out
    }

    /// `a op s` (or `s op a` when `scalarFirst`).
    public static func elementwise(_ op: ArithmeticOp, _ a: Tensor, scalar s: Double, scalarFirst: Bool = false) throws -> Tensor {
        let integral = s == s.rounded() && abs(s) <= Double(Int32.max)
        let type = resultType(op, a.dtype, integral ? .int32 : .float32)
        let out = try Tensor(validShape: a.shape, dtype: type)
        for i in 0..<a.count {
            let x = a.value(at: i)
            let v = scalarFirst ? op.apply(s, x) : op.apply(x, s)
            if type == .int32 {
                guard v >= Double(Int32.min), v <= Double(Int32.max) else {
                    throw FlipError("int32 overflow at element \(i + 1) of '\(op.symbol)'")
                }
            }
            out.setValue(v, at: i)
        }
        return out
    }

    /// Fills every element with `v`.
    public func fill(_ v: Double) throws {
        try requireWritable()
        try checkRepresentable(v)
        for i in 0..<count { setValue(v, at: i) }
    }
}
