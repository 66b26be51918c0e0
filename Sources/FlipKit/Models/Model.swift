/// A classifier trained by gradient descent: a kernel (the architecture's
/// forward and backward pass) plus its parameters. The drivers in
/// Model+Sweep.swift and Model+Training.swift turn the kernel into gradients,
/// losses, predictions and epochs over any subset of a dataset.
///
/// Parameters live in one contiguous float32 tensor whose shape is the
/// architecture's natural one (binary: [d+1]; softmax: [C, d+1]; MLP: flat),
/// bias last in each row, so an attacker can read them and a target model
/// can be built from them.
public final class Model {
    let kernel: any ModelKernel
    public let parameters: Tensor
    /// Batches trained so far: the next training pass's dropout step.
    var trainingSteps: UInt64 = 0

    /// Largest parameter count a model may have: the server stacks n of them.
    public static let maxParameters = 1 << 30

    init(kernel: any ModelKernel) throws {
        let count = try Tensor.elementCount(of: kernel.parameterShape)
        guard count <= Model.maxParameters else {
            throw FlipError("the model would hold \(count) parameters, more than the \(Model.maxParameters) allowed")
        }
        self.kernel = kernel
        parameters = try Tensor(zeros: kernel.parameterShape)
    }

    public var kind: String { kernel.kind }
    public var inputDimension: Int { kernel.inputDimension }
    public var classes: Int { kernel.classes }
    public var parameterCount: Int { parameters.count }
    public var summary: String { kernel.summary }

    /// Copies `values` (float32, any shape with the right count) into the parameters.
    public func setParameters(_ values: Tensor) throws {
        try values.requireDType(.float32, "parameters")
        guard values.count == parameterCount else {
            throw FlipError("parameters need \(parameterCount) elements (\(kernel.layout)), got \(values.count)")
        }
        parameters.floats.baseAddress!.update(from: values.floats.baseAddress!, count: parameterCount)
    }

    public var isFinite: Bool { parameters.floats.allSatisfy { $0.isFinite } }

    /// A copy with its own parameters.
    public func clone() throws -> Model {
        let copy = try Model(kernel: kernel)
        try copy.setParameters(parameters)
        copy.trainingSteps = trainingSteps
        return copy
    }

    func checkLabels(_ labels: Tensor, rows n: Int, what: String = "labels") throws {
        try labels.requireDType(.int32, what)
        try labels.requireRank(1, what)
        guard labels.count == n else { throw FlipError("\(n) feature rows but \(labels.count) \(what)") }
        let limit = Int32(classes)
        for (i, y) in labels.int32s.enumerated() where y < 0 || y >= limit {
            if classes == 2 { throw FlipError("binary \(what) must be 0 or 1, got \(y) at row \(i + 1)") }
            throw FlipError("\(what) must be classes 0..\(classes - 1), got \(y) at row \(i + 1)")
        }
    }
}

/// One architecture's forward and backward pass. Kernels hold only the sizes;
/// parameters are passed in, so a kernel is shared by a model and its clones.
protocol ModelKernel: Sendable {
    var kind: String { get }
    var summary: String { get }
    var inputDimension: Int { get }
    var classes: Int { get }
    var parameterShape: [Int] { get }
    /// Words for the parameter layout, used in error messages.
    var layout: String { get }
    /// Rows per block when the model sweeps a dataset.
    var sweepRows: Int { get }
    /// Sizes of the float buffers a pass over at most `rows` rows needs.
    func workspaceSizes(rows: Int) -> [Int]
    /// A forward pass over `n` augmented rows `x` (see AugmentedRows), and what `outputs`
    /// asks for (see PassOutputs). Returns the summed loss if asked, else 0.
    func pass(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
              labels: UnsafePointer<Int32>?, _ outputs: PassOutputs, workspace: Workspace) -> Double
    /// Logits per row: 1 for the binary model (the logit of class 1), else the class count.
    var logitWidth: Int { get }
    /// The logits of `n` augmented rows into `z` [n × logitWidth].
    func logits(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
                into z: UnsafeMutablePointer<Float>, workspace: Workspace)
    /// The backward half of `pass`: adds `outputs.gradientScale` times the
    /// gradient whose logit residuals are `dz` [n × logitWidth] to
    /// `outputs.gradient`, reading what `logits` or `pass` left in `workspace`
    /// for the same rows (the MLP's activations).
    func backward(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
                  residuals dz: UnsafeMutablePointer<Float>, _ outputs: PassOutputs, workspace: Workspace)
}

/// What a pass computes besides the logits. Everything but predictions needs labels.
struct PassOutputs {
    /// Receives `gradientScale` times the gradient of the summed loss, added to
    /// what it holds. It may be the parameters themselves: a kernel reads each
    /// layer's weights before it adds to them, so a scale of −lr/rows is a
    /// plain SGD step taken inside the pass.
    var gradient: UnsafeMutablePointer<Float>? = nil
    var gradientScale: Float = 1
    /// Add only the last layer's gradient (a model with one layer adds all of it).
    var outputLayerOnly = false
    /// Return the summed loss.
    var loss = false
    var losses: UnsafeMutablePointer<Double>? = nil
    var predictions: UnsafeMutablePointer<Int32>? = nil

    var crossEntropy: CrossEntropy.Outputs {
        CrossEntropy.Outputs(residual: gradient != nil, loss: loss, losses: losses, predictions: predictions)
    }
}

/// Per-pass scratch buffers, allocated once for the largest batch.
final class Workspace {
    private let buffers: [Scratch]
    /// The training step a training epoch's pass runs (nil in every other
    /// pass): it keys a deep model's dropout masks (Dropout).
    var dropoutStep: UInt64? = nil

    init(_ sizes: [Int]) { buffers = sizes.map { Scratch($0) } }

    subscript(_ i: Int) -> UnsafeMutablePointer<Float> { buffers[i].buffer }
}

func checkDimension(_ d: Int, _ what: String = "input dimension") throws {
    guard d >= 1, d <= Int(Int32.max) - 1 else { throw FlipError("\(what) must be at least 1, got \(d)") }
}
