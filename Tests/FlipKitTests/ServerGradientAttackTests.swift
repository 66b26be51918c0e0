@testable import FlipKit
import Testing

@Suite struct ServerGradientAttackTests {
    static func server(_ attack: GradientAttack?, attackers: Set<Int> = [3], b: Double = 0) throws -> ParameterServer {
        let (x, y, shards) = try ParameterServerTests.setup()
        return try ParameterServer(model: try Model.softmax(inputs: 4, classes: 3), features: x, labels: y, shards: shards,
                                   attackers: attackers, batchSize: 1000, aggregator: try Aggregator(rule: .mean),
                                   optimizer: try Optimizer(.sgd(momentum: 0), learningRate: 0.1), budgetFraction: b,
                                   gradientAttack: attack, generator: Generator(seed: 1))
    }

    /// Sign flipping sends −μ: the mean of three honest μ and one −μ is μ/2.
    @Test func signFlippingHalvesTheMeanOfFourWorkers() throws {
        let attacked = try Self.server(.signFlip)
        let record = try attacked.round(policy: nil)
        #expect(record.gradientAttack == RoundRecord.GradientAttackReport(name: "sign flipping", scale: nil))
        #expect(record.flips == [0])
        let honestNorm = try GradientGeometry.rowNorms(record.aggregate.vector.reshaped([1, record.aggregate.vector.count]))[0] * 2
        #expect(abs(record.workerNorms[3] - honestNorm) < 1e-6 * honestNorm)
        #expect(abs(try #require(record.cosineToHonest) - 1) < 1e-6)
        #expect(abs(try #require(record.normRatio) - honestNorm / (record.workerNorms[0...2].reduce(0, +) / 3)) < 1e-9)
    }

    @Test func theRecordCarriesTheAttacksScale() throws {
        let record = try Self.server(.alie(z: 1.25)).round(policy: nil)
        #expect(record.gradientAttack?.name == "ALIE" && record.gradientAttack?.scale == 1.25)
    }

    /// The server keeps Mimic's choice across rounds: after the warm-up, one honest worker.
    @Test func mimicKeepsItsWorkerAfterTheWarmup() throws {
        let server = try Self.server(.mimic(warmup: 2))
        let copied = try (1...5).map { _ in try #require(try server.round(policy: nil).gradientAttack?.copied) }
        #expect(copied.allSatisfy { [0, 1, 2].contains($0) })
        #expect(Set(copied[1...]).count == 1 && server.mimic?.fixedWorker == copied[1])
    }

    /// A round that fails after the attackers chose leaves their warm-up where it was.
    @Test func aFailedRoundLeavesMimicsWarmupAsItWas() throws {
        let server = try Self.server(.mimic(warmup: 1))
        #expect(throws: FlipError("refused")) { try server.round(policy: nil) { _ in throw FlipError("refused") } }
        #expect(server.mimic?.state.warmupRounds == 0 && server.mimic?.fixedWorker == nil)
        _ = try server.round(policy: nil)
        #expect(server.mimic?.state.warmupRounds == 1 && server.mimic?.fixedWorker != nil)
    }

    @Test func labelFlippingAndAGradientAttackExcludeEachOther() throws {
        #expect(throws: FlipError("attackers either flip labels (b > 0) or send a gradient attack's messages, not both")) {
            try Self.server(.ipm(epsilon: 0.1), b: 0.5)
        }
        #expect(throws: FlipError("the attackers send a gradient attack's messages: a round takes no flip policy")) {
            try Self.server(.ipm(epsilon: 0.1)).round { _ in (FlipSet(rows: [], labels: []), nil) }
        }
        #expect(throws: FlipError("Mimic needs at least one honest worker in the round")) {
            try Self.server(.mimic(warmup: 1), attackers: [0, 1, 2, 3]).round(policy: nil)
        }
    }
}
