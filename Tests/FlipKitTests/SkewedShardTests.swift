@testable import FlipKit
import Testing

@Suite struct SkewedShardTests {
    /// 10 classes of 100 rows, 50 workers with 2 pieces of 10 rows each: every piece is one
    /// class, so every worker holds at most two classes and all 1000 rows are dealt once.
    @Test func shardsByClassGiveEachWorkerItsPiecesOfSortedLabels() throws {
        let labels = try Tensor(int32: (0..<1000).map { Int32($0 % 10) })
        let plan = try Shards.byClass(labels: labels, workers: 50, perWorker: 2, generator: Generator(seed: 1))
        #expect(plan.count == 50 && plan.allSatisfy { $0.count == 20 })
        #expect(Set(plan.flatMap { $0 }).count == 1000)
        #expect(plan.allSatisfy { shard in Set(shard.map { labels.int32s[Int($0)] }).count <= 2 })
        #expect(plan == (try Shards.byClass(labels: labels, workers: 50, perWorker: 2, generator: Generator(seed: 1))))
        #expect(plan != (try Shards.byClass(labels: labels, workers: 50, perWorker: 2, generator: Generator(seed: 2))))
        // 1003 rows, 100 pieces of 10: the last 3 rows of the sorted order are left out.
        let odd = try Shards.byClass(labels: try Tensor(int32: (0..<1003).map { Int32($0 % 10) }), workers: 50, perWorker: 2, generator: Generator(seed: 1))
        #expect(odd.flatMap { $0 }.count == 1000)
        #expect(throws: FlipError("10 rows cannot give 6 workers 2 non-empty pieces each")) {
            try Shards.byClass(labels: try Tensor(int32: [Int32](repeating: 0, count: 10)), workers: 6, perWorker: 2, generator: Generator(seed: 1))
        }
    }

    @Test func quantitySkewDealsEveryRowInUnequalNonEmptyShares() throws {
        let plan = try Shards.quantitySkew(rows: 1000, workers: 20, alpha: 0.3, generator: Generator(seed: 4))
        let sizes = plan.map(\.count)
        #expect(sizes.allSatisfy { $0 >= 1 } && sizes.reduce(0, +) == 1000)
        #expect(Set(plan.flatMap { $0 }).count == 1000)
        #expect(sizes.max()! > 4 * sizes.min()!)
        // A large α is close to equal shares of 50.
        let even = try Shards.quantitySkew(rows: 1000, workers: 20, alpha: 1000, generator: Generator(seed: 4)).map(\.count)
        #expect(even.allSatisfy { abs($0 - 50) <= 10 })
        #expect(throws: FlipError("alpha must be a positive number, got 0")) {
            try Shards.quantitySkew(rows: 10, workers: 2, alpha: 0, generator: Generator(seed: 1))
        }
        #expect(throws: FlipError.self) { try Shards.quantitySkew(rows: 3, workers: 4, alpha: 1, generator: Generator(seed: 1)) }
    }
}
