@testable import FlipKit
import Testing

@Suite struct AggregatorPreAggregationTests {
    @Test func normClippingCapsLargeMessagesAndLeavesSmallOnesAlone() throws {
        let input = try messages([[3, 4], [0.1, -0.2], [0, 0]])
        let clipped = try PreAggregation.normClip(threshold: 1).apply(to: input).floatValues
        #expect(abs(clipped[0] - 0.6) < 1e-7 && abs(clipped[1] - 0.8) < 1e-7)
        #expect(Array(clipped[2...]) == [0.1, -0.2, 0, 0])
        #expect(input.floatValues == [3, 4, 0.1, -0.2, 0, 0])
    }

    @Test func normClippingBoundsEveryNorm() throws {
        let rows = honestRows(workers: 10, parameters: 30).enumerated().map { i, row in row.map { $0 * Float(i) } }
        let clipped = try PreAggregation.normClip(threshold: 2).apply(to: messages(rows))
        for i in 0..<10 {
            let row = clipped.floatValues[(i * 30)..<(i * 30 + 30)]
            let norm = row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(norm <= 2 * (1 + 1e-6))
        }
    }

    @Test func nearestNeighbourMixingKeepsAnHonestClusterAndPullsOutliersIn() throws {
        let rows: [[Float]] = [[1, 1], [100, 100], [1, 1], [-101, -101], [1, 1]]
        let mixed = try PreAggregation.nearestNeighbourMixing(f: 2).apply(to: messages(rows)).floatValues
        #expect(Array(mixed[0..<2]) == [1, 1] && Array(mixed[4..<6]) == [1, 1] && Array(mixed[8..<10]) == [1, 1])
        // Each outlier is averaged with its two nearest: the first two honest messages.
        #expect(Array(mixed[2..<4]) == [34, 34])
        #expect(Array(mixed[6..<8]) == [-33, -33])
    }

    @Test func nearestNeighbourMixingWithoutFaultsIsTheMeanEverywhere() throws {
        let mixed = try PreAggregation.nearestNeighbourMixing(f: 0).apply(to: messages([[0, 2], [4, 4], [2, 0]]))
        #expect(mixed.floatValues == [2, 2, 2, 2, 2, 2])
    }

    @Test func stepsRunInOrderBeforeTheRule() throws {
        let rows: [[Float]] = [[3, 4], [0, 1], [0, -1]]
        let clipThenMean = try aggregate(.mean, rows, steps: [.normClip(threshold: 1)]).vector.floatValues
        #expect(abs(clipThenMean[0] - 0.2) < 1e-7 && abs(clipThenMean[1] - 0.8 / 3) < 1e-7)
        // Mixing pairs (3, 4) with (0, 1), and (0, 1) with (0, -1): two of three rows become 0.
        let mixThenClip = try aggregate(.median, rows, steps: [.nearestNeighbourMixing(f: 1), .normClip(threshold: 1)])
        #expect(mixThenClip.vector.floatValues == [0, 0])
        // Clipping first brings (3, 4) to (0.6, 0.8), now nearest to (0, 1): rows 1 and 2 both become (0.3, 0.9).
        let clipThenMix = try aggregate(.median, rows, steps: [.normClip(threshold: 1), .nearestNeighbourMixing(f: 1)])
        #expect(zip(clipThenMix.vector.floatValues, [0.3, 0.9]).allSatisfy { abs($0 - $1) < 1e-6 })
    }
}
