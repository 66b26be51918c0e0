/// Heterogeneous shards beside iid and Dirichlet label skew.
extension Shards {
    /// McMahan et al.'s (2017) pathological split: the rows sorted by label (stably), cut
    /// into workers·perWorker pieces of ⌊n / (workers·perWorker)⌋ rows, each worker dealt
    /// `perWorker` random pieces; the last n mod (workers·perWorker) rows belong to no shard.
    /// With perWorker = 2 most workers hold two classes.
    public static func byClass(labels: Tensor, workers: Int, perWorker: Int, generator: Generator) throws -> [[Int32]] {
        guard workers >= 1 else { throw FlipError("workers must be at least 1, got \(workers)") }
        guard perWorker >= 1 else { throw FlipError("pieces per worker must be at least 1, got \(perWorker)") }
        try labels.requireDType(.int32, "labels")
        let n = labels.count
        let (pieces, overflow) = workers.multipliedReportingOverflow(by: perWorker)
        guard !overflow, pieces <= n else { throw FlipError("\(n) rows cannot give \(workers) workers \(perWorker) non-empty pieces each") }
        guard n <= Generator.maxPermutation else { throw FlipError("\(n) rows exceed the \(Generator.maxPermutation) a shard plan handles") }
        let y = Array(labels.int32s)
        let indices: [Int] = (0..<n).sorted { (a: Int, b: Int) -> Bool in y[a] != y[b] ? y[a] < y[b] : a < b }
        let sorted = indices.map { Int32($0) }
        let size = n / pieces
        let deal = generator.permutation(pieces)
        return (0..<workers).map { w in
            (0..<perWorker).flatMap { k -> ArraySlice<Int32> in
                let piece = Int(deal[w * perWorker + k])
                return sorted[(piece * size)..<((piece + 1) * size)]
            }
        }
    }

    /// Quantity skew: a random order of the rows dealt out in shares p ~ Dirichlet(α, ..., α)
    /// over the workers, after one row each so that no shard is empty. All n rows are dealt.
    public static func quantitySkew(rows n: Int, workers: Int, alpha: Double, generator: Generator) throws -> [[Int32]] {
        guard workers >= 1 else { throw FlipError("workers must be at least 1, got \(workers)") }
        guard alpha.isFinite, alpha > 0 else { throw FlipError("alpha must be a positive number, got \(formatNumber(alpha))") }
        guard n >= workers else { throw FlipError("\(n) rows cannot give \(workers) non-empty shards") }
        guard n <= Generator.maxPermutation else { throw FlipError("\(n) rows exceed the \(Generator.maxPermutation) a shard plan handles") }
        let order = generator.permutation(n)
        let p = generator.dirichlet(alpha: alpha, count: workers)
        let rest = n - workers
        var cumulative = 0.0
        var start = workers
        return (0..<workers).map { w in
            cumulative += p[w]
            let end = w == workers - 1 ? n : min(n, workers + Int((cumulative * Double(rest)).rounded()))
            let share = [order[w]] + Array(order[start..<max(start, end)])
            start = max(start, end)
            return share
        }
    }
}
