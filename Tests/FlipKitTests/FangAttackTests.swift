@testable import FlipKit
import Testing

@Suite struct FangAttackTests {
    static func send(_ attack: GradientAttack, _ rows: [[Float]], attackers f: Int) throws -> GradientAttack.Outcome {
        try attack.messages(honest: messages(rows), attackers: f, workers: rows.count + f, generator: Generator(seed: 2))
    }

    /// Coordinate 1: μ = 2 > 0, g_min = 1 > 0: draws in [1/2, 1]. Coordinate 2: μ < 0,
    /// g_max = −1 ≤ 0: draws in [−1, −1/2]. Coordinate 3: μ > 0, g_min = −1: in [−2, −1].
    @Test func againstTrimmedMeanEachValueLiesJustBeyondTheHonestExtreme() throws {
        let rows: [[Float]] = [[1, -2, -1], [3, -1, 5], [2, -4, 2]]
        let values = try Self.send(.fangTrimmedMean(b: 2), rows, attackers: 300).messages.floatValues
        let ranges: [ClosedRange<Float>] = [0.5...1, -1 ... -0.5, -2 ... -1]
        for j in 0..<3 {
            let column = stride(from: j, to: values.count, by: 3).map { values[$0] }
            #expect(column.allSatisfy { ranges[j].contains($0) })
            let width = ranges[j].upperBound - ranges[j].lowerBound
            #expect(column.min()! < ranges[j].lowerBound + 0.05 * width && column.max()! > ranges[j].upperBound - 0.05 * width)
        }
    }

    /// Honest (1,1), (1,−1), (−1,1), (2,2), (3,3), two attackers, m = 7, d = 2: μ > 0, so
    /// attackers send −λ·(1, 1). Γ holds 3 neighbours; the smallest sum, around (1,1), is
    /// √2 + 2 + 2; the largest norm is 3√2; λ ≤ (4 + √2)/(2·√2) + 3 ≈ 4.914. At λ/4 ≈ 1.229
    /// the attackers' Krum score (f = 2: 3 neighbours) is 0 + 2·(2.229² + 0.229²) ≈ 10.04,
    /// above (1,1)'s 2 + 4 + 4 = 10; at λ/8 ≈ 0.614 it is ≈ 5.51 and an attacker is chosen.
    @Test func againstKrumLambdaIsHalvedUntilKrumPicksTheAttacker() throws {
        let rows: [[Float]] = [[1, 1], [1, -1], [-1, 1], [2, 2], [3, 3]]
        let outcome = try Self.send(.fangKrum(threshold: 1e-5), rows, attackers: 2)
        let bound = (4 + 2.0.squareRoot()) / (2 * 2.0.squareRoot()) + 3
        #expect(abs(try #require(outcome.scale) - bound / 8) < 1e-12)
        #expect(outcome.messages.floatValues == [Float](repeating: -Float(try #require(outcome.scale)), count: 4))
        let chosen = try Aggregator(rule: .krum(f: 2)).aggregate(messages(rows + Array(repeating: [Float](repeating: -Float(bound / 8), count: 2), count: 2)))
        #expect(chosen.selectedWorkers == [5])
    }

    /// Honest 1..4 (μ = 2.5), one attacker: λ ≤ 2/2 + 4 = 5, and no λ > 0 wins, so the
    /// search stops at the last λ not below the threshold, 5/2¹⁸.
    @Test func againstKrumTheSearchStopsAtTheThreshold() throws {
        let outcome = try Self.send(.fangKrum(threshold: 1e-5), [[1], [2], [3], [4]], attackers: 1)
        #expect(outcome.scale == 5.0 / 262_144)
    }

    @Test func badSettingsAreRefused() {
        #expect(throws: FlipError("Fang (trimmed mean) needs a finite b > 1, got 1")) { try GradientAttack.fangTrimmedMean(b: 1).validate() }
        #expect(throws: FlipError("Fang (Krum) with 2 attackers needs more than 6 workers in the round, got 5")) {
            try Self.send(.fangKrum(threshold: 1e-5), [[1], [2], [3]], attackers: 2)
        }
    }
}
