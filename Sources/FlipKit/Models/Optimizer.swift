/// The update rule applied to a model's parameters given a mean gradient:
/// SGD (optionally with momentum) or Adam, each with optional L2 weight decay.
/// An optimizer keeps its state (velocity, moments) for one parameter count.
public final class Optimizer {
    public enum Method: Sendable, Equatable {
        case sgd(momentum: Double)
        case adam(beta1: Double, beta2: Double, epsilon: Double)
    }

    public let method: Method
    public var learningRate: Double
    public let weightDecay: Double
    public private(set) var steps = 0
    private var first: [Float] = []
    private var second: [Float] = []

    public init(_ method: Method, learningRate: Double, weightDecay: Double = 0) throws {
        guard learningRate.isFinite, learningRate > 0 else {
            throw FlipError("learning rate must be a positive number, got \(formatNumber(learningRate))")
        }
        guard weightDecay.isFinite, weightDecay >= 0 else {
            throw FlipError("weight decay must be a non-negative number, got \(formatNumber(weightDecay))")
        }
        switch method {
        case .sgd(let momentum):
            guard momentum.isFinite, momentum >= 0, momentum < 1 else {
                throw FlipError("momentum must be in [0, 1), got \(formatNumber(momentum))")
            }
        case .adam(let beta1, let beta2, let epsilon):
            for (name, beta) in [("beta1", beta1), ("beta2", beta2)] where !(beta.isFinite && beta >= 0 && beta < 1) {
                throw FlipError("\(name) must be in [0, 1), got \(formatNumber(beta))")
            }
            guard epsilon.isFinite, epsilon > 0 else { throw FlipError("epsilon must be a positive number, got \(formatNumber(epsilon))") }
        }
        self.method = method
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    public var name: String {
        switch method {
        case .sgd: return "sgd"
        case .adam: return "adam"
        }
    }

    /// Forgets velocity and moments.
    public func reset() {
        steps = 0
        first = []
        second = []
    }

    /// Checks that the optimizer's state fits `count` parameters, allocating it on first use.
    func prepare(count: Int) throws {
        let needed: Int
        switch method {
        case .sgd(let momentum): needed = momentum > 0 ? 1 : 0
        case .adam: needed = 2
        }
        if steps > 0 && !first.isEmpty && first.count != count {
            throw FlipError("this optimizer holds state for \(first.count) parameters, the model has \(count); use a new optimizer or reset it")
        }
        if needed >= 1 && first.count != count { first = [Float](repeating: 0, count: count) }
        if needed == 2 && second.count != count { second = [Float](repeating: 0, count: count) }
    }

    /// The learning rate when the update is p −= lr·g and nothing else (SGD
    /// without momentum or weight decay): a kernel can then apply it itself.
    var plainRate: Float? {
        guard case .sgd(let momentum) = method, momentum == 0, weightDecay == 0 else { return nil }
        return Float(learningRate)
    }

    /// Records a step a kernel applied itself (see plainRate).
    func countStep() { steps += 1 }

    /// One update of `count` parameters from the mean gradient `scale`·`g`: a
    /// summed gradient and 1/rows, scaled here in the same pass as the update
    /// (rules in OptimizerRules.swift).
    func step(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, scale: Float, count: Int) {
        steps += 1
        let lr = Float(learningRate)
        let input = StepInput(parameters: p, gradient: g, scale: scale, decay: weightDecay > 0 ? Float(weightDecay) : nil)
        switch method {
        case .sgd(let momentum):
            guard momentum > 0 else { return PlainStep(input: input, lr: lr).sweep(count: count) }
            first.withUnsafeMutableBufferPointer { velocity in
                MomentumStep(input: input, lr: lr, momentum: Float(momentum), velocity: velocity.baseAddress!).sweep(count: count)
            }
        case .adam(let beta1, let beta2, let epsilon):
            first.withUnsafeMutableBufferPointer { m in
                second.withUnsafeMutableBufferPointer { v in
                    AdamStep(input: input, lr: lr, beta1: Float(beta1), beta2: Float(beta2), epsilon: Float(epsilon),
                             correction1: Float(1 - _pow(beta1, Double(steps))), correction2: Float(1 - _pow(beta2, Double(steps))),
                             first: m.baseAddress!, second: v.baseAddress!).sweep(count: count)
                }
            }
        }
    }

    /// Applies one update to `model` from a mean gradient shaped like its parameters
    /// (the parameter server's step).
    public func step(model: Model, gradient: Tensor) throws {
        try gradient.requireDType(.float32, "gradient")
        guard gradient.count == model.parameterCount else {
            throw FlipError("gradient has \(gradient.count) elements, the model has \(model.parameterCount) parameters")
        }
        try prepare(count: model.parameterCount)
        step(model.parameters.floats.baseAddress!, gradient: gradient.floats.baseAddress!, scale: 1, count: model.parameterCount)
    }
}
