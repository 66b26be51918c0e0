/// A Byzantine worker's message rule: unconstrained gradient attacks, the baselines
/// budgeted label flipping is placed beside. Every attack is omniscient: it reads the
/// honest workers' messages of the round. All attackers of a round send the same
/// message, except under `gaussian`, where each draws its own.
public enum GradientAttack: Sendable, Equatable {
    /// −μ, the honest mean reversed.
    case signFlip
    /// Inner-product manipulation (Xie et al. 2020): −ε·μ.
    case ipm(epsilon: Double)
    /// A little is enough (Baruch et al. 2019): μ − z·σ per coordinate, σ the honest
    /// messages' standard deviation (divisor h − 1). `z` nil: from the round's n workers
    /// and f attackers, s = ⌊n/2 + 1⌋ − f and z = Φ⁻¹((n − s)/n).
    case alie(z: Double?)
    /// Every coordinate drawn from N(mean, std²), independently for each attacker.
    case gaussian(mean: Double, std: Double)
    /// Mimic (Karimireddy et al. 2022): a copy of one honest worker's message, the worker
    /// found over the first `warmup` rounds (MimicTarget).
    case mimic(warmup: Int)
    /// Min-Max (Shejwalkar & Houmansadr 2021): μ + γ·p with the largest γ found for which
    /// the message is no farther from any honest message than two honest messages can be.
    case minMax(perturbation: Perturbation, gammaInit: Double, tolerance: Double)
    /// Min-Sum (Shejwalkar & Houmansadr 2021): as Min-Max, but the message's sum of squared
    /// distances to the honest messages stays within the largest such sum of an honest one.
    case minSum(perturbation: Perturbation, gammaInit: Double, tolerance: Double)

    /// Fang et al. (2020) against trimmed mean: per coordinate, on the side opposite to the
    /// honest mean's sign, each attacker draws uniformly between the honest extreme and
    /// `b` times (or 1/`b` of) it, whichever lies beyond it (Fang's b = 2).
    case fangTrimmedMean(b: Double)
    /// Fang et al. (2020) against Krum: every attacker sends −λ·sign(μ), λ halved from
    /// Fang's upper bound until Krum (f = the round's attackers) picks an attacker, or λ
    /// falls to `threshold`.
    case fangKrum(threshold: Double)

    /// The direction p Min-Max and Min-Sum move the honest mean along.
    public enum Perturbation: String, Sendable, Equatable, CaseIterable {
        /// −μ/‖μ‖ (zero when μ is).
        case unit
        /// −σ, the honest coordinates' standard deviation.
        case std
        /// −sign(μ).
        case sign
    }

    public static let defaultEpsilon = 0.1
    public static let defaultGammaInit = 10.0
    public static let defaultTolerance = 1e-5
    public static let defaultFangB = 2.0
    public static let defaultFangThreshold = 1e-5
    /// The paper leaves the warm-up's length open; ten rounds give the power iteration
    /// time to settle on the direction of largest variance.
    public static let defaultMimicWarmup = 10

    public var name: String {
        switch self {
        case .signFlip: return "sign flipping"
        case .ipm: return "IPM"
        case .alie: return "ALIE"
        case .gaussian: return "Gaussian"
        case .mimic: return "Mimic"
        case .minMax: return "Min-Max"
        case .minSum: return "Min-Sum"
        case .fangTrimmedMean: return "Fang (trimmed mean)"
        case .fangKrum: return "Fang (Krum)"
        }
    }

    public func validate() throws {
        switch self {
        case .signFlip:
            return
        case .mimic(let warmup):
            guard warmup >= 1 else { throw FlipError("\(name) needs a warm-up of at least 1 round, got \(warmup)") }
        case .ipm(let epsilon):
            try requireFinite(epsilon, "epsilon", positive: true)
        case .alie(let z):
            if let z { try requireFinite(z, "z", positive: false) }
        case .gaussian(let mean, let std):
            try requireFinite(mean, "mean", positive: false)
            guard std.isFinite, std >= 0 else { throw FlipError("\(name) needs a finite std >= 0, got \(formatNumber(std))") }
        case .minMax(_, let gammaInit, let tolerance), .minSum(_, let gammaInit, let tolerance):
            try requireFinite(gammaInit, "gamma_init", positive: true)
            try requireFinite(tolerance, "tolerance", positive: true)
        case .fangTrimmedMean(let b):
            guard b.isFinite, b > 1 else { throw FlipError("\(name) needs a finite b > 1, got \(formatNumber(b))") }
        case .fangKrum(let threshold):
            try requireFinite(threshold, "threshold", positive: true)
        }
    }

    private func requireFinite(_ v: Double, _ what: String, positive: Bool) throws {
        guard v.isFinite, !positive || v > 0 else {
            throw FlipError("\(name) needs a finite \(what)\(positive ? " > 0" : ""), got \(formatNumber(v))")
        }
    }

    /// What the attack sent in one round.
    public struct Outcome {
        /// float32 [f, P], one row per attacker.
        public let messages: Tensor
        /// ALIE: z; Min-Max and Min-Sum: γ; IPM: ε; Fang against Krum: λ. Nil for the others.
        public let scale: Double?
        /// Mimic: the worker copied (an element of `honestWorkers`, or the row of `honest`).
        public var copied: Int? = nil
    }

