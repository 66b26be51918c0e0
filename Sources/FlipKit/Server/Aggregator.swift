/// How the parameter server combines the workers' messages into one vector.
/// `f` is the number of Byzantine workers a rule is sized to tolerate.
public enum AggregationRule: Sendable, Equatable {
    /// The coordinate-wise average: the paper's default.
    case mean
    /// The coordinate-wise median; with an even number of workers, the mean of the two middle values.
    case median
    /// Per coordinate, drops the `f` largest and `f` smallest values and averages the rest. Needs n > 2f.
    case trimmedMean(f: Int)
    /// The message with the lowest score, the sum of squared distances to its n - f - 2
    /// nearest other messages; ties go to the lowest worker. Needs n > 2f + 2.
    case krum(f: Int)
    /// The average of the `m` messages with the lowest Krum scores. Needs n > 2f + 2 and 1 <= m <= n - f.
    case multiKrum(f: Int, m: Int)
    /// Smoothed Weiszfeld iterations from the mean: each iteration weights message i by
    /// 1 / max(distance_i, smoothing). Stops once an iteration moves the estimate by at most
    /// `tolerance` (Euclidean), or after `maxIterations`.
    case geometricMedian(tolerance: Double, maxIterations: Int, smoothing: Double = 1e-8)
    /// From a reference vector (the mean when none is given), `iterations` times
    /// v <- v + mean_i clip_tau(x_i - v), where clip_tau scales a vector to norm at most tau.
    /// Stops early once an iteration changes no coordinate of the float32 result.
    case centeredClipping(tau: Double, iterations: Int)
    /// Bulyan: θ = n − 2f messages chosen one at a time by Krum among those left (ties to
    /// the lowest worker), then per coordinate the mean of the θ − 2f values closest to
    /// their median (ties to the lower value). Needs n >= 4f + 3.
    case bulyan(f: Int)
    /// FLTrust: the reference vector is the server's update on its root dataset; each
    /// message is weighted by ReLU(cos(message, reference)) and rescaled to the reference's
    /// norm; the weighted mean of the rescaled messages, zero when none is trusted.
    case flTrust
    /// FoolsGold: (1/n)·Σ α_i·x_i, the mean when every α_i is 1, with α from the history
    /// of each worker's updates; it keeps that history across rounds, so it runs in a
    /// server (which keeps the state), not on a bare stack. κ is the logit's confidence.
    case foolsGold(confidence: Double)
    /// LFighter: the mean of the messages its filter keeps (see `LFighter`); the filter reads
    /// the model's output layer, so it runs in a server.
    case lfighter
    /// Tolpegin et al.'s PCA detection (see `PCADetection`): the mean of the messages it
    /// keeps. `sourceClass` nil: the class whose clusters lie furthest apart; `window`
    /// rounds. It keeps the window across rounds, so it runs in a server.
    case pcaDetection(sourceClass: Int?, window: Int)

    public var name: String {
        switch self {
        case .mean: return "mean"
        case .median: return "median"
        case .trimmedMean: return "trimmed mean"
        case .krum: return "Krum"
        case .multiKrum: return "multi-Krum"
        case .geometricMedian: return "geometric median"
        case .centeredClipping: return "centered clipping"
        case .bulyan: return "Bulyan"
        case .flTrust: return "FLTrust"
        case .foolsGold: return "FoolsGold"
        case .lfighter: return "LFighter"
        case .pcaDetection: return "PCA detection"
        }
    }

    /// Checks the parameters that do not depend on the number of workers.
    public func validateParameters() throws {
        switch self {
        case .mean, .median, .flTrust, .lfighter:
            return
        case .trimmedMean(let f), .krum(let f), .bulyan(let f):
            try requireNonNegative(f, "f")
        case .multiKrum(let f, let m):
            try requireNonNegative(f, "f")
            guard m >= 1 else { throw FlipError("\(name) needs m >= 1, got m = \(m)") }
        case .geometricMedian(let tolerance, let maxIterations, let smoothing):
            try requirePositiveFinite(tolerance, "tolerance")
            try requirePositiveFinite(smoothing, "smoothing")
            guard maxIterations >= 1 else {
                throw FlipError("\(name) needs maxIterations >= 1, got \(maxIterations)")
            }
        case .foolsGold(let confidence):
            try requirePositiveFinite(confidence, "confidence")
        case .pcaDetection(let sourceClass, let window):
            if let sourceClass, sourceClass < 0 { throw FlipError("\(name) needs a source class >= 0, got \(sourceClass)") }
            guard window >= 1 else { throw FlipError("\(name) needs a window >= 1 round, got \(window)") }
        case .centeredClipping(let tau, let iterations):
            try requirePositiveFinite(tau, "tau")
            guard iterations >= 1 else { throw FlipError("\(name) needs iterations >= 1, got \(iterations)") }
        }
    }

