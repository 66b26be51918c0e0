@testable import FlipKit
import Testing

@Suite struct DefenseRuleTests {
    /// n = 7, f = 1: θ = 5, β = 3. Krum (4 neighbours) first picks 2 (score 1+1+4+4), then
    /// among the rest (3 neighbours) 1 (14, tied with 3, lower worker), then 3 (2
    /// neighbours: 1+9), then 0 (one neighbour: 16, tied with 4), and last, with no
    /// neighbours left to score, the lowest worker: here 4, with the outliers first 100.
    /// The chosen values' median is 2 and the three closest to it, 1, 2, 3, average to 2.
    @Test func bulyanChoosesByKrumThenTrimsAroundTheMedian() throws {
        let clean = try aggregate(.bulyan(f: 1), [[0], [1], [2], [3], [4], [100], [-100]])
        #expect(clean.vector.floatValues == [2] && clean.selectedWorkers == [2, 1, 3, 0, 4])
        let first = try aggregate(.bulyan(f: 1), [[100], [-100], [0], [1], [2], [3], [4]])
        #expect(first.vector.floatValues == [2] && first.selectedWorkers == [4, 3, 5, 2, 0])
    }

    /// Per coordinate: chosen θ = 3 of n = 3 (f = 0), β = 3: the plain mean.
    @Test func bulyanWithoutFaultsIsTheMean() throws {
        let result = try aggregate(.bulyan(f: 0), [[0, 3], [3, 6], [6, 0]])
        #expect(result.vector.floatValues == [3, 3])
    }

    @Test func bulyanNeedsFourFPlusThreeWorkers() {
        #expect(throws: FlipError("Bulyan with f = 1 needs n >= 4f + 3 workers, got n = 6")) {
            try aggregate(.bulyan(f: 1), [[0], [1], [2], [3], [4], [5]])
        }
        #expect(throws: FlipError("Bulyan needs f >= 0, got f = -1")) { try Aggregator(rule: .bulyan(f: -1)) }
    }
}

@Suite struct AdaptiveClippingTests {
    /// n = 5, f = 1: k = ⌊2·(1/5)·4⌋ = 1: the largest message, norm 10, is clipped to the
    /// next largest norm, 5; the others are left alone.
    @Test func theLargestMessagesAreClippedToTheNextNorm() throws {
        let out = try PreAggregation.adaptiveClipping(f: 1).apply(to: messages([[3, 4], [0, 1], [6, 8], [0, 2], [1, 0]]))
        #expect(out.floatValues == [3, 4, 0, 1, 3, 4, 0, 2, 1, 0])
    }

    /// n = 10, f = 3: k = ⌊2·0.3·7⌋ = 4: norms 10..7 are clipped to 6.
    @Test func kGrowsWithTheFractionOfFaults() throws {
        let rows: [[Float]] = (1...10).map { [Float($0)] }
        let out = try PreAggregation.adaptiveClipping(f: 3).apply(to: messages(rows)).floatValues
        #expect(out == [1, 2, 3, 4, 5, 6, 6, 6, 6, 6])
        #expect(try PreAggregation.adaptiveClipping(f: 0).apply(to: messages(rows)).floatValues == rows.map { $0[0] })
        #expect(throws: FlipError("adaptive robust clipping with f = 10 needs n > f workers, got n = 10")) {
            try PreAggregation.adaptiveClipping(f: 10).apply(to: messages(rows))
        }
    }
}

@Suite struct FLTrustTests {
    /// g₀ = (1, 0). (2, 0): cos 1, rescaled to (1, 0). (0, 3): cos 0. (−1, 0): cos −1 → 0.
    /// (1, 1): cos 1/√2, rescaled to (1/√2, 1/√2). The aggregate is
    /// ((1, 0) + (1/√2)·(1/√2, 1/√2)) / (1 + 1/√2) = (1.5, 0.5) / (1 + 1/√2).
    @Test func trustIsTheClippedCosineToTheServersUpdate() throws {
        let result = try Aggregator(rule: .flTrust).aggregate(messages([[2, 0], [0, 3], [-1, 0], [1, 1]]), reference: try Tensor([1, 0]))
        let total = 1 + 1 / 2.0.squareRoot()
        #expect(abs(Double(result.vector.floatValues[0]) - 1.5 / total) < 1e-6)
        #expect(abs(Double(result.vector.floatValues[1]) - 0.5 / total) < 1e-6)
        let weights = try #require(result.weights)
        #expect(abs(weights[0] - 1 / total) < 1e-12 && weights[1] == 0 && weights[2] == 0)
        #expect(abs(weights[3] - (1 / 2.0.squareRoot()) / total) < 1e-12)
    }

