/// Cross-entropy losses on logits, computed stably, and their gradient with
/// respect to the logits (the residual p − onehot(y)), written in place.
enum CrossEntropy {
    /// −log σ(±z): softplus(z) − y·z, stable for any z.
    @inline(__always)
    static func binaryLoss(logit z: Float, label y: Int32) -> Double {
        let zd = Double(z)
        let softplus = max(zd, 0) + _log1p(_exp(-abs(zd)))
        return softplus - (y == 1 ? zd : 0)
    }

    @inline(__always)
    static func sigmoid(_ z: Float) -> Float {
        if z >= 0 { return 1 / (1 + Float(_exp(Double(-z)))) }
        let e = Float(_exp(Double(z)))
        return e / (1 + e)
    }

    /// One logit per row (binary). Returns the summed loss; with `residual`,
    /// replaces each logit by σ(z) − y.
    static func binary(_ z: UnsafeMutablePointer<Float>, rows n: Int, labels: UnsafePointer<Int32>?,
                       residual: Bool, losses: UnsafeMutablePointer<Double>?, predictions: UnsafeMutablePointer<Int32>?) -> Double {
        var total = 0.0
        for i in 0..<n {
            predictions?[i] = z[i] >= 0 ? 1 : 0
            guard let labels else { continue }
            let loss = binaryLoss(logit: z[i], label: labels[i])
            total += loss
            losses?[i] = loss
            if residual { z[i] = sigmoid(z[i]) - Float(labels[i]) }
        }
        return total
    }

    /// `classes` logits per row (softmax). The loss is log Σ exp(z) − z_y with
    /// the maximum subtracted first; with `residual`, z becomes softmax(z) − onehot(y).
    static func softmax(_ z: UnsafeMutablePointer<Float>, rows n: Int, classes c: Int, labels: UnsafePointer<Int32>?,
                        residual: Bool, losses: UnsafeMutablePointer<Double>?, predictions: UnsafeMutablePointer<Int32>?) -> Double {
        var total = 0.0
        for i in 0..<n {
            let row = z + i * c
            var best = 0
            for j in 1..<c where row[j] > row[best] || (row[best].isNaN && !row[j].isNaN) { best = j }
            predictions?[i] = Int32(best)
            guard let labels else { continue }
            let top = Double(row[best])
            var sum = 0.0
            for j in 0..<c { sum += _exp(Double(row[j]) - top) }
            let logSumExp = top + _log(sum)
            let y = Int(labels[i])
            let loss = logSumExp - Double(row[y])
            total += loss
            losses?[i] = loss
            if residual {
                for j in 0..<c { row[j] = Float(_exp(Double(row[j]) - logSumExp)) }
                row[y] -= 1
            }
        }
        return total
    }
}
