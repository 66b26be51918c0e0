@testable import FlipKit
import Testing

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
