@testable import FlipKit
import Testing

@Suite struct GradientAttackTests {
    /// μ = [2, 2]; σ (divisor h − 1) = [1, 2].
    static let honest: [[Float]] = [[1, 0], [2, 4], [3, 2]]

    static func send(_ attack: GradientAttack, _ rows: [[Float]] = honest, attackers f: Int = 2, workers n: Int = 5,
                     seed: UInt64 = 1) throws -> GradientAttack.Outcome {
        try attack.messages(honest: messages(rows), attackers: f, workers: n, generator: Generator(seed: seed))
    }

    @Test func signFlippingAndIPMReverseTheHonestMean() throws {
        #expect(try Self.send(.signFlip).messages.floatValues == [-2, -2, -2, -2])
        let ipm = try Self.send(.ipm(epsilon: 0.5))
        #expect(ipm.messages.floatValues == [-1, -1, -1, -1] && ipm.scale == 0.5)
    }

    @Test func alieMovesTheMeanByZStandardDeviations() throws {
        let outcome = try Self.send(.alie(z: 1.5), attackers: 1)
        #expect(outcome.messages.floatValues == [0.5, -1] && outcome.scale == 1.5)
    }

    @Test func alieZFollowsBaruchEtAl() throws {
        // n = 50, f = 24: s = 26 − 24 = 2, z = Φ⁻¹(48/50).
        #expect(abs(try GradientAttack.alieZ(workers: 50, attackers: 24) - 1.7506860712521692) < 1e-12)
        // n = 10, f = 2: s = 4, z = Φ⁻¹(0.6).
        #expect(abs(try GradientAttack.alieZ(workers: 10, attackers: 2) - 0.2533471031357997) < 1e-12)
        #expect(throws: FlipError.self) { try GradientAttack.alieZ(workers: 10, attackers: 6) }
        let outcome = try Self.send(.alie(z: nil), attackers: 2, workers: 10)
        #expect(abs(try #require(outcome.scale) - 0.2533471031357997) < 1e-12)
    }

    @Test func theNormalQuantileIsExactToDoublePrecision() {
        #expect(Gaussian.quantile(0.5) == 0)
        #expect(abs(Gaussian.quantile(0.975) - 1.959963984540054) < 1e-13)
        #expect(abs(Gaussian.quantile(1e-10) + 6.361340902404056) < 1e-10)
        #expect(abs(Gaussian.quantile(0.999) - 3.090232306167813) < 1e-12)
    }

    /// Honest [1, 0], [2, 4], [3, 2] (μ = [2, 2]) from z = [1, 0]: c·z = −1, 0, 1, so
    /// v = [2, 2] and z = [1, 1]/√2; g·z ∝ 1, 6, 5: worker 11. The second round moves z to
    /// ∝ [1/√2 + 4/√116, 1/√2 + 10/√116] (g·z ≈ 1.08, 8.70, 6.51): 11 again, now fixed.
    /// Without 11 the round's farthest is copied; with it, 11 even when another is farther.
    @Test func mimicCopiesTheWorkerFarthestAlongThePowerIteratedDirection() throws {
        let target = MimicTarget(warmup: 2, initialDirection: [1, 0])
        func send(_ rows: [[Float]], _ workers: [Int]) throws -> GradientAttack.Outcome {
            try GradientAttack.mimic(warmup: 2).messages(honest: messages(rows), attackers: 2, workers: 5, honestWorkers: workers,
                                                         mimic: target, generator: Generator(seed: 1))
        }
        let first = try send(Self.honest, [10, 11, 12])
        #expect(first.messages.floatValues == [2, 4, 2, 4] && first.copied == 11 && target.fixedWorker == nil)
        #expect(try send(Self.honest, [10, 11, 12]).copied == 11)
        #expect(target.fixedWorker == 11)
        let without = try send([[1, 0], [3, 2]], [10, 12])
        #expect(without.copied == 12 && without.messages.floatValues == [3, 2, 3, 2])
        let with = try send([[0, 0], [9, 9]], [11, 12])
        #expect(with.copied == 11 && with.messages.floatValues == [0, 0, 0, 0])
        #expect(throws: FlipError("Mimic needs a warm-up of at least 1 round, got 0")) { try GradientAttack.mimic(warmup: 0).validate() }
    }

