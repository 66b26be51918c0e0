@testable import FlipKit
import Testing

@Suite struct PCADetectionTests {
    static let honest: [[Float]] = [[1, 1], [1, 1], [1.1, 1], [0.9, 1]]
    static let attackers: [[Float]] = [[-1, -1], [-1.2, -1]]

    /// Output layers of three neurons: `source` rows at neuron 1, the same row elsewhere.
    static func layers(_ source: [[Float]]) -> [[[Float]]] { source.map { [[0.5, 0.5], $0, [0.5, 0.5]] } }

    /// Standardised, the source rows split into the four honest ones and the two attackers'
    /// on either side of 0 in both columns; the smaller cluster, the attackers, is left out.
    @Test func theMinorityClusterOfTheSourceClassIsLeftOut() throws {
        let detection = PCADetection(sourceClass: 1, window: 1)
        let rows = Self.layers(Self.honest + Self.attackers)
        #expect(try detection.propose(workers: Array(0..<6), layers: rows).excluded == [4, 5])
        // Found without being told: neurons 0 and 2 are the same for everyone, so their
        // clusters do not separate and neuron 1's do.
        #expect(try PCADetection(sourceClass: nil, window: 1).propose(workers: Array(0..<6), layers: rows).excluded == [4, 5])
        // Neuron 0 holds one cluster: nothing is left out.
        #expect(try PCADetection(sourceClass: 0, window: 1).propose(workers: Array(0..<6), layers: rows).excluded == [])
        #expect(throws: FlipError("PCA detection's source class 3 is not an output neuron 0..2")) {
            try PCADetection(sourceClass: 3, window: 1).propose(workers: Array(0..<6), layers: rows)
        }
    }

    /// Round 2 alone has four attackers and two honest workers, so with a window of one
    /// round the honest ones are the minority; over a window of two rounds the clusters
    /// hold six each and nothing is left out.
    @Test func theWindowSpansRounds() throws {
        let first = Self.layers(Self.honest + Self.attackers)
        let second = Self.layers(Array(Self.honest.prefix(2)) + Self.attackers + Self.attackers)
        let one = PCADetection(sourceClass: 1, window: 1), two = PCADetection(sourceClass: 1, window: 2)
        for detection in [one, two] { detection.commit(try detection.propose(workers: Array(0..<6), layers: first).window) }
        #expect(try one.propose(workers: Array(0..<6), layers: second).excluded == [0, 1])
        #expect(try two.propose(workers: Array(0..<6), layers: second).excluded == [])
    }

    /// Two columns in the ratio 1 : 2 are one direction once standardised: the first
    /// component carries all of it and the second nothing.
    @Test func theProjectionIsOntoTheLeadingComponents() {
        let projected = PCADetection.projection([[1, 2], [2, 4], [3, 6]])
        // Standardised rows: ±(1.2247, 1.2247) and 0; along (1, 1)/√2 that is ±√3.
        #expect(abs(abs(projected[0][0]) - 3.0.squareRoot()) < 1e-9 && abs(projected[1][0]) < 1e-12)
        #expect(projected.allSatisfy { abs($0[1]) < 1e-9 })
    }

    @Test func inAServerTheSignFlippersAreLeftOut() throws {
        let (x, y, shards) = try ParameterServerTests.setup(workers: 6, perWorker: 20)
        let server = try ParameterServer(model: try Model.softmax(inputs: 4, classes: 3), features: x, labels: y, shards: shards,
                                         attackers: [4, 5], batchSize: 10, aggregator: try Aggregator(rule: .pcaDetection(sourceClass: nil, window: 2)),
                                         optimizer: try Optimizer(.sgd(momentum: 0), learningRate: 0.1),
                                         gradientAttack: .signFlip, generator: Generator(seed: 1))
        for _ in 0..<2 {
            #expect(try server.round(policy: nil).detection == RoundRecord.Detection(excluded: [4, 5], truePositiveRate: 1, falsePositiveRate: 0))
        }
        #expect(throws: FlipError("PCA detection needs a window >= 1 round, got 0")) { try Aggregator(rule: .pcaDetection(sourceClass: nil, window: 0)) }
    }
}
