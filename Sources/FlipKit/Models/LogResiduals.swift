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
    /// cancellation however close p_y is to 1.
    static func softmax(_ z: UnsafePointer<Float>, rows n: Int, classes c: Int, labels: UnsafePointer<Int32>,
                        logs: UnsafeMutablePointer<Double>, signs: UnsafeMutablePointer<Float>) {
        for i in 0..<n {
            let row = z + i * c, logRow = logs + i * c, signRow = signs + i * c
            let y = Int(labels[i])
            let all = logSumExp(row, count: c, skipping: nil)
            let others = logSumExp(row, count: c, skipping: y)
            for j in 0..<c {
                logRow[j] = Double(row[j]) - all
                signRow[j] = 1
            }
            logRow[y] = others - all
            signRow[y] = -1
        }
    }

    /// log Σ_j exp(v_j) over j < count, j ≠ skipping; NaN if a value is not finite.
    @inline(__always)
    static func logSumExp(_ v: UnsafePointer<Float>, count: Int, skipping: Int?) -> Double {
        var top = -Double.infinity
        for j in 0..<count where j != skipping {
            let x = Double(v[j])
            guard x.isFinite else { return .nan }
            top = max(top, x)
        }
        var sum = 0.0
        for j in 0..<count where j != skipping { sum += exp(Double(v[j]) - top) }
        return top + log(sum)
    }
}