    /// Honest values 0, 1, 5 (μ = 2): the unit perturbation is −1. Min-Max: max(|2 − γ − x|)
    /// = 3 + γ ≤ 5, so γ = 2. Min-Sum: Σ(2 − γ − x)² = 3γ² + 14 ≤ 41, so γ = 3.
    @Test func minMaxAndMinSumFindTheLargestFeasibleGamma() throws {
        let rows: [[Float]] = [[0], [1], [5]]
        let minMax = try Self.send(.minMax(perturbation: .unit, gammaInit: 10, tolerance: 1e-7), rows, attackers: 1)
        #expect(abs(try #require(minMax.scale) - 2) < 1e-6)
        #expect(abs(minMax.messages.floatValues[0]) < 1e-6)
        let minSum = try Self.send(.minSum(perturbation: .sign, gammaInit: 10, tolerance: 1e-7), rows, attackers: 1)
        #expect(abs(try #require(minSum.scale) - 3) < 1e-6)
        #expect(abs(minSum.messages.floatValues[0] + 1) < 1e-6)
        // −σ = −√7: 3 + γ√7 ≤ 5.
        let std = try Self.send(.minMax(perturbation: .std, gammaInit: 10, tolerance: 1e-9), rows, attackers: 1)
        #expect(abs(try #require(std.scale) - 2 / 7.0.squareRoot()) < 1e-7)
    }

    @Test func theGammaSearchEndsWhetherNothingOrEverythingFits() {
        #expect(GradientAttack.largestGamma(initial: 10, tolerance: 1e-5) { _ in false } == 0)
        let all = GradientAttack.largestGamma(initial: 10, tolerance: 1e-5) { _ in true }
        #expect(all > 20 - 1e-4 && all < 20)
    }

    @Test func gaussianMessagesAreSeededAndHaveTheirMoments() throws {
        let a = try Self.send(.gaussian(mean: 3, std: 2), attackers: 4, seed: 9).messages
        let b = try Self.send(.gaussian(mean: 3, std: 2), attackers: 4, seed: 9).messages
        #expect(a.floatValues == b.floatValues)
        #expect(try Self.send(.gaussian(mean: 3, std: 2), attackers: 4, seed: 10).messages.floatValues != a.floatValues)
        let wide = try Self.send(.gaussian(mean: 3, std: 2), [[Float](repeating: 0, count: 1000)], attackers: 4).messages.floatValues
        let mean = wide.reduce(0.0) { $0 + Double($1) } / 4000
        let sd = (wide.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / 3999).squareRoot()
        #expect(abs(mean - 3) < 0.15 && abs(sd - 2) < 0.15)
        #expect(Array(wide[0..<1000]) != Array(wide[1000..<2000]))
    }

    @Test func badParametersAreRefusedByName() {
        #expect(throws: FlipError("IPM needs a finite epsilon > 0, got 0")) { try GradientAttack.ipm(epsilon: 0).validate() }
        #expect(throws: FlipError.self) { try GradientAttack.gaussian(mean: 0, std: -1).validate() }
        #expect(throws: FlipError.self) { try GradientAttack.minSum(perturbation: .unit, gammaInit: .infinity, tolerance: 1e-5).validate() }
        #expect(throws: FlipError.self) { try Self.send(.signFlip, [[Float.nan, 0]]) }
    }

    @Test func noAttackersSendNothing() throws {
        #expect(try Self.send(.alie(z: nil), attackers: 0, workers: 1).messages.shape == [0, 2])
    }
}
