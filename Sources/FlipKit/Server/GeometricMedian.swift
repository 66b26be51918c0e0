/// The geometric median, argmin_z sum_i ||x_i - z||, by smoothed Weiszfeld iterations.
enum GeometricMedian {
    /// Starts at the mean; each iteration moves to sum_i w_i x_i / sum_i w_i with
    /// w_i = 1 / max(||x_i - z||, smoothing), so a message that coincides with the estimate
    /// cannot divide by zero. Returns the iterations run and whether the tolerance was met.
    static func weiszfeld(
        _ messages: MessageMatrix, tolerance: Double, maxIterations: Int, smoothing: Double,
        into out: UnsafeMutablePointer<Float>
    ) -> (iterations: Int, converged: Bool) {
        let (n, p) = (messages.workers, messages.parameters)
        var estimate = CoordinateWise.meanInDouble(messages)
        var next = [Double](repeating: 0, count: p)
        var weights = [Double](repeating: 0, count: n)
        var used = 0
        var converged = false
        while used < maxIterations, !converged {
            used += 1
            for i in 0..<n {
                let distance = Distances.squared(messages.row(i), estimate, count: p).squareRoot()
                weights[i] = 1 / max(distance, smoothing)
            }
            let totalWeight = weights.reduce(0, +)
            for j in 0..<p { next[j] = 0 }
            for i in 0..<n {
                let (x, w) = (messages.row(i), weights[i])
                for j in 0..<p { next[j] += w * Double(x[j]) }
            }
            var step = 0.0
            for j in 0..<p {
                next[j] /= totalWeight
                let d = next[j] - estimate[j]
                step += d * d
            }
            swap(&estimate, &next)
            converged = step.squareRoot() <= tolerance
        }
        for j in 0..<p { out[j] = Float(estimate[j]) }
        return (used, converged)
    }
}
