import FlipKit
import Foundation

/// The declarations of flipside.model.cnn, .vit and .sequential and of the
/// layer tables `sequential` reads (DeepModelOptions.swift).
enum DeepModelReference {
    static let input = FieldDoc("input", "integer[]?", "the image as {height, width, channels}; rows are channel-major, as the datasets store them ({28, 28, 1})")
    static let classes = FieldDoc("classes", "integer?", "the number of classes (10)")
    static let rng = FieldDoc("rng", "flipside.Generator", "draws the initial weights and the dropout seed (required)")
    static let dropout = FieldDoc("dropout", "number?", "dropout rate in [0, 1) after the hidden layer (0: none); active in `train_epoch` only, its masks keyed by a seed drawn from `rng` and the training step")

    static let cnnOptions = ClassDoc("flipside.CNNOptions", "Options of `flipside.model.cnn`.", fields: [
        input, classes, rng,
        FieldDoc("channels", "integer[]?", "the channels of each convolution block ({16, 32}); a block is conv, [batch norm], ReLU, 2×2 max pool"),
        FieldDoc("kernel", "integer?", "the convolutions' square kernel, padded by kernel // 2 (3)"),
        FieldDoc("hidden", "integer?", "the ReLU units before the head: the penultimate features (128)"),
        FieldDoc("batch_norm", "boolean?", "batch norm after each convolution, with the statistics of the rows in each pass (false)"),
        dropout,
    ])

    static let vitOptions = ClassDoc("flipside.ViTOptions", "Options of `flipside.model.vit`; the defaults are for Fashion-MNIST (16 patches of 7×7).", fields: [
        input, classes, rng,
        FieldDoc("patch", "integer?", "the square patch, which must divide the image (7)"),
        FieldDoc("width", "integer?", "the tokens' width (64)"),
        FieldDoc("depth", "integer?", "the transformer blocks (4)"),
        FieldDoc("heads", "integer?", "the attention heads, which must divide the width (2)"),
        FieldDoc("mlp", "integer?", "the GELU units of each block's MLP (2 × width)"),
        FieldDoc("dropout", "number?", "dropout rate in [0, 1) after each block's GELU units (0: none); active in `train_epoch` only"),
    ])

    static let sequentialOptions = ClassDoc("flipside.SequentialOptions", "Options of `flipside.model.sequential`.", fields: [
        FieldDoc("input", "integer[]", "the image as {height, width, channels}; rows are channel-major (required)"),
        FieldDoc("classes", "integer", "the number of classes (required)"),
        FieldDoc("layers", "flipside.Layer[]", "the layers in order, the last a `linear` head of `classes` outputs (required)"),
        rng,
    ])

    static let type = FieldDoc("type", "string", "the layer's kind")

    /// The fields each layer type takes, besides `type`.
    static let layerFields: [String: [FieldDoc]] = [
        "conv": [FieldDoc("channels", "integer", "output channels (required)"), FieldDoc("kernel", "integer?", "square kernel (3)"),
                 FieldDoc("stride", "integer?", "stride (1)"), FieldDoc("padding", "integer?", "zero padding on each side, below the kernel (0)")],
        "maxpool": [FieldDoc("size", "integer?", "square window (2)"), FieldDoc("stride", "integer?", "stride (the size)")],
        "avgpool": [FieldDoc("size", "integer?", "square window (2)"), FieldDoc("stride", "integer?", "stride (the size)")],
        "layernorm": [], "batchnorm": [], "relu": [], "gelu": [], "class_token": [], "positions": [], "first_token": [],
        "dropout": [FieldDoc("rate", "number", "the rate in [0, 1) (required)"),
                    FieldDoc("seed", "integer?", "keys the masks with the training step, 0 to 2^53 − 1 (drawn from `rng`)")],
        "patches": [FieldDoc("size", "integer", "the square patch (required)"), FieldDoc("width", "integer", "the tokens' width (required)")],
        "attention": [FieldDoc("heads", "integer?", "heads, dividing the width (1)")],
        "residual": [FieldDoc("layers", "flipside.Layer[]", "the layers f of x + f(x), giving x's shape (required)")],
        "linear": [FieldDoc("outputs", "integer", "outputs (required)"),
                   FieldDoc("per_position", "boolean?", "apply to each position's channels (a token-wise layer) instead of the whole sample flattened (false)")],
    ]

