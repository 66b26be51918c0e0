#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cross-entropy residuals r = p − onehot(y) of a row's logits as a sign
/// and a natural log of the magnitude, so that a residual whose float value
/// rounds to 0 (a well-classified row on separable, raw-scale data: 1 − σ(z)
/// is 0 in float32 beyond z ≈ 17) keeps its size relative to the others.
enum LogResiduals {
    /// −softplus(m) = log σ(−m), computed without overflow for any finite m.
    @inline(__always)
    static func logSigmoidOfNegative(_ m: Double) -> Double {
        -(max(m, 0) + log1p(exp(-abs(m))))
    }

    /// Binary, one logit z per row: r = σ(z) − y. For y = 1, r = −σ(−z); for
    /// y = 0, r = σ(z) = σ(−(−z)). `logs[i]` gets log |r_i|, `signs[i]` its sign.
    static func binary(_ z: UnsafePointer<Float>, rows n: Int, labels: UnsafePointer<Int32>,
                       logs: UnsafeMutablePointer<Double>, signs: UnsafeMutablePointer<Float>) {
        for i in 0..<n {
            let positive = labels[i] == 1
            let margin = positive ? Double(z[i]) : -Double(z[i])
            logs[i] = logSigmoidOfNegative(margin)
            signs[i] = positive ? -1 : 1
        }
    }

    /// Softmax, `c` logits per row: r_j = p_j for j ≠ y, and r_y = p_y − 1 =
    /// −Σ_{j≠y} p_j, whose log is logsumexp_{j≠y}(z) − logsumexp(z): no
    /// cancellation however close p_y is to 1. The sums of exponentials are
    /// taken relative to their largest term, so float32 exponentials suffice.
    static func softmax(_ z: UnsafePointer<Float>, rows n: Int, classes c: Int, labels: UnsafePointer<Int32>,
                        logs: UnsafeMutablePointer<Double>, signs: UnsafeMutablePointer<Float>) {
        for i in 0..<n {
            let row = z + i * c, logRow = logs + i * c, signRow = signs + i * c
            let y = Int(labels[i])
            var top = -Float.infinity, other = -Float.infinity, finite = true
            for j in 0..<c {
                finite = finite && row[j].isFinite
                top = max(top, row[j])
                if j != y { other = max(other, row[j]) }
            }
            guard finite else {
                for j in 0..<c { logRow[j] = .nan; signRow[j] = 1 }
                continue
            }
            var all: Float = 0, rest: Float = 0
            for j in 0..<c {
                all += exponentialOfNonPositive(row[j] - top)
                if j != y { rest += exponentialOfNonPositive(row[j] - other) }
            }
            let lse = Double(top) + log(Double(all))
            for j in 0..<c {
                logRow[j] = Double(row[j]) - lse
                signRow[j] = 1
            }
            logRow[y] = Double(other) + log(Double(rest)) - lse
            signRow[y] = -1
        }
    }

    /// r̃_k = sign_k · e^(L_k − M) for the n values of a pass whose largest log is M.
    static func scaled(logs: UnsafePointer<Double>, signs: UnsafePointer<Float>, count n: Int, largest: Double,
                       into out: UnsafeMutablePointer<Float>) {
        for k in 0..<n { out[k] = signs[k] * exponentialOfNonPositive(Float(logs[k] - largest)) }
    }
}
