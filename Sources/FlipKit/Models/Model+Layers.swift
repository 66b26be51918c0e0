/// The layers of a model as separate tensors, and the penultimate features
/// of the MLP and the deep models (the input of their last layer).
extension Model {
    /// Where each layer's block of parameters starts, and its shape.
    var parameterBlocks: [(offset: Int, shape: [Int])] {
        if let mlp = kernel as? PerceptronKernel { return Array(zip(mlp.layerOffsets, mlp.layerShapes)) }
        if let deep = kernel as? SequentialKernel { return deep.stack.blocks }
        return [(0, kernel is BinaryLogisticKernel ? [1, inputDimension + 1] : parameters.shape)]
    }

    /// How many layers with parameters the model has (1 for the regressions,
    /// 2 for the MLP, a deep model's every block: a convolution, a norm's
    /// scales and shifts, an embedding, an attention's projections, a linear layer).
    public var layerCount: Int { parameterBlocks.count }

    /// Refuses a layer number the model does not have (1-based).
    public func checkLayer(_ index: Int) throws {
        guard index >= 1, index <= layerCount else {
            throw FlipError("layer \(index) does not exist; the \(kind) model has \(layerCount == 1 ? "1 layer" : "\(layerCount) layers")")
        }
    }

    /// A copy of layer `index` (1-based) as [outputs, inputs + 1], bias last, taken
    /// from the parameters or from `source`, a tensor laid out like them (a gradient, a delta).
    public func layer(_ index: Int, of source: Tensor? = nil) throws -> Tensor {
        try checkLayer(index)
        let values = source ?? parameters
        try values.requireDType(.float32, "tensor")
        guard values.count == parameterCount else {
            throw FlipError("tensor has \(values.count) elements, the model has \(parameterCount) parameters")
        }
        let (offset, shape) = parameterBlocks[index - 1]
        let out = try Tensor(zeros: shape)
        out.floats.baseAddress!.update(from: values.floats.baseAddress! + offset, count: out.count)
        return out
    }

    /// Replaces layer `index` (1-based) with `values` (float32, the layer's element count).
    public func setLayer(_ index: Int, _ values: Tensor) throws {
        let current = try layer(index)
        try values.requireDType(.float32, "layer")
        guard values.count == current.count else {
            throw FlipError("layer \(index) needs \(current.count) elements (\(current.shapeText)), got \(values.count)")
        }
        let offset = parameterBlocks[index - 1].offset
        (parameters.floats.baseAddress! + offset).update(from: values.floats.baseAddress!, count: values.count)
    }

    /// Width of the penultimate features: the hidden width for the MLP, the
    /// head's inputs for a deep model, the input dimension for the
    /// regressions (their last layer reads x).
    public var featureWidth: Int {
        (kernel as? PerceptronKernel)?.hidden ?? (kernel as? SequentialKernel)?.featureWidth ?? inputDimension
    }

    /// The input of the last layer for each row: ReLU activations [n, hidden]
    /// for the MLP, the head's input for a deep model (channels last); the
    /// widened features themselves for the regressions.
    public func penultimateFeatures(features: Tensor, rows: Tensor? = nil) throws -> Tensor {
        let total = try validate(features: features, labels: nil, rows: rows, overrides: nil)
        let width = featureWidth
        let out = try Tensor(zeros: [total, width])
        let o = out.floats.baseAddress!
        if let deep = kernel as? SequentialKernel {
            let workspace = Workspace(deep.workspaceSizes(rows: min(blockRows, max(total, 1))))
            let p = parameters.floats.baseAddress!
            sweep(features: features, labels: nil, rows: rows, overrides: nil) { x, _, n, first in
                (o + first * width).update(from: deep.run(p, x, rows: n, workspace: workspace, head: false), count: n * width)
            }
            return out
        }
        let mlp = kernel as? PerceptronKernel
        let block = min(blockRows, max(total, 1))
        // The MLP's pre-activations and augmented activations; a regression needs neither.
        let scratch = mlp.map { _ in (a: Scratch(block * width), h: Scratch(block * (width + 1))) }
        let p = parameters.floats.baseAddress!
        sweep(features: features, labels: nil, rows: rows, overrides: nil) { x, _, n, first in
            if let mlp, let scratch {
                let activations = mlp.hiddenActivations(p, x, rows: n, a: scratch.a.buffer, h: scratch.h.buffer)
                FeatureBlock.copyFeatures(activations, width: width, rows: n, into: o + first * width)
            } else {
                FeatureBlock.copyFeatures(x, width: width, rows: n, into: o + first * width)
            }
        }
        return out
    }
}
