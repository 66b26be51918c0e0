@testable import FlipKit
import Testing

@Suite struct ClientSamplingTests {
    static func server(workers: Int = 20, attackers: Set<Int> = [], sampling: ClientSampling?, rule: AggregationRule = .mean,
                       seed: UInt64 = 1) throws -> ParameterServer {
        let (x, y, shards) = try ParameterServerTests.setup(workers: workers, perWorker: 6)
        return try ParameterServer(model: try Model.softmax(inputs: 4, classes: 3), features: x, labels: y, shards: shards,
                                   attackers: attackers, batchSize: 4, aggregator: try Aggregator(rule: rule),
                                   optimizer: try Optimizer(.sgd(momentum: 0), learningRate: 0.1), sampling: sampling,
                                   generator: Generator(seed: seed))
    }

    static func sets(_ server: ParameterServer, rounds: Int) throws -> [[Int]] {
        try (0..<rounds).map { _ in try server.round(policy: nil).workers }
    }

    @Test func theSampledSetsAreRecordedAndReproducibleBySeed() throws {
        let a = try Self.sets(Self.server(sampling: ClientSampling(perRound: 5)), rounds: 10)
        let b = try Self.sets(Self.server(sampling: ClientSampling(perRound: 5)), rounds: 10)
        let c = try Self.sets(Self.server(sampling: ClientSampling(perRound: 5), seed: 2), rounds: 10)
        #expect(a == b && a != c)
        #expect(a.allSatisfy { $0.count == 5 && Set($0).count == 5 && $0 == $0.sorted() && $0.allSatisfy { (0..<20).contains($0) } })
        let record = try Self.server(sampling: ClientSampling(perRound: 5)).round(policy: nil)
        #expect(record.sampled && record.workerNorms.count == 5)
        #expect(try !Self.server(sampling: nil).round(policy: nil).sampled)
    }

    @Test func modelsAgreeBitForBitUnderTheSameSeed() throws {
        let (a, b) = (try Self.server(sampling: ClientSampling(perRound: 7)), try Self.server(sampling: ClientSampling(perRound: 7)))
        for _ in 0..<5 { _ = try a.round(policy: nil); _ = try b.round(policy: nil) }
        #expect(a.model.parameters.floatValues == b.model.parameters.floatValues)
    }

    /// Each of 10 workers is drawn 3 times in 10 over 3000 rounds: 900 expected. The
    /// chi-square statistic with 9 degrees of freedom exceeds 27.88 with probability 0.001.
    @Test func everyWorkerIsDrawnEquallyOften() throws {
        let sampling = ClientSampling(perRound: 3)
        let generator = Generator(seed: 5)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<3000 {
            for w in try sampling.draw(workers: 10, attackers: [], honest: [], generator: generator) { counts[w] += 1 }
        }
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - 900) * (Double($1) - 900) / 900 }
        #expect(chiSquare < 27.88)
        // A sampler that favoured low workers would fail: 1000 draws of worker 0 is far out.
        var skewed = counts
        skewed[0] += 300
        skewed[9] -= 300
        #expect(skewed.reduce(0.0) { $0 + (Double($1) - 900) * (Double($1) - 900) / 900 } > 27.88)
    }

    @Test func aFixedNumberOfAttackersTakesPartInEveryRound() throws {
        let sampling = ClientSampling(perRound: 4, attackersPerRound: 1)
        let attackers = [2, 5, 7], honest = [0, 1, 3, 4, 6, 8, 9]
        let generator = Generator(seed: 3)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<2100 {
            let set = try sampling.draw(workers: 10, attackers: attackers, honest: honest, generator: generator)
            #expect(set.filter(attackers.contains).count == 1 && Set(set).count == 4)
            for w in set { counts[w] += 1 }
        }
        // Attackers: 700 expected each; honest workers: 2100·3/7 = 900 each; 9 degrees of freedom.
        let chiSquare = counts.enumerated().reduce(0.0) { sum, entry in
            let expected = attackers.contains(entry.offset) ? 700.0 : 900.0
            return sum + (Double(entry.element) - expected) * (Double(entry.element) - expected) / expected
        }
        #expect(chiSquare < 27.88)
        let record = try Self.server(attackers: [2, 5, 7], sampling: sampling).round(policy: nil)
        #expect(record.attackers.count == 1 && record.workers.contains(record.attackers[0]))
    }

    @Test func theRuleIsSizedToTheSampleAndKrumNamesWorkers() throws {
        #expect(throws: FlipError("Krum with f = 1 needs n > 2f + 2 workers, got n = 4")) {
            try Self.server(sampling: ClientSampling(perRound: 4), rule: .krum(f: 1))
        }
        let record = try Self.server(sampling: ClientSampling(perRound: 6), rule: .krum(f: 1)).round(policy: nil)
        let chosen = try #require(record.aggregate.selectedWorkers)
        #expect(chosen.count == 1 && record.workers.contains(chosen[0]))
    }

    @Test func badSamplingIsRefused() {
        #expect(throws: FlipError("client sampling needs 1 <= m <= 20 workers per round, got m = 21")) {
            try Self.server(sampling: ClientSampling(perRound: 21))
        }
        #expect(throws: FlipError.self) { try Self.server(sampling: ClientSampling(perRound: 0)) }
        #expect(throws: FlipError("client sampling needs 0 <= attackers per round <= min(2 attackers, m = 5), got 3")) {
            try Self.server(attackers: [0, 1], sampling: ClientSampling(perRound: 5, attackersPerRound: 3))
        }
        #expect(throws: FlipError("client sampling of m = 3 with 0 attackers needs 3 honest workers, there are 2")) {
            try Self.server(workers: 4, attackers: [0, 1], sampling: ClientSampling(perRound: 3, attackersPerRound: 0))
        }
    }
}