    @Test func withoutTrustTheAggregateIsZero() throws {
        let result = try Aggregator(rule: .flTrust).aggregate(messages([[-1, 0], [0, 0]]), reference: try Tensor([1, 0]))
        #expect(result.vector.floatValues == [0, 0] && result.weights == [0, 0])
        #expect(throws: FlipError("FLTrust needs the server's update on its root dataset as the reference vector")) {
            try Aggregator(rule: .flTrust).aggregate(messages([[1, 0]]))
        }
    }

    /// Sign-flipping attackers send −μ, cosine −1 to a root update along μ: weight 0, and the
    /// record counts them excluded; the honest workers are all kept.
    @Test func theServerComputesItsRootUpdateAndTheRecordSaysWhomItExcluded() throws {
        let (x, y, shards) = try ParameterServerTests.setup()
        func server(root: Tensor?, rule: AggregationRule = .flTrust) throws -> ParameterServer {
            try ParameterServer(model: try Model.softmax(inputs: 4, classes: 3), features: x, labels: y, shards: shards, attackers: [3],
                                batchSize: 1000, aggregator: try Aggregator(rule: rule), optimizer: try Optimizer(.sgd(momentum: 0), learningRate: 0.1),
                                gradientAttack: .signFlip, root: root, generator: Generator(seed: 1))
        }
        let record = try server(root: try Tensor(int32: (0..<120).map { Int32($0) })).round(policy: nil)
        #expect(record.detection == RoundRecord.Detection(excluded: [3], truePositiveRate: 1, falsePositiveRate: 0))
        #expect(throws: FlipError("FLTrust needs the server's root dataset (its rows)")) { try server(root: nil) }
        #expect(throws: FlipError("a root dataset is used by FLTrust only, the rule is mean")) { try server(root: try Tensor(int32: [0]), rule: .mean) }
        let krum = try server(root: nil, rule: .krum(f: 0)).round(policy: nil)
        #expect(krum.detection?.excluded.count == 3)
        #expect(try server(root: nil, rule: .median).round(policy: nil).detection == nil)
    }
}

@Suite struct FoolsGoldTests {
    /// H = (1,0,0), (1,0,0), (0,1,0), (1,0,1). cs₀₁ = 1, cs₀₃ = cs₁₃ = 1/√2, the rest 0;
    /// v = (1, 1, 0, 1/√2). Pardoning scales cs₃₀ and cs₃₁ by v₃/v₀: 1/2. α = 1 − max_j cs:
    /// (0, 0, 1, 1/2); the largest is 1, replaced by 0.99, whose logit + 0.5 clips to 1;
    /// 1/2 gives ln 1 + 0.5 = 0.5; 0 stays 0.
    @Test func weightsFollowFungEtAlsAlgorithm() {
        let alpha = FoolsGold.weights([[1, 0, 0], [1, 0, 0], [0, 1, 0], [1, 0, 1]], confidence: 1)
        #expect(alpha[0] == 0 && alpha[1] == 0 && alpha[2] == 1)
        #expect(abs(alpha[3] - 0.5) < 1e-12)
        #expect(FoolsGold.weights([[1, 0], [0, 1]], confidence: 1) == [1, 1])
        // One worker, or a zero history, resembles no one: α = 1.
        #expect(FoolsGold.weights([[0, 0]], confidence: 1) == [1])
    }

    /// The same histories built over two rounds: in round 1 workers 0, 1 and 3 send (1,0,0)
    /// and look alike (α = 0, 0, 1, 0); in round 2 only worker 3 moves, by (0,0,1).
    @Test func theStateIsEachWorkersSummedHistory() throws {
        let state = FoolsGold(confidence: 1)
        let first = state.propose(workers: [0, 1, 2, 3], blocks: [[1, 0, 0], [1, 0, 0], [0, 1, 0], [1, 0, 0]])
        #expect(first.alpha == [0, 0, 1, 0])
        state.commit(first.histories)
        let second = state.propose(workers: [0, 1, 2, 3], blocks: [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 1]])
        #expect(second.alpha[2] == 1 && abs(second.alpha[3] - 0.5) < 1e-12)
        let aggregate = try Aggregator(rule: .foolsGold(confidence: 1))
            .aggregate(messages([[2, 0], [2, 0], [0, 4], [4, 4]]), alpha: second.alpha)
        // (1/4)·(1·(0, 4) + 0.5·(4, 4)) = (0.5, 1.5).
        #expect(aggregate.vector.floatValues == [0.5, 1.5] && aggregate.weights == second.alpha)
        #expect(throws: FlipError.self) { try Aggregator(rule: .foolsGold(confidence: 1)).aggregate(messages([[1, 0]])) }
    }

    /// Sybils sending the same reversed mean every round: after the first round FoolsGold
    /// gives them α = 0 and the record counts them excluded.
    @Test func inAServerSybilsAreWeightedOut() throws {
        let (x, y, shards) = try ParameterServerTests.setup(workers: 6, perWorker: 20)
        let server = try ParameterServer(model: try Model.softmax(inputs: 4, classes: 3), features: x, labels: y, shards: shards,
                                         attackers: [4, 5], batchSize: 5, aggregator: try Aggregator(rule: .foolsGold(confidence: 1)),
                                         optimizer: try Optimizer(.sgd(momentum: 0), learningRate: 0.1),
                                         gradientAttack: .signFlip, generator: Generator(seed: 1))
        let records = try (0..<3).map { _ in try server.round(policy: nil) }
        for record in records {
            #expect(record.aggregate.weights?[4] == 0 && record.aggregate.weights?[5] == 0)
            #expect(record.detection?.truePositiveRate == 1)
        }
    }
}
