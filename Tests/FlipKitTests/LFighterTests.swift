#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import FlipKit
import Testing

@Suite struct LFighterTests {
    /// Two output neurons with one parameter each: worker k's point is its two values.
    static func layers(_ points: [[Float]]) -> [[[Float]]] { points.map { p in p.map { [$0] } } }

    @Test func theInverseDensityIsTheMeanLargestAngle() {
        #expect(abs(LFighter.inverseDensity([[1, 0.1], [1, -0.1]]) - 2 * atan(0.1)) < 1e-12)
        #expect(abs(LFighter.inverseDensity([[1, 0], [0, 1], [1, 0]]) - Double.pi / 2) < 1e-12)
        #expect(LFighter.inverseDensity([[3, 4]]) == 0)
    }

    /// Clusters of four and two points, each with largest angle 2·atan(0.1) between its
    /// members: the scores are 4/6 and 2/6 of it, and the smaller cluster is left out.
    @Test func withEqualDensitiesTheSmallerClusterIsLeftOut() throws {
        let points: [[Float]] = [[1, 0.1], [1, -0.1], [1, 0.1], [1, -0.1], [-1, 0.1], [-1, -0.1]]
        #expect(try LFighter.excluded(Self.layers(points)) == [4, 5])
        #expect(LFighter.twoMeans(points.map { $0.map(Double.init) }) == [1, 1, 1, 1, 0, 0])
    }

    /// Three identical attackers against three spread honest workers: equal sizes, and the
    /// attackers' cluster has density 0, the lowest score.
    @Test func withEqualSizesTheDenserClusterIsLeftOut() throws {
        let points: [[Float]] = [[1, 0.3], [1, -0.3], [1.2, 0], [-1, 0], [-1, 0], [-1, 0]]
        #expect(try LFighter.excluded(Self.layers(points)) == [3, 4, 5])
    }

    /// Three neurons of two parameters; neuron 2's rows are the smallest, so the points are
    /// the rows of neurons 0 and 1. The identical attackers' cluster has density 0.
    @Test func theTwoLargestNeuronsRowsAreClustered() throws {
        let small: [Float] = [0.01, 0]
        let layers: [[[Float]]] = [[[1, 0.2], [-1, 0], small], [[1, -0.2], [-1, 0], small], [[1.1, 0], [-1, 0.1], small],
                                   [[-1, 0], [1, 0], small], [[-1, 0], [1, 0], small]]
        #expect(try LFighter.excluded(layers) == [3, 4])
        #expect(throws: FlipError("LFighter needs a model with at least two output neurons, got 1")) { try LFighter.excluded([[[1]], [[2]]]) }
    }

    @Test func inAServerSignFlippersAreLeftOut() throws {
        let (x, y, shards) = try ParameterServerTests.setup(workers: 6, perWorker: 20)
        let server = try ParameterServer(model: try Model.softmax(inputs: 4, classes: 3), features: x, labels: y, shards: shards,
                                         attackers: [4, 5], batchSize: 10, aggregator: try Aggregator(rule: .lfighter),
                                         optimizer: try Optimizer(.sgd(momentum: 0), learningRate: 0.1),
                                         gradientAttack: .signFlip, generator: Generator(seed: 1))
        let record = try server.round(policy: nil)
        #expect(record.detection == RoundRecord.Detection(excluded: [4, 5], truePositiveRate: 1, falsePositiveRate: 0))
        #expect(throws: FlipError("LFighter reads the model's output layer: it runs in a server, not on a bare stack")) {
            try Aggregator(rule: .lfighter).aggregate(messages([[1], [2]]))
        }
    }
}
