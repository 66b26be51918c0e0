/// A step that rewrites the messages before the rule combines them.
public enum PreAggregation: Sendable, Equatable {
    /// Scales every message whose norm exceeds `threshold` down to that norm.
    case normClip(threshold: Double)
    /// Replaces every message by the mean of its n - f nearest messages (Euclidean),
    /// itself included; ties go to the lower worker. Needs 0 <= f < n.
    case nearestNeighbourMixing(f: Int)
    /// Adaptive robust clipping (Allouah et al., 2024): the k = ⌊2·(f/n)·(n − f)⌋ messages
    /// of largest norm (ties: the lower worker first) are scaled down to the norm of the
    /// next largest. Needs 0 <= f < n.
    case adaptiveClipping(f: Int)
    /// Bucketing (Karimireddy et al., 2022): the messages in a random order, cut into
    /// ⌈n/s⌉ buckets of s (the last may hold fewer), each replaced by its mean. Needs s >= 1
    /// and a generator.
    case bucketing(s: Int)

    public var name: String {
        switch self {
        case .normClip: return "norm clipping"
        case .nearestNeighbourMixing: return "nearest-neighbour mixing"
        case .adaptiveClipping: return "adaptive robust clipping"
        case .bucketing: return "bucketing"
        }
    }

    /// Checks the parameters that do not depend on the number of workers.
    public func validateParameters() throws {
        switch self {
        case .normClip(let threshold):
            guard threshold.isFinite, threshold > 0 else {
                throw FlipError("\(name) needs a finite threshold > 0, got \(formatNumber(threshold))")
            }
        case .bucketing(let s):
            guard s >= 1 else { throw FlipError("\(name) needs s >= 1, got s = \(s)") }
        case .nearestNeighbourMixing(let f), .adaptiveClipping(let f):
            guard f >= 0 else { throw FlipError("\(name) needs f >= 0, got f = \(f)") }
        }
    }

    /// Checks the step against `n` workers.
    public func validate(workers n: Int) throws {
        try validateParameters()
        switch self {
        case .nearestNeighbourMixing(let f), .adaptiveClipping(let f):
            if f >= n { throw FlipError("\(name) with f = \(f) needs n > f workers, got n = \(n)") }
        case .normClip, .bucketing:
            return
        }
    }

    /// How many messages the step hands on from `n`.
    public func outputCount(workers n: Int) -> Int {
        if case .bucketing(let s) = self { return (n + s - 1) / s }
        return n
    }

    /// The rewritten messages, a new [outputCount(n), P] tensor; `messages` is left as it
    /// was. `generator` draws bucketing's order; the other steps draw nothing.
    public func apply(to messages: Tensor, generator: Generator? = nil) throws -> Tensor {
        let (n, p) = try Aggregator.validate(messages: messages)
        try validate(workers: n)
        let out = try Tensor(zeros: [outputCount(workers: n), p])
        var order: [Int32] = []
        if case .bucketing = self {
            guard let generator else { throw FlipError("bucketing draws a random order of the messages: it needs a generator") }
            order = generator.permutation(n)
        }
        let result = out.raw.assumingMemoryBound(to: Float.self)
        withExtendedLifetime(out) {
            MessageMatrix.borrowing(messages) { rows in
                switch self {
                case .normClip(let threshold):
                    Self.normClip(rows, threshold: threshold, into: result)
                case .nearestNeighbourMixing(let f):
                    Self.mixNearestNeighbours(rows, f: f, into: result)
                case .adaptiveClipping(let f):
                    Self.clipAdaptively(rows, f: f, into: result)
                case .bucketing(let s):
                    for (b, start) in stride(from: 0, to: n, by: s).enumerated() {
                        let members = order[start..<min(n, start + s)]
                        for j in 0..<p {
                            let sum = members.reduce(0.0) { $0 + Double(rows.row(Int($1))[j]) }
                            result[b * p + j] = Float(sum / Double(members.count))
                        }
                    }
                }
            }
        }
        return out
    }

    private static func normClip(_ messages: MessageMatrix, threshold: Double, into out: UnsafeMutablePointer<Float>) {
        let p = messages.parameters
        for i in 0..<messages.workers {
            let (x, y) = (messages.row(i), out + i * p)
            var squaredNorm = 0.0
            for j in 0..<p { squaredNorm += Double(x[j]) * Double(x[j]) }
            let norm = squaredNorm.squareRoot()
            if norm > threshold {
                let scale = threshold / norm
                for j in 0..<p { y[j] = Float(Double(x[j]) * scale) }
            } else {
                y.update(from: x, count: p)
            }
        }
    }

    private static func clipAdaptively(_ messages: MessageMatrix, f: Int, into out: UnsafeMutablePointer<Float>) {
        let (n, p) = (messages.workers, messages.parameters)
        out.update(from: messages.base, count: n * p)
        let norms = (0..<n).map { i in (0..<p).reduce(0.0) { $0 + Double(messages.row(i)[$1]) * Double(messages.row(i)[$1]) }.squareRoot() }
        let k = (2 * f * (n - f)) / n
        guard k >= 1 else { return }
        let order = (0..<n).sorted { norms[$0] != norms[$1] ? norms[$0] > norms[$1] : $0 < $1 }
        let threshold = norms[order[k]]
        for i in order.prefix(k) where norms[i] > threshold {
            let scale = threshold / norms[i]
            let (x, y) = (messages.row(i), out + i * p)
            for j in 0..<p { y[j] = Float(Double(x[j]) * scale) }
        }
    }

    private static func mixNearestNeighbours(_ messages: MessageMatrix, f: Int, into out: UnsafeMutablePointer<Float>) {
        let (n, p) = (messages.workers, messages.parameters)
        let table = Distances.pairwiseSquared(messages)
        let group = n - f
        var sum = [Double](repeating: 0, count: p)
        for i in 0..<n {
            let neighbours = [i] + Distances.othersByDistance(from: i, table: table, workers: n).prefix(group - 1)
            for j in 0..<p { sum[j] = 0 }
            for k in neighbours {
                let x = messages.row(k)
                for j in 0..<p { sum[j] += Double(x[j]) }
            }
            let y = out + i * p
            for j in 0..<p { y[j] = Float(sum[j] / Double(group)) }
        }
    }
}