    /// LFighter and the PCA detection: the mean of the messages a server's filter keeps.
    var keepsWorkersByFilter: Bool {
        switch self {
        case .lfighter, .pcaDetection: return true
        default: return false
        }
    }

    /// Checks the rule against `n` workers.
    public func validate(workers n: Int) throws {
        try validateParameters()
        switch self {
        case .mean, .median, .geometricMedian, .centeredClipping, .flTrust, .foolsGold, .lfighter, .pcaDetection:
            return
        case .trimmedMean(let f):
            guard f <= (n - 1) / 2 else { throw FlipError("\(name) with f = \(f) needs n > 2f workers, got n = \(n)") }
        case .krum(let f):
            try Self.requireKrumWorkers(n, f: f, name: name)
        case .bulyan(let f):
            guard n >= 4 * f + 3 else { throw FlipError("\(name) with f = \(f) needs n >= 4f + 3 workers, got n = \(n)") }
        case .multiKrum(let f, let m):
            try Self.requireKrumWorkers(n, f: f, name: name)
            guard m <= n - f else {
                throw FlipError("\(name) with f = \(f) and n = \(n) needs 1 <= m <= n - f = \(n - f), got m = \(m)")
            }
        }
    }

    private static func requireKrumWorkers(_ n: Int, f: Int, name: String) throws {
        guard n >= 3, f <= (n - 3) / 2 else { throw FlipError("\(name) with f = \(f) needs n > 2f + 2 workers, got n = \(n)") }
    }

    private func requireNonNegative(_ f: Int, _ what: String) throws {
        guard f >= 0 else { throw FlipError("\(name) needs \(what) >= 0, got \(what) = \(f)") }
    }

    private func requirePositiveFinite(_ v: Double, _ what: String) throws {
        guard v.isFinite, v > 0 else { throw FlipError("\(name) needs a finite \(what) > 0, got \(formatNumber(v))") }
    }
}

/// The aggregate and what the rule learned on the way.
public struct AggregationResult {
    /// float32, shape [P].
    public let vector: Tensor
    /// Krum and multi-Krum: the chosen workers (0-based), lowest score first; Bulyan: the
    /// θ workers in the order Krum chose them.
    public let selectedWorkers: [Int]?
    /// Geometric median and centered clipping: iterations run.
    public let iterations: Int?
    /// Geometric median: the tolerance was met. Centered clipping: the last iteration left
    /// the float32 result unchanged.
    public let converged: Bool?
    /// FLTrust: each message's weight in the aggregate (they sum to 1, or are all 0);
    /// FoolsGold: each message's α in [0, 1]; LFighter and the PCA detection: 1 kept, 0 left out.
    public let weights: [Double]?
    /// False after bucketing: `selectedWorkers` and `weights` then count buckets.
    public let rowsAreWorkers: Bool

    init(vector: Tensor, selectedWorkers: [Int]? = nil, iterations: Int? = nil, converged: Bool? = nil, weights: [Double]? = nil,
         rowsAreWorkers: Bool = true) {
        self.rowsAreWorkers = rowsAreWorkers
        self.vector = vector
        self.selectedWorkers = selectedWorkers
        self.iterations = iterations
        self.converged = converged
        self.weights = weights
    }
}

extension AggregationResult {
    /// The result with its selected rows renamed to the workers `workers[row]`; without a
    /// selection or weights when rows were buckets.
    func naming(_ workers: [Int]) -> AggregationResult {
        guard rowsAreWorkers else { return AggregationResult(vector: vector, iterations: iterations, converged: converged, rowsAreWorkers: false) }
        return AggregationResult(vector: vector, selectedWorkers: selectedWorkers?.map { workers[$0] },
                                 iterations: iterations, converged: converged, weights: weights)
    }
}

/// A parameter server's aggregation: pre-aggregation steps, in order, then a rule.
public struct Aggregator: Sendable, Equatable {
    public let rule: AggregationRule
    public let steps: [PreAggregation]

