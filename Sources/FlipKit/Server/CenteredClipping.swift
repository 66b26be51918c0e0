/// Centered clipping (Karimireddy et al., 2021).
enum CenteredClipping {
    /// Starts at `start` (the mean when nil) and runs v <- v + mean_i clip_tau(x_i - v), where
    /// clip_tau(d) = d * min(1, tau / ||d||). Stops early, converged, once an iteration
    /// changes no coordinate of the float32 result.
    static func run(
        _ messages: MessageMatrix, tau: Double, iterations: Int, start: UnsafePointer<Float>?,
        into out: UnsafeMutablePointer<Float>
    ) -> (iterations: Int, converged: Bool) {
        let (n, p) = (messages.workers, messages.parameters)
        var center: [Double]
        if let start {
            center = (0..<p).map { Double(start[$0]) }
        } else {
            center = CoordinateWise.meanInDouble(messages)
        }
        var step = [Double](repeating: 0, count: p)
        var used = 0
        var converged = false
        while used < iterations, !converged {
            used += 1
            for j in 0..<p { step[j] = 0 }
            for i in 0..<n {
                let x = messages.row(i)
                let distance = Distances.squared(x, center, count: p).squareRoot()
                let scale = distance > tau ? tau / distance : 1
                for j in 0..<p { step[j] += scale * (Double(x[j]) - center[j]) }
            }
            converged = true
            for j in 0..<p {
                let moved = center[j] + step[j] / Double(n)
                if Float(moved) != Float(center[j]) { converged = false }
                center[j] = moved
            }
        }
        for j in 0..<p { out[j] = Float(center[j]) }
        return (used, converged)
    }
}
