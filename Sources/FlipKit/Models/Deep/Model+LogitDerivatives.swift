/// The multi-class greedy rule on a deep model's full gradient. Flipping
/// point i from y to c changes its loss gradient by J_iᵀ(e_y − e_c), J_i the
/// Jacobian of its logits in the parameters (softmax cross-entropy: the
/// probabilities cancel), so its projection on Δ changes by (J_iΔ)_y − (J_iΔ)_c.
/// The scores s_ic = (J_iΔ)_c take the place of the linear models'
/// ⟨x̃_i, Δ_c⟩ (for softmax regression they are the same numbers).
extension Model {
    /// Whether the model is a deep model (SequentialKernel).
    public var isDeep: Bool { kernel is SequentialKernel }

    /// float32 [visited, C]: the derivative of each visited row's logits
    /// along `direction` (shaped like the parameters). Computed as a central
    /// difference of two forward passes in Double at θ ± εΔ, ε = 10⁻⁶ / max|Δ|:
    /// the error is O(ε²) plus rounding near 10⁻¹⁰ relative, far below the
    /// float32 scores; a row whose ReLU or max pool switches within ±εΔ (a
    /// measure-zero event as ε → 0) gets a one-sided mixture there.
    public func logitDerivatives(features: Tensor, rows: Tensor? = nil, along direction: Tensor) throws -> Tensor {
        guard let deep = kernel as? SequentialKernel else {
            throw FlipError("logit derivatives are for deep models; the \(kind) model's scores are ⟨x, Δ_c⟩")
        }
        try direction.requireDType(.float32, "delta")
        guard direction.count == parameterCount else {
            throw FlipError("delta has \(direction.count) elements, the model has \(parameterCount) parameters")
        }
        try FlipValidator.requireFinite(delta: direction)
        let total = try validate(features: features, labels: nil, rows: rows, overrides: nil)
        let c = classes
        let out = try Tensor(zeros: [total, c])
        let largest = direction.floats.reduce(Float(0)) { max($0, abs($1)) }
        guard total > 0, largest > 0 else { return out }
        let epsilon = 1e-6 / Double(largest)
        let count = parameterCount
        let (plus, minus) = (UnsafeMutablePointer<Double>.allocate(capacity: count), UnsafeMutablePointer<Double>.allocate(capacity: count))
        defer {
            plus.deallocate()
            minus.deallocate()
        }
        for k in 0..<count {
            let (p, d) = (Double(parameters.floats[k]), epsilon * Double(direction.floats[k]))
            plus[k] = p + d
            minus[k] = p - d
        }
        let block = min(blockRows, total)
        let input = UnsafeMutablePointer<Double>.allocate(capacity: block * inputDimension)
        let cacheSize = deep.stack.cacheSize(rows: block)
        let cache = UnsafeMutablePointer<Double>.allocate(capacity: cacheSize)
        let high = UnsafeMutablePointer<Double>.allocate(capacity: block * c)
        defer {
            input.deallocate()
            cache.deallocate()
            high.deallocate()
        }
        cache.initialize(repeating: 0, count: cacheSize)
        let o = out.floats.baseAddress!
        sweep(features: features, labels: nil, rows: rows, overrides: nil) { x, _, n, first in
            deep.load(x, rows: n, into: input)
            high.update(from: deep.stack.forward(plus, input, rows: n, cache: cache, context: PassContext()), count: n * c)
            let low = deep.stack.forward(minus, input, rows: n, cache: cache, context: PassContext())
            for k in 0..<n * c { o[first * c + k] = Float((high[k] - low[k]) / (2 * epsilon)) }
        }
        return out
    }
}
