/// A two-layer perceptron: x → ReLU(W₁x̃) = h → softmax(W₂h̃). Parameters are
/// W₁ [hidden × (d+1)] followed by W₂ [C × (hidden+1)] in one flat vector.
/// The hidden activations h are the penultimate features of the paper's
/// footnote 1: the last layer is a softmax regression on them.
struct PerceptronKernel: ModelKernel {
    let first: DenseLayer
    let second: DenseLayer

    init(inputs: Int, hidden: Int, classes: Int) throws {
        try checkDimension(inputs)
        try checkDimension(hidden, "hidden width")
        try checkClasses(classes)
        first = DenseLayer(inputs: inputs, outputs: hidden)
        second = DenseLayer(inputs: hidden, outputs: classes)
    }

    var kind: String { "mlp" }
    var summary: String { "MLP(\(inputDimension) inputs, \(hidden) hidden ReLU, \(classes) classes)" }
    var inputDimension: Int { first.inputs }
    var hidden: Int { first.outputs }
    var classes: Int { second.outputs }
    var logitWidth: Int { classes }
    var parameterShape: [Int] { [first.parameterCount + second.parameterCount] }
    var layout: String { "\(hidden)×\(inputDimension + 1) first layer, then \(classes)×\(hidden + 1) second layer" }

    /// Offsets of each layer's block in the flat parameter vector.
    var layerOffsets: [Int] { [0, first.parameterCount] }
    var layerShapes: [[Int]] { [[hidden, inputDimension + 1], [classes, hidden + 1]] }

    /// The hidden layer is wide enough for OpenBLAS's blocked products: larger
    /// blocks amortise its packing (measured best at 256–512 rows).
    var sweepRows: Int { 256 }

    /// pre-activation a, augmented activation h̃, logits z, dh, and the label logits.
    func workspaceSizes(rows: Int) -> [Int] { [rows * hidden, rows * (hidden + 1), rows * classes, rows * hidden, rows] }

    /// h̃ = (ReLU(W₁x̃), 1) into `h` [n × (hidden + 1)], keeping the pre-activation in `a`.
    func hiddenActivations(_ parameters: UnsafePointer<Float>, _ x: AugmentedRows, rows n: Int,
                           a: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) -> AugmentedRows {
        first.forward(parameters, x, rows: n, into: a)
        for i in 0..<n {
            let (pre, row) = (a + i * hidden, h + i * (hidden + 1))
            for j in 0..<hidden { row[j] = pre[j] > 0 ? pre[j] : 0 }
            row[hidden] = 1
        }
        return AugmentedRows(base: h, stride: hidden + 1)
    }

    func pass(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
              labels: UnsafePointer<Int32>?, _ outputs: PassOutputs, workspace: Workspace) -> Double {
        let z = workspace[2]
        let activations = hiddenActivations(parameters, x, rows: n, a: workspace[0], h: workspace[1])
        second.forward(parameters + first.parameterCount, activations, rows: n, into: z)
        let total = CrossEntropy.softmax(z, rows: n, classes: classes, labels: labels, outputs.crossEntropy,
                                         labelLogits: workspace[4])
        backward(parameters, x, rows: n, residuals: z, outputs, workspace: workspace)
        return total
    }

    func backward(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
                  residuals dz: UnsafeMutablePointer<Float>, _ outputs: PassOutputs, workspace: Workspace) {
        guard let gradient = outputs.gradient else { return }
        let (a, dh) = (workspace[0], workspace[3])
        let w2 = parameters + first.parameterCount
        let activations = AugmentedRows(base: workspace[1], stride: hidden + 1)
        // dh reads W₂ before W₂'s gradient is added: the gradient may be the parameters.
        if !outputs.outputLayerOnly { second.backward(w2, dz, rows: n, into: dh) }
        second.accumulateGradient(gradient + first.parameterCount, scale: outputs.gradientScale, dz, activations, rows: n)
        guard !outputs.outputLayerOnly else { return }
        for k in 0..<n * hidden where a[k] <= 0 { dh[k] = 0 }
        first.accumulateGradient(gradient, scale: outputs.gradientScale, dh, x, rows: n)
    }

    func logits(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
                into z: UnsafeMutablePointer<Float>, workspace: Workspace) {
        let activations = hiddenActivations(parameters, x, rows: n, a: workspace[0], h: workspace[1])
        second.forward(parameters + first.parameterCount, activations, rows: n, into: z)
    }
}