    static let layer = ClassDoc(
        "flipside.Layer",
        "One layer of `flipside.model.sequential`, `type` and its fields. Activations are channels last. conv {channels, kernel, stride, padding}: im2col and one GEMM (on BLAS: libtorch 1.13 measured 494 ms for a softmax epoch that flipside runs in 43 ms, its per-operation overhead dominating at these sizes); maxpool, avgpool {size, stride}; layernorm (per position); batchnorm (per channel, batch statistics in every pass: no running averages outside the one parameter tensor); relu; gelu (exact); dropout {rate, seed}; patches {size, width}: image to tokens; class_token; positions (learned); attention {heads}: multi-head self-attention; residual {layers}: x + f(x); linear {outputs, per_position}; first_token: the class token alone.",
        fields: [type] + layerFieldUnion)

    /// Each field some layer type takes, once, saying which types take it and what it means there.
    static let layerFieldUnion: [FieldDoc] = {
        var names: [String] = []
        var uses: [String: [(String, FieldDoc)]] = [:]
        for type in LayerSpec.names {
            for field in layerFields[type] ?? [] {
                if uses[field.name] == nil { names.append(field.name) }
                uses[field.name, default: []].append((type, field))
            }
        }
        return names.map { name in
            let each = uses[name]!
            let base = each[0].1.type.replacingOccurrences(of: "?", with: "")
            return FieldDoc(name, base + "?", each.map { "\($0.0): \($0.1.summary)" }.joined(separator: "; "))
        }
    }()

    static let classDocs = [cnnOptions, vitOptions, sequentialOptions, layer]

    static let functions = [
        FunctionDoc(
            "flipside.model.cnn",
            "A convolutional network: per entry of `channels`, conv (kernel, padded to keep the size) → [batch norm] → ReLU → 2×2 max pool; then a ReLU layer of `hidden` units (its penultimate features), [dropout], the linear head. Weights uniform in ±1/√fan-in.",
            parameters: [ParameterDoc("options", "flipside.CNNOptions", "rng (required), input, classes, channels, kernel, hidden, batch_norm, dropout")],
            returns: [ReturnDoc("flipside.Model", "a model of kind \"cnn\"")],
            errors: ["an unknown option (with the nearest name)", "a size that does not fit the image, naming the layer"]),
        FunctionDoc(
            "flipside.model.vit",
            "A vision transformer: patches → tokens, a class token, learned positions, `depth` pre-norm blocks (x + attention(LN(x)), x + MLP(LN(x)) with GELU), a final layer norm, the linear head on the class token (whose normalised value is its penultimate features). Defaults for Fashion-MNIST: 7×7 patches, 4 blocks, width 64, 2 heads, MLP 128.",
            parameters: [ParameterDoc("options", "flipside.ViTOptions", "rng (required), input, classes, patch, width, depth, heads, mlp, dropout")],
            returns: [ReturnDoc("flipside.Model", "a model of kind \"vit\"")],
            errors: ["an unknown option (with the nearest name)", "a patch that does not divide the image, heads that do not divide the width"]),
        FunctionDoc(
            "flipside.model.sequential",
            "A deep model from a list of layers (`flipside.Layer`), the last a linear head with one output per class. Its parameters are the layers' blocks in one float32 tensor; `layer(i)` is the i-th block with parameters, `features` the head's input.",
            parameters: [ParameterDoc("options", "flipside.SequentialOptions", "input, classes, layers, rng (all required)")],
            returns: [ReturnDoc("flipside.Model", "a model of kind \"sequential\"")],
            errors: ["an unknown option or layer type, or a field another type takes (with the nearest name)",
                     "a layer whose sizes do not fit its input, naming the layer (`layer 3 (attention): heads must divide the width 6, got 4`)",
                     "a last layer that is not a linear head of `classes` outputs"]),
    ]
}
