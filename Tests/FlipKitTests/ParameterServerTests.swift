@testable import FlipKit
import Testing

@Suite struct ParameterServerTests {
    /// 3-class blobs, split into `workers` equal contiguous shards.
    static func setup(workers: Int = 4, perWorker: Int = 30) throws -> (Tensor, Tensor, [Tensor]) {
        let (x, y) = try TrainingTests.blobs(seed: 3, n: workers * perWorker)
        let shards = try (0..<workers).map { w in try Tensor(int32: (0..<perWorker).map { Int32(w * perWorker + $0) }) }
        return (x, y, shards)
    }

    static func server(_ model: Model, _ x: Tensor, _ y: Tensor, _ shards: [Tensor], rule: AggregationRule = .mean,
                       kind: ParameterServer.MessageKind = .gradient, lr: Double = 0.1, attackers: Set<Int> = [],
                       b: Double = 0, omniscient: Bool = true, batch: Int = 1000) throws -> ParameterServer {
        try ParameterServer(model: model, features: x, labels: y, shards: shards, attackers: attackers, batchSize: batch,
                            kind: kind, aggregator: try Aggregator(rule: rule), optimizer: try Optimizer(.sgd(momentum: 0), learningRate: lr),
                            budgetFraction: b, omniscient: omniscient, generator: Generator(seed: 1))
    }

    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.floatValues, b.floatValues).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func aMeanRoundIsOneSGDStepOnTheUnionOfTheBatches() throws {
        let (x, y, shards) = try ParameterServerTests.setup()
        let model = try Model.perceptron(inputs: 4, hidden: 5, classes: 3, generator: Generator(seed: 2))
        let reference = try model.clone()
        let server = try ParameterServerTests.server(model, x, y, shards)
        let record = try server.round(policy: nil)
        try Optimizer(.sgd(momentum: 0), learningRate: 0.1).step(model: reference, gradient: try reference.gradient(features: x, labels: y))
        #expect(ParameterServerTests.maxDifference(model.parameters, reference.parameters) < 1e-6)
        #expect(record.workerNorms.count == 4)
        #expect(record.normRatio == nil)
        #expect(abs(try #require(record.cosineToHonest) - 1) < 1e-6)
        #expect(record.status == "ok")
    }

    @Test func oneLocalStepIsAGradientStepScaledByTheLocalRate() throws {
        let (x, y, shards) = try ParameterServerTests.setup()
        let a = try Model.softmax(inputs: 4, classes: 3), b = try Model.softmax(inputs: 4, classes: 3)
        _ = try ParameterServerTests.server(a, x, y, shards, kind: .localUpdate(steps: 1, learningRate: 0.05), lr: 1).round(policy: nil)
        _ = try ParameterServerTests.server(b, x, y, shards, lr: 0.05).round(policy: nil)
        #expect(ParameterServerTests.maxDifference(a.parameters, b.parameters) < 1e-6)
    }

    @Test func attackersFlipThroughThePolicyWithinTheirBudget() throws {
        let (x, y, shards) = try ParameterServerTests.setup()
        let model = try Model.softmax(inputs: 4, classes: 3)
        var requests: [ParameterServer.AttackRequest] = []
        let server = try ParameterServerTests.server(model, x, y, shards, attackers: [3], b: 0.5, batch: 10)
        let record = try server.round { request in
            requests.append(request)
            let rows = Array(request.controlled.int32Values.prefix(request.budget))
            return (FlipSet(rows: rows, labels: rows.map { (y.int32s[Int($0)] + 1) % 3 }), nil)
        }
        let request = try #require(requests.first)
        #expect(request.worker == 3 && request.budget == 5 && request.controlled.count == 10)
        #expect(request.controlled.int32Values.allSatisfy { $0 >= 90 })
        #expect(request.honestMean?.count == model.parameterCount)
        #expect(record.flips == [5])
        #expect(try #require(record.normRatio) > 0)
        #expect(try #require(record.cosineToHonest) < 1)
    }

    @Test func anAttackerControlsItsShareOfTheBatch() throws {
        let (x, y, shards) = try ParameterServerTests.setup()
        let model = try Model.softmax(inputs: 4, classes: 3)
        let server = try ParameterServer(model: model, features: x, labels: y, shards: shards, attackers: [3], batchSize: 10,
                                         aggregator: try Aggregator(rule: .mean), optimizer: try Optimizer(.sgd(momentum: 0), learningRate: 0.1),
                                         budgetFraction: 0.5, attackerShare: 0.4, generator: Generator(seed: 1))
        var seen: [ParameterServer.AttackRequest] = []
        _ = try server.round { request in
            seen.append(request)
            return (FlipSet(), nil)
        }
        let request = try #require(seen.first)
        #expect(request.controlled.count == 4 && request.budget == 2, "⌊0.4 · 10⌋ rows, ⌊0.5 · 4⌋ flips")
        #expect(request.controlled.int32Values.allSatisfy { (90..<120).contains($0) })
        #expect(throws: FlipError.self) {
            try ParameterServer(model: model, features: x, labels: y, shards: shards, attackers: [3], batchSize: 10,
                                aggregator: try Aggregator(rule: .mean), optimizer: try Optimizer(.sgd(momentum: 0), learningRate: 0.1),
                                attackerShare: 0, generator: Generator(seed: 1))
        }
    }

    @Test func theThreatModelIsEnforcedAndNothingIsApplied() throws {
        let (x, y, shards) = try ParameterServerTests.setup()
        let model = try Model.softmax(inputs: 4, classes: 3)
        let server = try ParameterServerTests.server(model, x, y, shards, attackers: [0], b: 0.2, omniscient: false, batch: 10)
        #expect(throws: FlipError.self) { try server.round { _ in (FlipSet(rows: [119], labels: [0]), nil) } }
        #expect(model.parameters.floatValues.allSatisfy { $0 == 0 })
        #expect(server.rounds == 0)
        _ = try server.round { request in
            #expect(request.honestMean == nil)
            return (FlipSet(), nil)
        }
    }

    @Test func aCustomRuleReplacesTheRuleAfterTheSteps() throws {
        let (x, y, shards) = try ParameterServerTests.setup()
        let a = try Model.softmax(inputs: 4, classes: 3), b = try Model.softmax(inputs: 4, classes: 3)
        _ = try ParameterServerTests.server(a, x, y, shards).round(policy: nil) { stack in
            try Aggregator(rule: .mean).aggregate(stack).vector
        }
        _ = try ParameterServerTests.server(b, x, y, shards).round(policy: nil)
        #expect(a.parameters.floatValues == b.parameters.floatValues)
        let server = try ParameterServerTests.server(a, x, y, shards)
        #expect(throws: FlipError.self) { try server.round(policy: nil) { _ in try Tensor(zeros: [3]) } }
        #expect(throws: FlipError.self) { try server.round(policy: nil) { _ in try Tensor([Float](repeating: .nan, count: 15)) } }
    }

    @Test func robustRulesRunInTheServer() throws {
        let (x, y, shards) = try ParameterServerTests.setup(workers: 7, perWorker: 20)
        for rule: AggregationRule in [.median, .trimmedMean(f: 2), .krum(f: 2), .multiKrum(f: 1, m: 3),
                                      .geometricMedian(tolerance: 1e-6, maxIterations: 100), .centeredClipping(tau: 1, iterations: 3)] {
            let model = try Model.softmax(inputs: 4, classes: 3)
            let record = try ParameterServerTests.server(model, x, y, shards, rule: rule).round(policy: nil)
            #expect(record.status == "ok", "\(rule)")
            #expect(!model.parameters.floatValues.allSatisfy { $0 == 0 }, "\(rule) moved the model")
        }
    }

    @Test func badConfigurationsAreErrors() throws {
        let (x, y, shards) = try ParameterServerTests.setup()
        let model = try Model.softmax(inputs: 4, classes: 3)
        #expect(throws: FlipError.self) { try ParameterServerTests.server(model, x, y, shards, attackers: [4]) }
        #expect(throws: FlipError.self) { try ParameterServerTests.server(model, x, y, shards, rule: .krum(f: 1)) }
        #expect(throws: FlipError.self) { try ParameterServerTests.server(model, x, y, shards, b: 1.5) }
        #expect(throws: FlipError.self) { try ParameterServerTests.server(model, x, y, [try Tensor(int32: [])]) }
        #expect(throws: FlipError.self) { try ParameterServerTests.server(model, x, y, [try Tensor(int32: [500])]) }
        #expect(throws: FlipError.self) { try ParameterServerTests.server(model, x, y, shards, kind: .localUpdate(steps: 0, learningRate: 0.1)) }
    }
}
