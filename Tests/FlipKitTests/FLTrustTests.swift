@testable import FlipKit
import Testing

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
