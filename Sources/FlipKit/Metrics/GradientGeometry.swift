/// Comparisons between gradients: the paper's detectability ratio (Tables
/// 3–4) and the alignment of a poisoned gradient with the honest one.
public enum GradientGeometry {
    /// ⟨a, b⟩ / (‖a‖‖b‖), in double; an error if either vector is zero or not finite.
    public static func cosine(_ a: Tensor, _ b: Tensor) throws -> Double {
        try a.requireDType(.float32, "first vector")
        try b.requireDType(.float32, "second vector")
        guard a.count == b.count else { throw FlipError("vectors have \(a.count) and \(b.count) elements") }
        var (dot, aa, bb) = (0.0, 0.0, 0.0)
        for k in 0..<a.count {
            let (x, y) = (Double(a.floats[k]), Double(b.floats[k]))
            dot += x * y
            aa += x * x
            bb += y * y
        }
        guard aa.isFinite, bb.isFinite else { throw FlipError("cosine of a non-finite vector") }
        guard aa > 0, bb > 0 else { throw FlipError("cosine with a zero vector is undefined") }
        return dot / (aa.squareRoot() * bb.squareRoot())
    }

    /// Euclidean norm of each row of a [n, P] stack (a [P] vector is one row).
    public static func rowNorms(_ stack: Tensor) throws -> [Double] {
        try stack.requireDType(.float32, "gradients")
        let (n, p) = stack.rank <= 1 ? (1, stack.count) : (stack.rows, stack.rowLength)
        return (0..<n).map { i in
            var sum = 0.0
            for k in 0..<p { let v = Double(stack.floats[i * p + k]); sum += v * v }
            return sum.squareRoot()
        }
    }

    /// Mean attacker gradient norm over mean honest gradient norm.
    public static func normRatio(attacker: Tensor, honest: Tensor) throws -> Double {
        let a = try rowNorms(attacker)
        let h = try rowNorms(honest)
        let (p, q) = (attacker.rank <= 1 ? attacker.count : attacker.rowLength, honest.rank <= 1 ? honest.count : honest.rowLength)
        guard p == q else { throw FlipError("attacker gradients have \(p) elements, honest ones \(q)") }
        guard !a.isEmpty, !h.isEmpty else { throw FlipError("norm ratio needs at least one attacker and one honest gradient") }
        let honestMean = h.reduce(0, +) / Double(h.count)
        guard honestMean > 0 else { throw FlipError("norm ratio with zero honest gradients is undefined") }
        return a.reduce(0, +) / Double(a.count) / honestMean
    }
}
