/// Krum and multi-Krum (Blanchard et al., 2017).
enum Krum {
    /// Each worker's score: the sum of squared distances to its n - f - 2 nearest other workers.
    static func scores(_ messages: MessageMatrix, f: Int) -> [Double] {
        let n = messages.workers
        let table = Distances.pairwiseSquared(messages)
        let neighbours = n - f - 2
        var others = [Double](repeating: 0, count: n - 1)
        return (0..<n).map { i in
            var k = 0
            for j in 0..<n where j != i {
                others[k] = table[i * n + j]
                k += 1
            }
            others.sort()
            var score = 0.0
            for nearest in others.prefix(neighbours) { score += nearest }
            return score
        }
    }

    /// Writes the average of the `m` lowest-scoring messages (for m = 1, that message
    /// itself) and returns their workers, lowest score first; ties go to the lower index.
    static func select(_ messages: MessageMatrix, f: Int, m: Int, into out: UnsafeMutablePointer<Float>) -> [Int] {
        let score = scores(messages, f: f)
        let chosen = Array((0..<messages.workers).sorted { a, b in
            score[a] != score[b] ? score[a] < score[b] : a < b
        }.prefix(m))
        let p = messages.parameters
        var sum = [Double](repeating: 0, count: p)
        for i in chosen {
            let x = messages.row(i)
            for j in 0..<p { sum[j] += Double(x[j]) }
        }
        for j in 0..<p { out[j] = Float(sum[j] / Double(m)) }
        return chosen
    }
}
