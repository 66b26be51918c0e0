/// The architectures flipside trains, as models with fresh parameters.
extension Model {
    /// Binary logistic regression on `dimension` features; parameters start at zero.
    public static func binaryLogistic(dimension: Int) throws -> Model {
        try Model(kernel: try BinaryLogisticKernel(inputs: dimension))
    }

    /// Softmax regression on `inputs` features and `classes` classes; parameters start at zero.
    public static func softmax(inputs: Int, classes: Int) throws -> Model {
        try Model(kernel: try SoftmaxKernel(inputs: inputs, classes: classes))
    }

    /// A 2-layer ReLU perceptron. Each layer starts uniform in ±1/√fan-in
    /// (weights and biases), drawn from `generator`.
    public static func perceptron(inputs: Int, hidden: Int, classes: Int, generator: Generator) throws -> Model {
        let kernel = try PerceptronKernel(inputs: inputs, hidden: hidden, classes: classes)
        let model = try Model(kernel: kernel)
        let p = model.parameters.floats
        for (layer, offset) in zip([kernel.first, kernel.second], kernel.layerOffsets) {
            let bound = 1 / Double(layer.inputs).squareRoot()
            for k in offset..<offset + layer.parameterCount { p[k] = Float((2 * generator.uniform() - 1) * bound) }
        }
        return model
    }

    /// A deep model (`kind` "cnn", "vit" or "sequential") of `layers` on
    /// `image`s, channel-major rows (SequentialKernel); each layer's
    /// parameters drawn from `generator` as its kind starts them.
    public static func deep(kind: String, image: ActivationShape, classes: Int, layers: [LayerSpec],
                            generator: Generator) throws -> Model {
        let kernel = try SequentialKernel(kind: kind, image: image, classes: classes, layers: layers)
        let model = try Model(kernel: kernel)
        kernel.initialize(model.parameters.floats.baseAddress!, generator)
        return model
    }
}
