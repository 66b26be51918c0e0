@testable import FlipKit
import Testing

/// Stacks rows of floats into the [n, P] messages tensor.
func messages(_ rows: [[Float]]) throws -> Tensor {
    try Aggregator.stack(rows.map { try Tensor($0) })
}

func aggregate(_ rule: AggregationRule, _ rows: [[Float]], steps: [PreAggregation] = []) throws -> AggregationResult {
    try Aggregator(rule: rule, steps: steps).aggregate(messages(rows))
}

/// Honest values in [-1, 1], deterministic.
func honestRows(workers n: Int, parameters p: Int) -> [[Float]] {
    let generator = Generator(seed: 7)
    return (0..<n).map { _ in (0..<p).map { _ in Float(generator.uniform() * 2 - 1) } }
}

@Suite struct AggregatorTests {
    @Test func meanIsTheDefaultAndAveragesEachCoordinate() throws {
        let aggregator = try Aggregator()
        #expect(aggregator.rule == .mean && aggregator.steps.isEmpty)
        let result = try aggregator.aggregate(messages([[1, 2], [3, 4], [5, 9]]))
        #expect(result.vector.shape == [2])
        #expect(result.vector.floatValues == [3, 5])
        #expect(result.selectedWorkers == nil && result.iterations == nil && result.converged == nil)
    }

    @Test func medianTakesTheMiddleValueOrTheMeanOfTheTwoMiddleValues() throws {
        #expect(try aggregate(.median, [[1, 9], [3, 2], [2, 5]]).vector.floatValues == [2, 5])
        #expect(try aggregate(.median, [[1, 4], [2, 3], [10, 1], [3, 2]]).vector.floatValues == [2.5, 2.5])
        #expect(try aggregate(.median, [[7, -1]]).vector.floatValues == [7, -1])
    }

    @Test func trimmedMeanDropsTheExtremesOfEachCoordinate() throws {
        let rows: [[Float]] = [[1, -5], [2, 0], [3, 1], [4, 2], [100, 3]]
        #expect(try aggregate(.trimmedMean(f: 1), rows).vector.floatValues == [3, 1])
        #expect(try aggregate(.trimmedMean(f: 2), rows).vector.floatValues == [3, 1])
        #expect(try aggregate(.trimmedMean(f: 0), rows).vector.floatValues == [22, 0.2])
    }

    @Test func medianAndTrimmedMeanIgnoreHugeOutliers() throws {
        let (n, f, p) = (9, 4, 300)
        var rows = honestRows(workers: n - f, parameters: p)
        // Per coordinate, all outliers high, all low, or split.
        for k in 0..<f {
            rows.append((0..<p).map { j in
                switch j % 3 {
                case 0: return 1e6
                case 1: return -1e6
                default: return k % 2 == 0 ? 1e6 : -1e6
                }
            })
        }
        for rule in [AggregationRule.median, .trimmedMean(f: f)] {
            let result = try aggregate(rule, rows).vector.floatValues
            for j in 0..<p {
                let honest = rows.prefix(n - f).map { $0[j] }
                #expect(result[j] >= honest.min()! && result[j] <= honest.max()!, "\(rule.name) at \(j)")
            }
        }
    }

    @Test func krumScoresByNearestNeighboursAndBreaksTiesByLowestIndex() throws {
        let rows: [[Float]] = [[0], [1], [2], [3], [100]]
        // n - f - 2 = 2 neighbours: scores 5, 2, 2, 5, 97^2 + 98^2.
        let scores = MessageMatrix.borrowing(try messages(rows)) { Krum.scores($0, f: 1) }
        #expect(scores == [5, 2, 2, 5, 19013])
        let krum = try aggregate(.krum(f: 1), rows)
        #expect(krum.vector.floatValues == [1])
        #expect(krum.selectedWorkers == [1])
    }

    @Test func krumPicksTheMostCentralMessage() throws {
        let rows: [[Float]] = [[50, 50], [0.1, 0], [0, 0.1], [-0.1, 0], [0, 0], [0, -0.1], [-40, 80]]
        let result = try aggregate(.krum(f: 2), rows)
        #expect(result.selectedWorkers == [4])
        #expect(result.vector.floatValues == [0, 0])
    }

    @Test func multiKrumAveragesTheLowestScoringMessages() throws {
        let rows: [[Float]] = [[0], [1], [2], [3], [100]]
        let three = try aggregate(.multiKrum(f: 1, m: 3), rows)
        #expect(three.selectedWorkers == [1, 2, 0])
        #expect(three.vector.floatValues == [1])
        let four = try aggregate(.multiKrum(f: 1, m: 4), rows)
        #expect(four.selectedWorkers == [1, 2, 0, 3])
        #expect(four.vector.floatValues == [1.5])
    }

    @Test func stackAcceptsAnyShapeWithTheSameCount() throws {
        let stacked = try Aggregator.stack([try Tensor([1, 2, 3, 4], shape: [2, 2]), try Tensor([5, 6, 7, 8])])
        #expect(stacked.shape == [2, 4])
        #expect(stacked.floatValues == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func aggregationLeavesTheInputAloneAndRepeatsBitForBit() throws {
        let rows = honestRows(workers: 7, parameters: 40)
        let input = try messages(rows)
        let rules: [AggregationRule] = [
            .mean, .median, .trimmedMean(f: 2), .krum(f: 2), .multiKrum(f: 2, m: 3),
            .geometricMedian(tolerance: 1e-7, maxIterations: 50), .centeredClipping(tau: 0.5, iterations: 3),
        ]
        for rule in rules {
            let aggregator = try Aggregator(rule: rule, steps: [.normClip(threshold: 2), .nearestNeighbourMixing(f: 2)])
            let first = try aggregator.aggregate(input).vector.floatValues
            let second = try aggregator.aggregate(input).vector.floatValues
            #expect(first.map(\.bitPattern) == second.map(\.bitPattern), "\(rule.name)")
        }
        #expect(input.floatValues == rows.flatMap { $0 })
    }
}
