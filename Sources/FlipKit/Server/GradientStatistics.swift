/// Per-coordinate statistics of honest messages and the feasibility tests of Min-Max and
/// Min-Sum, the quantities the gradient attacks are built from. Accumulated in double.
enum GradientStatistics {
    /// The sample standard deviation (divisor h − 1); zeros for a single message.
    static func std(_ rows: MessageMatrix, mean: [Double]) -> [Double] {
        guard rows.workers > 1 else { return [Double](repeating: 0, count: rows.parameters) }
        var sum = [Double](repeating: 0, count: rows.parameters)
        for i in 0..<rows.workers {
            let x = rows.row(i)
            for j in 0..<rows.parameters {
                let d = Double(x[j]) - mean[j]
                sum[j] += d * d
            }
        }
        return sum.map { ($0 / Double(rows.workers - 1)).squareRoot() }
    }

    static func perturbation(_ kind: GradientAttack.Perturbation, _ rows: MessageMatrix, mean: [Double]) -> [Double] {
        switch kind {
        case .unit:
            let norm = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm == 0 ? mean.map { _ in 0 } : mean.map { -$0 / norm }
        case .std:
            return std(rows, mean: mean).map { -$0 }
        case .sign:
            return mean.map { $0 > 0 ? -1 : ($0 < 0 ? 1 : 0) }
        }
    }

    /// Min-Max: the candidate's largest squared distance to an honest message is at most
    /// the largest squared distance between two honest messages.
    static func minMaxCondition(_ rows: MessageMatrix) -> ([Double]) -> Bool {
        let table = Distances.pairwiseSquared(rows)
        let bound = table.max() ?? 0
        return { candidate in
            candidate.withUnsafeBufferPointer { c in
                (0..<rows.workers).allSatisfy { Distances.squared(rows.row($0), c.baseAddress!, count: rows.parameters) <= bound }
            }
        }
    }

    /// Min-Sum: the candidate's sum of squared distances to the honest messages is at most
    /// the largest such sum of an honest message.
    static func minSumCondition(_ rows: MessageMatrix) -> ([Double]) -> Bool {
        let n = rows.workers
        let table = Distances.pairwiseSquared(rows)
        let bound = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + table[i * n + $1] } }.max() ?? 0
        return { candidate in
            candidate.withUnsafeBufferPointer { c in
                (0..<n).reduce(0.0) { $0 + Distances.squared(rows.row($1), c.baseAddress!, count: rows.parameters) } <= bound
            }
        }
    }
}
