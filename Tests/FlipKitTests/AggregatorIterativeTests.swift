@testable import FlipKit
import Testing

private func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

private func distanceSum(_ rows: [[Float]], _ z: [Double]) -> Double {
    rows.reduce(0) { total, x in total + norm(zip(x, z).map { Double($0) - $1 }) }
}

@Suite struct AggregatorIterativeTests {
    let points: [[Float]] = [[0, 0], [4, 0], [0, 3], [5, 5], [1, 4]]

    @Test func geometricMedianMeetsTheFirstOrderCondition() throws {
        let result = try aggregate(.geometricMedian(tolerance: 1e-9, maxIterations: 1000, smoothing: 1e-12), points)
        #expect(result.converged == true)
        #expect(result.iterations.map { $0 >= 1 && $0 < 1000 } == true)
        let z = result.vector.floatValues.map(Double.init)
        // The gradient of sum_i ||x_i - z||: the sum of unit vectors from the points to z.
        var gradient = [0.0, 0.0]
        for x in points {
            let d = zip(z, x).map { $0 - Double($1) }
            let length = norm(d)
            for k in 0..<2 { gradient[k] += d[k] / length }
        }
        #expect(norm(gradient) < 1e-4)
    }

    @Test func geometricMedianBeatsEveryPointOfAGrid() throws {
        let result = try aggregate(.geometricMedian(tolerance: 1e-8, maxIterations: 1000), points)
        let z = result.vector.floatValues.map(Double.init)
        var gridMinimum = Double.infinity
        for a in stride(from: -1.0, through: 6.0, by: 0.05) {
            for b in stride(from: -1.0, through: 6.0, by: 0.05) {
                gridMinimum = min(gridMinimum, distanceSum(points, [a, b]))
            }
        }
        #expect(distanceSum(points, z) <= gridMinimum + 1e-6)
    }

    @Test func geometricMedianSurvivesAnEstimateOnAMessage() throws {
        // The mean of these is the point (0, 0) itself: a zero distance on the first iteration.
        let result = try aggregate(.geometricMedian(tolerance: 1e-9, maxIterations: 100), [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]])
        #expect(result.vector.floatValues == [0, 0])
        #expect(result.converged == true)
    }

    @Test func geometricMedianReportsAMissedTolerance() throws {
        let result = try aggregate(.geometricMedian(tolerance: 1e-12, maxIterations: 2), points)
        #expect(result.iterations == 2)
        #expect(result.converged == false)
    }

    @Test func geometricMedianIgnoresHugeOutliers() throws {
        var rows = honestRows(workers: 7, parameters: 5)
        rows += [[Float](repeating: 1e6, count: 5), [Float](repeating: -1e6, count: 5), [Float](repeating: 1e6, count: 5)]
        let z = try aggregate(.geometricMedian(tolerance: 1e-6, maxIterations: 500), rows).vector.floatValues
        #expect(z.allSatisfy { abs($0) < 2 })
    }

    @Test func centeredClippingFollowsTheUpdateByHand() throws {
        let rows: [[Float]] = [[0], [10]]
        let aggregator = try Aggregator(rule: .centeredClipping(tau: 1, iterations: 2))
        // From 0: clipped steps 0 and 1, mean 0.5; from 0.5: -0.5 and 1, mean 0.25.
        let result = try aggregator.aggregate(messages(rows), reference: Tensor([0]))
        #expect(result.vector.floatValues == [0.75])
        #expect(result.iterations == 2 && result.converged == false)
    }

    @Test func centeredClippingWithAHugeTauIsTheMean() throws {
        let rows: [[Float]] = [[1, -2, 3], [5, 6, -7], [0, 0, 1], [2, 4, 7]]
        let result = try aggregate(.centeredClipping(tau: 1e9, iterations: 10), rows)
        #expect(result.vector.floatValues == (try aggregate(.mean, rows)).vector.floatValues)
        #expect(result.iterations == 1 && result.converged == true)
        let fromAReference = try Aggregator(rule: .centeredClipping(tau: 1e9, iterations: 1))
            .aggregate(messages(rows), reference: Tensor([100, 100, 100]))
        #expect(fromAReference.vector.floatValues == [2, 2, 1])
    }

    @Test func centeredClippingMovesAtMostTauPerIteration() throws {
        let rows = honestRows(workers: 6, parameters: 8).map { $0.map { $0 * 50 } }
        let reference = try Tensor([Float](repeating: 20, count: 8))
        for iterations in 1...3 {
            let tau = 0.25
            let v = try Aggregator(rule: .centeredClipping(tau: tau, iterations: iterations))
                .aggregate(messages(rows), reference: reference).vector.floatValues
            let moved = norm(v.map { Double($0) - 20 })
            #expect(moved > 0 && moved <= Double(iterations) * tau * (1 + 1e-6))
        }
    }
}