    public init(rule: AggregationRule = .mean, steps: [PreAggregation] = []) throws {
        try rule.validateParameters()
        for step in steps { try step.validateParameters() }
        if steps.contains(where: { if case .bucketing = $0 { return true } else { return false } }) {
            if case .foolsGold = rule { throw FlipError("FoolsGold weighs workers, not buckets: it cannot follow bucketing") }
            if rule == .lfighter || rule.keepsWorkersByFilter { throw FlipError("\(rule.name) weighs workers, not buckets: it cannot follow bucketing") }
        }
        self.rule = rule
        self.steps = steps
    }

    /// Combines `messages` (float32, [n, P]: one row per worker) into a float32 [P] vector.
    /// `reference` (P values) is the starting point of centered clipping and FLTrust's server
    /// update (required); other rules ignore it.
    /// The input is never modified.
    /// `alpha` (one per worker) is what a server computes for FoolsGold (its α) and LFighter
    /// (1 to keep, 0 to leave out).
    /// Checks the steps and the rule against `n` workers, each step against the messages the
    /// steps before it hand on.
    public func validate(workers n: Int) throws {
        var count = n
        for step in steps {
            try step.validate(workers: count)
            count = step.outputCount(workers: count)
        }
        try rule.validate(workers: count)
    }

    /// `generator` draws bucketing's order.
    public func aggregate(_ messages: Tensor, reference: Tensor? = nil, alpha: [Double]? = nil,
                          generator: Generator? = nil) throws -> AggregationResult {
        let (n, p) = try Aggregator.validate(messages: messages)
        try validate(workers: n)
        if let reference { try Aggregator.validate(reference: reference, parameters: p) }
        if case .foolsGold = rule, alpha?.count != n {
            throw FlipError("FoolsGold keeps a history of each worker's updates across rounds: it runs in a server, not on a bare stack")
        }
        if rule.keepsWorkersByFilter, alpha?.count != n {
            throw FlipError("\(rule.name) reads the model's output layer: it runs in a server, not on a bare stack")
        }
        if rule == .flTrust && reference == nil {
            throw FlipError("FLTrust needs the server's update on its root dataset as the reference vector")
        }

        var current = messages
        for step in steps { current = try step.apply(to: current, generator: generator) }
        let count = current.shape[0]

        let out = try Tensor(zeros: [p])
        let result = out.raw.assumingMemoryBound(to: Float.self)
        var selected: [Int]?
        var iterations: Int?
        var converged: Bool?
        var weights: [Double]?
        withExtendedLifetime((out, reference)) {
            MessageMatrix.borrowing(current) { rows in
                switch rule {
                case .mean:
                    CoordinateWise.mean(rows, into: result)
                case .median:
                    CoordinateWise.median(rows, into: result)
                case .trimmedMean(let f):
                    CoordinateWise.trimmedMean(rows, f: f, into: result)
                case .krum(let f):
                    selected = Krum.select(rows, f: f, m: 1, into: result)
                case .multiKrum(let f, let m):
                    selected = Krum.select(rows, f: f, m: m, into: result)
                case .bulyan(let f):
                    selected = Bulyan.aggregate(rows, f: f, into: result)
                case .foolsGold:
                    if let alpha {
                        weights = alpha
                        for j in 0..<rows.parameters {
                            var sum = 0.0
                            for i in 0..<n { sum += alpha[i] * Double(rows.row(i)[j]) }
                            result[j] = Float(sum / Double(n))
                        }
                    }
                case .lfighter, .pcaDetection:
                    if let alpha {
                        weights = alpha
                        let kept = Double(alpha.reduce(0, +))
                        for j in 0..<rows.parameters {
                            var sum = 0.0
                            for i in 0..<n where alpha[i] > 0 { sum += Double(rows.row(i)[j]) }
                            result[j] = Float(kept > 0 ? sum / kept : 0)
                        }
                    }
                case .flTrust:
                    if let reference {
                        weights = FLTrust.aggregate(rows, server: UnsafePointer(reference.raw.assumingMemoryBound(to: Float.self)), into: result)
                    }
                case .geometricMedian(let tolerance, let maxIterations, let smoothing):
                    (iterations, converged) = GeometricMedian.weiszfeld(
                        rows, tolerance: tolerance, maxIterations: maxIterations, smoothing: smoothing, into: result)
                case .centeredClipping(let tau, let count):
                    let start = reference.map { UnsafePointer($0.raw.assumingMemoryBound(to: Float.self)) }
                    (iterations, converged) = CenteredClipping.run(
                        rows, tau: tau, iterations: count, start: start, into: result)
                }
            }
        }
        return AggregationResult(vector: out, selectedWorkers: selected, iterations: iterations, converged: converged, weights: weights,
                                 rowsAreWorkers: count == n)
    }
}
