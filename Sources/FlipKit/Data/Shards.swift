/// Worker shards and splits: lists of dataset rows (0-based), never copies of
/// the data. A shard of a dataset is that dataset plus the rows it owns.
public enum Shards {
    /// `workers` disjoint shards of exactly ⌊n / workers⌋ random rows each; the
    /// remaining n mod workers rows belong to no shard.
    public static func iid(rows n: Int, workers: Int, generator: Generator) throws -> [[Int32]] {
        guard workers >= 1 else { throw FlipError("workers must be at least 1, got \(workers)") }
        guard n >= workers else { throw FlipError("\(n) rows cannot give \(workers) non-empty shards") }
        guard n <= Generator.maxPermutation else { throw FlipError("\(n) rows exceed the \(Generator.maxPermutation) a shard plan handles") }
        let order = generator.permutation(n)
        let size = n / workers
        return (0..<workers).map { w in Array(order[(w * size)..<((w + 1) * size)]) }
    }

    /// Label skew: for each class, proportions p ~ Dirichlet(α, ..., α) over the
    /// workers split that class's rows. Small α gives workers few classes each.
    public static func dirichlet(labels: Tensor, classes: Int, workers: Int, alpha: Double, generator: Generator) throws -> [[Int32]] {
        guard workers >= 1 else { throw FlipError("workers must be at least 1, got \(workers)") }
        guard alpha.isFinite, alpha > 0 else { throw FlipError("alpha must be a positive number, got \(alpha)") }
        try labels.requireDType(.int32, "labels")
        var byClass = [[Int32]](repeating: [], count: classes)
        for (i, y) in labels.int32s.enumerated() {
            guard y >= 0, Int(y) < classes else { throw FlipError("label \(y) at row \(i + 1) is outside 0..\(classes - 1)") }
            byClass[Int(y)].append(Int32(i))
        }
        var shards = [[Int32]](repeating: [], count: workers)
        for var members in byClass where !members.isEmpty {
            generator.shuffle(&members)
            let p = generator.dirichlet(alpha: alpha, count: workers)
            var cumulative = 0.0
            var start = 0
            for w in 0..<workers {
                cumulative += p[w]
                let end = w == workers - 1 ? members.count : min(members.count, Int((cumulative * Double(members.count)).rounded()))
                if end > start { shards[w] += members[start..<end] }
                start = max(start, end)
            }
        }
        for w in 0..<workers { generator.shuffle(&shards[w]) }
        return shards
    }

    /// A seeded split into (first, second) with ⌊fraction · n⌋ rows in the second.
    public static func split(rows n: Int, fraction: Double, generator: Generator) throws -> (first: [Int32], second: [Int32]) {
        let k = try Budget.floorFraction(fraction, of: n)
        guard n <= Generator.maxPermutation else { throw FlipError("\(n) rows exceed the \(Generator.maxPermutation) a split handles") }
        let order = generator.permutation(n)
        return (Array(order[k...]).sorted(), Array(order[..<k]).sorted())
    }
}
