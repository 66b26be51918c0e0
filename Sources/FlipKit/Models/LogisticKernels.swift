/// Binary logistic regression: p(y = 1 | x) = σ(⟨w, x⟩ + b), parameters
/// α = (w, b) ∈ R^{d+1} as in the paper.
struct BinaryLogisticKernel: ModelKernel {
    let layer: DenseLayer

    init(inputs: Int) throws {
        try checkDimension(inputs)
        layer = DenseLayer(inputs: inputs, outputs: 1)
    }

    var kind: String { "logistic" }
    var summary: String { "LogisticRegression(\(inputDimension) inputs, binary)" }
    var inputDimension: Int { layer.inputs }
    var classes: Int { 2 }
    var logitWidth: Int { 1 }
    var parameterShape: [Int] { [layer.inputs + 1] }
    var layout: String { "weights and bias" }

    var sweepRows: Int { Model.narrowBlockRows }
    func workspaceSizes(rows: Int) -> [Int] { [rows] }

    func pass(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
              labels: UnsafePointer<Int32>?, _ outputs: PassOutputs, workspace: Workspace) -> Double {
        let z = workspace[0]
        layer.forward(parameters, x, rows: n, into: z)
        let total = CrossEntropy.binary(z, rows: n, labels: labels, outputs.crossEntropy)
        backward(parameters, x, rows: n, residuals: z, outputs, workspace: workspace)
        return total
    }

    func backward(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
                  residuals dz: UnsafeMutablePointer<Float>, _ outputs: PassOutputs, workspace: Workspace) {
        if let gradient = outputs.gradient { layer.accumulateGradient(gradient, scale: outputs.gradientScale, dz, x, rows: n) }
    }

    func logits(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
                into z: UnsafeMutablePointer<Float>, workspace: Workspace) {
        layer.forward(parameters, x, rows: n, into: z)
    }
}

/// Multinomial (softmax) logistic regression: W ∈ R^{C × (d+1)}, one row per
/// class, bias last (the paper's Section 3 model).
struct SoftmaxKernel: ModelKernel {
    let layer: DenseLayer

    init(inputs: Int, classes: Int) throws {
        try checkDimension(inputs)
        try checkClasses(classes)
        layer = DenseLayer(inputs: inputs, outputs: classes)
    }

    var kind: String { "softmax" }
    var summary: String { "SoftmaxRegression(\(inputDimension) inputs, \(classes) classes)" }
    var inputDimension: Int { layer.inputs }
    var classes: Int { layer.outputs }
    var logitWidth: Int { classes }
    var parameterShape: [Int] { [layer.outputs, layer.inputs + 1] }
    var layout: String { "\(classes) rows of \(inputDimension) weights and a bias" }

    var sweepRows: Int { Model.narrowBlockRows }
    func workspaceSizes(rows: Int) -> [Int] { [rows * classes, rows] }

    func pass(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
              labels: UnsafePointer<Int32>?, _ outputs: PassOutputs, workspace: Workspace) -> Double {
        let z = workspace[0]
        layer.forward(parameters, x, rows: n, into: z)
        let total = CrossEntropy.softmax(z, rows: n, classes: classes, labels: labels, outputs.crossEntropy,
                                         labelLogits: workspace[1])
        backward(parameters, x, rows: n, residuals: z, outputs, workspace: workspace)
        return total
    }

    func backward(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
                  residuals dz: UnsafeMutablePointer<Float>, _ outputs: PassOutputs, workspace: Workspace) {
        if let gradient = outputs.gradient { layer.accumulateGradient(gradient, scale: outputs.gradientScale, dz, x, rows: n) }
    }

    func logits(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
                into z: UnsafeMutablePointer<Float>, workspace: Workspace) {
        layer.forward(parameters, x, rows: n, into: z)
    }
}

func checkClasses(_ c: Int) throws {
    guard c >= 2, c <= 1 << 16 else { throw FlipError("a classifier needs 2 to 65536 classes, got \(c)") }
}
