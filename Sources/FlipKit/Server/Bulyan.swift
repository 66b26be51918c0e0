/// Bulyan (El Mhamdi et al., 2018): θ = n − 2f messages chosen one by one by Krum on those
/// still left, then per coordinate the mean of the β = θ − 2f chosen values closest to
/// their median.
enum Bulyan {
    /// Writes the aggregate and returns the chosen workers in the order Krum chose them.
    static func aggregate(_ messages: MessageMatrix, f: Int, into out: UnsafeMutablePointer<Float>) -> [Int] {
        let (n, p) = (messages.workers, messages.parameters)
        let table = Distances.pairwiseSquared(messages)
        var left = Array(0..<n)
        var chosen: [Int] = []
        for _ in 0..<(n - 2 * f) {
            // Krum on the workers left: each scored by its r − f − 2 nearest others among them.
            let neighbours = max(0, left.count - f - 2)
            let scores = left.map { i in
                left.filter { $0 != i }.map { table[i * n + $0] }.sorted().prefix(neighbours).reduce(0, +)
            }
            var best = 0
            for k in 1..<left.count where scores[k] < scores[best] { best = k }
            chosen.append(left.remove(at: best))
        }
        let beta = chosen.count - 2 * f
        var column = [Float](repeating: 0, count: chosen.count)
        for j in 0..<p {
            for (k, i) in chosen.enumerated() { column[k] = messages.row(i)[j] }
            column.sort()
            let middle = column.count / 2
            let median = column.count % 2 == 1 ? Double(column[middle])
                : (Double(column[middle - 1]) + Double(column[middle])) / 2
            let closest = column.sorted { a, b in
                let (da, db) = (abs(Double(a) - median), abs(Double(b) - median))
                return da != db ? da < db : a < b
            }.prefix(beta)
            out[j] = Float(closest.reduce(0.0) { $0 + Double($1) } / Double(beta))
        }
        return chosen
    }
}
