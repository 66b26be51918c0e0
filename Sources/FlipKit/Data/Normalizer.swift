/// Feature normalisation fitted on a training set and applied unchanged to
/// other splits (the paper's Appendix E compares raw and min-max features).
public struct Normalizer {
    public enum Method: String, CaseIterable, Sendable {
        case none
        /// (x − min) / (max − min) per feature; constant features map to 0.
        case minmax
        /// (x − mean) / std per feature; constant features map to 0.
        case standardize
    }

    public let method: Method
    /// Per feature: x' = (x − shift) / divisor, and 0 where the divisor is 0.
    public let shift: [Float]
    public let divisor: [Float]

    public init(fitting features: Tensor, method: Method) throws {
        try features.requireRank(2, "features")
        guard features.dtype != .int32 else { throw FlipError("features must be float32 or uint8") }
        guard features.rows > 0 else { throw FlipError("cannot fit a normaliser on an empty set") }
        self.method = method
        let (n, d) = (features.rows, features.rowLength)
        switch method {
        case .none:
            shift = [Float](repeating: 0, count: d)
            divisor = [Float](repeating: 1, count: d)
        case .minmax:
            var low = [Double](repeating: .infinity, count: d)
            var high = [Double](repeating: -.infinity, count: d)
            for i in 0..<n {
                for k in 0..<d {
                    let v = features.value(at: i * d + k)
                    low[k] = min(low[k], v)
                    high[k] = max(high[k], v)
                }
            }
            shift = low.map(Float.init)
            divisor = zip(low, high).map { Float($1 - $0) }
        case .standardize:
            var mean = [Double](repeating: 0, count: d)
            for i in 0..<n { for k in 0..<d { mean[k] += features.value(at: i * d + k) } }
            mean = mean.map { $0 / Double(n) }
            var variance = [Double](repeating: 0, count: d)
            for i in 0..<n {
                for k in 0..<d {
                    let e = features.value(at: i * d + k) - mean[k]
                    variance[k] += e * e
                }
            }
            shift = mean.map(Float.init)
            divisor = variance.map { Float(($0 / Double(n)).squareRoot()) }
        }
    }

    /// The normalised features as float32; with `none`, uint8 features stay uint8 (a copy is not made).
    public func apply(_ features: Tensor) throws -> Tensor {
        try features.requireRank(2, "features")
        guard features.rowLength == shift.count else {
            throw FlipError("features have \(features.rowLength) columns, the normaliser was fitted on \(shift.count)")
        }
        if method == .none { return features }
        let out = try Tensor(zeros: features.shape)
        let d = shift.count
        let y = out.floats
        for i in 0..<features.rows {
            for k in 0..<d {
                y[i * d + k] = divisor[k] > 0 ? (Float(features.value(at: i * d + k)) - shift[k]) / divisor[k] : 0
            }
        }
        return out
    }
}
