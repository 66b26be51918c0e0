#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cross-entropy losses on logits, computed stably, and their gradient with
/// respect to the logits (the residual p − onehot(y)), written in place. The
/// loss (a log per row) is computed only when asked for: a gradient alone
/// needs one exponential per logit and nothing else.
enum CrossEntropy {
    /// What a pass over logits produces besides predictions.
    struct Outputs {
        /// Replace each logit by its residual.
        var residual = false
        /// Return the summed loss.
        var loss = false
        /// Per-row losses (implies computing them).
        var losses: UnsafeMutablePointer<Double>? = nil
        var predictions: UnsafeMutablePointer<Int32>? = nil

        var needsLoss: Bool { loss || losses != nil }
    }

    @inline(__always)
    static func sigmoid(_ z: Float) -> Float {
        let e = exponentialOfNonPositive(-abs(z))
        return z >= 0 ? 1 / (1 + e) : e / (1 + e)
    }

    /// For four rows, e = exp(−|z|) and the residual σ(z) − y: sigmoid's
    /// operations lane by lane, the same bits.
    @inline(__always)
    static func binaryResiduals(_ z: SIMD4<Float>, labels: UnsafePointer<Int32>) -> (residual: SIMD4<Float>, e: SIMD4<Float>) {
        let negativeMagnitude = unsafeBitCast(unsafeBitCast(z, to: SIMD4<UInt32>.self) | 0x8000_0000, to: SIMD4<Float>.self)
        let e = exponentialOfNonPositive(negativeMagnitude)
        let onePlus = 1 + e
        let p = (e / onePlus).replacing(with: 1 / onePlus, where: z .>= 0)
        let y = SIMD4<Float>(SIMD4<Int32>(labels[0], labels[1], labels[2], labels[3]))
        return (p - y, e)
    }

    /// Σ −log σ(±z) = softplus(z) − y·z over rows, added one row (or a group of
    /// four, a lane each) at a time from its logit z and e = exp(−|z|): the
    /// margins max(z, 0) − y·z summed, the (1 + e) ∈ [1, 2] multiplied, and
    /// their log taken once per 1e250 and at the end (as in softmax) instead of
    /// a log per row.
    struct BinaryLossSum {
        private var total = 0.0
        private var product = 1.0
        /// The same sums for rows added four at a time, one lane per row of a group.
        private var totals = SIMD4<Double>()
        private var products = SIMD4<Double>(repeating: 1)

        @inline(__always)
        mutating func add(z: Float, e: Float, label: Int32) {
            total += Double(max(z, 0)) - (label == 1 ? Double(z) : 0)
            product *= 1 + Double(e)
            if product > 1e250 {
                total += _log(product)
                product = 1
            }
        }

        /// Four rows at once, lane by lane the operations of `add(z:e:label:)`.
        @inline(__always)
        mutating func add(z: SIMD4<Float>, e: SIMD4<Float>, labels: UnsafePointer<Int32>) {
            let z = SIMD4<Double>(z)
            let positive = SIMD4<Int64>(Int64(labels[0]), Int64(labels[1]), Int64(labels[2]), Int64(labels[3])) .== 1
            totals += z.replacing(with: 0, where: z .< 0) - SIMD4<Double>().replacing(with: z, where: positive)
            products *= 1 + SIMD4<Double>(e)
            if any(products .> 1e250) {
                for i in 0..<4 where products[i] > 1e250 {
                    total += _log(products[i])
                    products[i] = 1
                }
            }
        }

        var value: Double {
            var sum = total + totals.sum()
            if product != 1 { sum += _log(product) }
            for i in 0..<4 where products[i] != 1 { sum += _log(products[i]) }
            return sum
        }
    }

    /// One logit per row (binary). Returns the summed loss −log σ(±z) if
    /// asked; the residual is σ(z) − y.
    static func binary(_ z: UnsafeMutablePointer<Float>, rows n: Int, labels: UnsafePointer<Int32>?, _ out: Outputs) -> Double {
        if let predictions = out.predictions {
            for i in 0..<n { predictions[i] = z[i] >= 0 ? 1 : 0 }
        }
        guard let labels else { return 0 }
        guard out.needsLoss else {
            if out.residual {
                for i in 0..<n { z[i] = sigmoid(z[i]) - Float(labels[i]) }
            }
            return 0
        }
        var sum = BinaryLossSum()
        var total = 0.0
        for i in 0..<n {
            let zi = z[i]
            let e = exponentialOfNonPositive(-abs(zi))
            if let losses = out.losses {
                let loss = Double(max(zi, 0)) + Double(log1pf(e)) - (labels[i] == 1 ? Double(zi) : 0)
                total += loss
                losses[i] = loss
            } else {
                sum.add(z: zi, e: e, label: labels[i])
            }
            if out.residual { z[i] = (zi >= 0 ? 1 / (1 + e) : e / (1 + e)) - Float(labels[i]) }
        }
        return total + sum.value
    }

    /// `classes` logits per row (softmax). The loss is log Σ exp(z − max) − (z_y − max);
    /// the residual softmax(z) − onehot(y). `labelLogits` holds n floats of scratch.
    static func softmax(_ z: UnsafeMutablePointer<Float>, rows n: Int, classes c: Int, labels: UnsafePointer<Int32>?,
                        _ out: Outputs, labelLogits: UnsafeMutablePointer<Float>) -> Double {
        if let predictions = out.predictions {
            for i in 0..<n {
                let row = z + i * c
                var best = 0
                for j in 1..<c where row[j] > row[best] || (row[best].isNaN && !row[j].isNaN) { best = j }
                predictions[i] = Int32(best)
            }
        }
        guard let labels, out.residual || out.needsLoss else { return 0 }
        for i in 0..<n {
            let row = z + i * c
            // A select, not a branch: the maximum of each row is unpredictable.
            var top = row[0]
            for j in 1..<c { top = row[j] > top ? row[j] : top }
            for j in 0..<c { row[j] -= top }
            labelLogits[i] = row[Int(labels[i])]
        }
        // One flat loop over the block, so that it vectorises.
        for k in 0..<n * c { z[k] = exponentialOfNonPositive(z[k]) }
        var total = 0.0
        // Without per-row losses, Σ log(sum) is the log of a product of sums
        // (each in [1, classes]), taken once per 1e250: one log per block.
        var product = 1.0
        for i in 0..<n {
            let row = z + i * c
            var sum: Float = 0
            for j in 0..<c { sum += row[j] }
            if let losses = out.losses {
                let loss = Double(logf(sum)) - Double(labelLogits[i])
                total += loss
                losses[i] = loss
            } else if out.loss {
                product *= Double(sum)
                total -= Double(labelLogits[i])
                if product > 1e250 {
                    total += _log(product)
                    product = 1
                }
            }
            if out.residual {
                let inverse = 1 / sum
                for j in 0..<c { row[j] *= inverse }
                row[Int(labels[i])] -= 1
            }
        }
        return total + _log(product)
    }
}
