/// FLTrust (Cao et al., 2021): the server's own update g₀, computed on its root dataset,
/// scores each message by TS_i = ReLU(cos(g_i, g₀)) and rescales it to ‖g₀‖; the
/// aggregate is Σ TS_i·(‖g₀‖/‖g_i‖)·g_i / Σ TS_i, zero when no message is trusted.
enum FLTrust {
    /// Writes the aggregate; returns each message's weight TS_i / Σ TS (all 0 when Σ TS = 0).
    static func aggregate(_ messages: MessageMatrix, server: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) -> [Double] {
        let (n, p) = (messages.workers, messages.parameters)
        let zero = [Float](repeating: 0, count: p)
        let serverNorm = zero.withUnsafeBufferPointer { Distances.squared(server, $0.baseAddress!, count: p) }.squareRoot()
        var trust = [Double](repeating: 0, count: n)
        var norms = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let x = messages.row(i)
            var dot = 0.0
            for j in 0..<p { dot += Double(x[j]) * Double(server[j]) }
            norms[i] = zero.withUnsafeBufferPointer { Distances.squared(x, $0.baseAddress!, count: p) }.squareRoot()
            if norms[i] > 0 && serverNorm > 0 { trust[i] = max(0, dot / (norms[i] * serverNorm)) }
        }
        let total = trust.reduce(0, +)
        var sum = [Double](repeating: 0, count: p)
        if total > 0 {
            for i in 0..<n where trust[i] > 0 {
                let (x, scale) = (messages.row(i), trust[i] * serverNorm / norms[i])
                for j in 0..<p { sum[j] += scale * Double(x[j]) }
            }
        }
        for j in 0..<p { out[j] = Float(total > 0 ? sum[j] / total : 0) }
        return total > 0 ? trust.map { $0 / total } : trust
    }
}