    /// The messages of `attackers` Byzantine workers among `workers` in the round, from the
    /// honest messages `honest` (float32 [h, P], h >= 1) of `honestWorkers` (0..<h when nil).
    /// Mimic keeps its state in `mimic` across rounds; without it, each call is a first round.
    public func messages(honest: Tensor, attackers f: Int, workers n: Int, honestWorkers: [Int]? = nil,
                         mimic: MimicTarget? = nil, generator: Generator) throws -> Outcome {
        try validate()
        let (_, p) = try Aggregator.validate(messages: honest)
        guard f >= 0 else { throw FlipError("\(name) needs a number of attackers >= 0, got \(f)") }
        let out = try Tensor(zeros: [f, p])
        guard f >= 1 else { return Outcome(messages: out, scale: nil) }
        if case .gaussian(let mu, let sigma) = self {
            let values = out.floats
            for k in 0..<(f * p) { values[k] = Float(mu + sigma * generator.normal()) }
            return Outcome(messages: out, scale: nil)
        }
        if case .fangTrimmedMean(let b) = self {
            MessageMatrix.borrowing(honest) { rows in Fang.trimmedMean(rows, attackers: f, b: b, generator: generator, into: out.floats) }
            return Outcome(messages: out, scale: nil)
        }
        if case .mimic(let warmup) = self {
            let names = honestWorkers ?? Array(0..<honest.shape[0])
            guard names.count == honest.shape[0] else {
                throw FlipError("\(name) needs a worker for each of the \(honest.shape[0]) honest messages, got \(names.count)")
            }
            let target = mimic ?? MimicTarget(warmup: warmup)
            let row = MessageMatrix.borrowing(honest) { target.choose($0, workers: names, generator: generator) }
            let values = out.floats, source = honest.floats
            for i in 0..<f {
                for j in 0..<p { values[i * p + j] = source[row * p + j] }
            }
            return Outcome(messages: out, scale: nil, copied: names[row])
        }
        if case .fangKrum(let threshold) = self {
            let (message, lambda) = try Fang.krum(honest: honest, attackers: f, threshold: threshold)
            let values = out.floats
            for i in 0..<f {
                for j in 0..<p { values[i * p + j] = message[j] }
            }
            return Outcome(messages: out, scale: lambda)
        }
        let z: Double? = if case .alie(let given) = self { try given ?? Self.alieZ(workers: n, attackers: f) } else { nil }
        let (message, scale) = MessageMatrix.borrowing(honest) { rows in craft(rows, z: z) }
        let values = out.floats
        for i in 0..<f {
            for j in 0..<p { values[i * p + j] = Float(message[j]) }
        }
        return Outcome(messages: out, scale: scale)
    }

    /// The one message every attacker sends, and its scale.
    private func craft(_ rows: MessageMatrix, z: Double?) -> ([Double], Double?) {
        let p = rows.parameters
        let mean = CoordinateWise.meanInDouble(rows)
        switch self {
        case .signFlip:
            return (mean.map { -$0 }, nil)
        case .ipm(let epsilon):
            return (mean.map { -epsilon * $0 }, epsilon)
        case .alie:
            let z = z ?? 0
            let std = GradientStatistics.std(rows, mean: mean)
            return ((0..<p).map { mean[$0] - z * std[$0] }, z)
        case .mimic, .gaussian, .fangTrimmedMean, .fangKrum:
            preconditionFailure("\(name) is crafted in messages(honest:attackers:workers:generator:)")
        case .minMax(let perturbation, let gammaInit, let tolerance), .minSum(let perturbation, let gammaInit, let tolerance):
            let direction = GradientStatistics.perturbation(perturbation, rows, mean: mean)
            let fits: ([Double]) -> Bool
            if case .minMax = self { fits = GradientStatistics.minMaxCondition(rows) } else { fits = GradientStatistics.minSumCondition(rows) }
            let gamma = Self.largestGamma(initial: gammaInit, tolerance: tolerance) { gamma in
                fits((0..<p).map { mean[$0] + gamma * direction[$0] })
            }
            return ((0..<p).map { mean[$0] + gamma * direction[$0] }, gamma)
        }
    }

    /// Baruch et al.'s z for n workers of which f attack: s = ⌊n/2 + 1⌋ − f, z = Φ⁻¹((n − s)/n).
    public static func alieZ(workers n: Int, attackers f: Int) throws -> Double {
        let s = n / 2 + 1 - f
        guard s >= 1, s < n else {
            throw FlipError("ALIE's z needs 1 <= s = ⌊n/2 + 1⌋ − f < n, got s = \(s) for n = \(n) workers and f = \(f) attackers; give z")
        }
        return Gaussian.quantile(Double(n - s) / Double(n))
    }

    /// Shejwalkar & Houmansadr's search for γ: from γ = γ_init with a step of γ_init, γ moves
    /// up by half the step when `fits(γ)` and down otherwise, the step halving each time,
    /// until γ is within `tolerance` of the last γ that fitted; returns that γ (0 if none).
    /// γ stays within (0, 2·γ_init).
    static func largestGamma(initial: Double, tolerance: Double, fits: (Double) -> Bool) -> Double {
        var (gamma, step, success) = (initial, initial, 0.0)
        while abs(success - gamma) > tolerance {
            if fits(gamma) {
                success = gamma
                gamma += step / 2
            } else {
                gamma -= step / 2
            }
            step /= 2
        }
        return success
    }
}
