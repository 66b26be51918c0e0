@testable import FlipKit
import Testing

@Suite struct BulyanTests {
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

@Suite struct BucketingTests {
    /// Seven messages 0..6 in buckets of 3: ⌈7/3⌉ = 3 buckets, each the mean of the
    /// messages its part of the drawn order holds, the last of one message.
    @Test func bucketsAreMeansOfARandomOrder() throws {
        let rows: [[Float]] = (0..<7).map { [Float($0), Float(10 * $0)] }
        let out = try PreAggregation.bucketing(s: 3).apply(to: messages(rows), generator: Generator(seed: 5))
        let order = Generator(seed: 5).permutation(7).map { Float($0) }
        #expect(out.shape == [3, 2])
        let expected = [Array(order[0..<3]), Array(order[3..<6]), [order[6]]].flatMap { bucket -> [Float] in
            let mean = Float(bucket.reduce(0.0) { $0 + Double($1) } / Double(bucket.count))
            return [mean, 10 * mean]
        }
        for (a, b) in zip(out.floatValues, expected) { #expect(abs(a - b) < 1e-5) }
        #expect(try PreAggregation.bucketing(s: 3).apply(to: messages(rows), generator: Generator(seed: 5)).floatValues == out.floatValues)
        #expect(try PreAggregation.bucketing(s: 1).apply(to: messages(rows), generator: Generator(seed: 5)).shape == [7, 2])
    }

    /// Krum with f = 1 needs 5 messages: 12 workers in buckets of 2 hand it 6.
    @Test func theRuleIsCheckedAgainstTheBuckets() throws {
        let rows = honestRows(workers: 12, parameters: 3)
        let result = try Aggregator(rule: .krum(f: 1), steps: [.bucketing(s: 2)]).aggregate(messages(rows), generator: Generator(seed: 1))
        #expect(!result.rowsAreWorkers && result.selectedWorkers?.count == 1)
        #expect(throws: FlipError("Krum with f = 1 needs n > 2f + 2 workers, got n = 4")) {
            try Aggregator(rule: .krum(f: 1), steps: [.bucketing(s: 3)]).aggregate(messages(rows), generator: Generator(seed: 1))
        }
        #expect(throws: FlipError("bucketing draws a random order of the messages: it needs a generator")) {
            try Aggregator(steps: [.bucketing(s: 2)]).aggregate(messages(rows))
        }
        #expect(throws: FlipError("FoolsGold weighs workers, not buckets: it cannot follow bucketing")) {
            try Aggregator(rule: .foolsGold(confidence: 1), steps: [.bucketing(s: 2)])
        }
        #expect(throws: FlipError("bucketing needs s >= 1, got s = 0")) { try Aggregator(steps: [.bucketing(s: 0)]) }
    }
}
