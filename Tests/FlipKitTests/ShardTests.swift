@testable import FlipKit
import Testing

@Suite struct ShardTests {
    @Test func iidShardsAreDisjointEqualAndSeeded() throws {
        let a = try Shards.iid(rows: 103, workers: 10, generator: Generator(seed: 1))
        let b = try Shards.iid(rows: 103, workers: 10, generator: Generator(seed: 1))
        #expect(a == b)
        #expect(a.allSatisfy { $0.count == 10 })
        #expect(Set(a.flatMap { $0 }).count == 100)
        #expect(throws: FlipError.self) { try Shards.iid(rows: 3, workers: 4, generator: Generator(seed: 1)) }
    }

    @Test func dirichletSkewsLabelsMoreForSmallAlpha() throws {
        let labels = try Tensor(int32: (0..<2000).map { Int32($0 % 10) })
        func skew(_ alpha: Double) throws -> Double {
            let shards = try Shards.dirichlet(labels: labels, classes: 10, workers: 10, alpha: alpha, generator: Generator(seed: 3))
            #expect(shards.reduce(0) { $0 + $1.count } == 2000)
            #expect(Set(shards.flatMap { $0 }).count == 2000)
            // Mean over workers of the share of its most common class.
            var total = 0.0
            var counted = 0
            for shard in shards where !shard.isEmpty {
                var counts = [Int](repeating: 0, count: 10)
                for row in shard { counts[Int(labels.int32s[Int(row)])] += 1 }
                total += Double(counts.max()!) / Double(shard.count)
                counted += 1
            }
            return total / Double(counted)
        }
        let skewed = try skew(0.1), even = try skew(100)
        #expect(skewed > 0.5)
        #expect(even < 0.25)
        #expect(throws: FlipError.self) { try Shards.dirichlet(labels: labels, classes: 10, workers: 2, alpha: 0, generator: Generator(seed: 1)) }
    }

    @Test func gammaDrawsHaveTheRightMean() {
        let g = Generator(seed: 11)
        for shape in [0.3, 1, 4.5] {
            let mean = (0..<20000).reduce(0.0) { acc, _ in acc + g.gamma(shape: shape) } / 20000
            #expect(abs(mean - shape) < 0.05 * max(shape, 1))
        }
    }

    @Test func splitsAreDisjointAndComplete() throws {
        let (rest, held) = try Shards.split(rows: 50, fraction: 0.2, generator: Generator(seed: 2))
        #expect(held.count == 10)
        #expect(Set(rest + held).count == 50)
    }
}
