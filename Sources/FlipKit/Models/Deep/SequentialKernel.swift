/// A deep model: layers applied in order to an image, the last a linear head
/// giving the logits (the softmax cross-entropy is the loss, as for the other
/// classifiers). Parameters are the layers' blocks one after the other in one
/// flat float32 vector. The head's input is the model's penultimate features
/// and its weights [classes, features + 1] its last layer, so the last-layer
/// attack reads a deep model as it reads the MLP.
///
/// Input rows are images channel-major, as the datasets store them (a CIFAR
/// row is its red plane, then green, then blue); the kernel moves them to the
/// layers' channels-last layout (ActivationShape) as it reads them.
struct SequentialKernel: ModelKernel {
    let kind: String
    let image: ActivationShape
    let classes: Int
    let specs: [LayerSpec]
    let stack: LayerStack

    static let kinds = ["cnn", "vit", "sequential"]

    init(kind: String, image: ActivationShape, classes: Int, layers specs: [LayerSpec]) throws {
        guard SequentialKernel.kinds.contains(kind) else { throw FlipError("unknown deep model kind '\(kind)'") }
        for (value, what) in [(image.height, "height"), (image.width, "width"), (image.channels, "channels")]
        where value < 1 || value > DeepLayer.maxOption {
            throw FlipError("the input's \(what) must be 1 to \(DeepLayer.maxOption), got \(value)")
        }
        try checkDimension(image.count)
        try checkClasses(classes)
        guard !specs.isEmpty else { throw FlipError("a deep model needs at least one layer") }
        let stack = try LayerStack(input: image, specs: specs)
        guard stack.parameterCount <= Model.maxParameters else {
            throw FlipError("the model would hold \(stack.parameterCount) parameters, more than the \(Model.maxParameters) allowed")
        }
        guard case .linear = stack.layers.last!, stack.output.count == classes else {
            throw FlipError("the last layer must be a linear head with \(classes) outputs (one per class), got \(specs.last!.name) giving \(stack.output)")
        }
        self.kind = kind
        self.image = image
        self.classes = classes
        self.specs = specs
        self.stack = stack
    }

    var summary: String {
        let weighted = stack.blocks.count
        let name = ["cnn": "CNN", "vit": "ViT"][kind] ?? "Sequential"
        return "\(name)(\(image) input, \(stack.layers.count) layers, \(weighted) with parameters, \(stack.parameterCount) parameters, \(classes) classes)"
    }
    var inputDimension: Int { image.count }
    var logitWidth: Int { classes }
    var parameterShape: [Int] { [stack.parameterCount] }
    var layout: String { stack.blocks.map { $0.shape.map(String.init).joined(separator: "×") }.joined(separator: ", ") }

    /// The head's inputs.
    var featureWidth: Int { stack.layers.last!.input.count }

    var sweepRows: Int { 64 }

    /// The channels-last input, the stack's cache, the label logits.
    func workspaceSizes(rows: Int) -> [Int] { [rows * image.count, stack.cacheSize(rows: rows), rows] }

    /// The rows' pixels channels last, into `into` [n × inputDimension].
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func load<T: DeepScalar>(_ x: AugmentedRows, rows n: Int, into out: UnsafeMutablePointer<T>) {
        let (c, positions) = (image.channels, image.positions)
        for s in 0..<n {
            let (row, target) = (x.base + s * x.stride, out + s * image.count)
            if c == 1 {
                for k in 0..<positions { target[k] = T(row[k]) }
            } else {
                for k in 0..<positions { for j in 0..<c { target[k * c + j] = T(row[j * positions + k]) } }
            }
        }
    }

    private func context(_ workspace: Workspace) -> PassContext { PassContext(dropoutStep: workspace.dropoutStep) }

    /// Runs the layers before the head (all of them with `head`); returns the last output.
    func run(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int, workspace: Workspace,
             head: Bool = true) -> UnsafePointer<Float> {
        load(x, rows: n, into: workspace[0])
        return stack.forward(parameters, workspace[0], rows: n, cache: workspace[1], context: context(workspace),
                             count: head ? nil : stack.layers.count - 1)
    }

    func pass(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
              labels: UnsafePointer<Int32>?, _ outputs: PassOutputs, workspace: Workspace) -> Double {
        // The head's output, in the cache: nothing reads it after the softmax.
        let z = UnsafeMutablePointer(mutating: run(parameters, x, rows: n, workspace: workspace))
        let total = CrossEntropy.softmax(z, rows: n, classes: classes, labels: labels, outputs.crossEntropy,
                                         labelLogits: workspace[2])
        backward(parameters, x, rows: n, residuals: z, outputs, workspace: workspace)
        return total
    }

    func backward(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
                  residuals dz: UnsafeMutablePointer<Float>, _ outputs: PassOutputs, workspace: Workspace) {
        guard let gradient = outputs.gradient else { return }
        stack.backward(parameters, workspace[0], rows: n, cache: workspace[1], dy: dz, dx: nil, gradient: gradient,
                       scale: outputs.gradientScale, context: context(workspace), last: outputs.outputLayerOnly ? 1 : nil)
    }

    func logits(_ parameters: UnsafeMutablePointer<Float>, _ x: AugmentedRows, rows n: Int,
                into z: UnsafeMutablePointer<Float>, workspace: Workspace) {
        z.update(from: run(parameters, x, rows: n, workspace: workspace), count: n * classes)
    }

    /// Each layer's parameters drawn as its kind starts (Affine, Normalization, the embeddings).
    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator) {
        for (layer, offset) in zip(stack.layers, stack.offsets) { layer.pass.initialize(p + offset, generator) }
    }
}
