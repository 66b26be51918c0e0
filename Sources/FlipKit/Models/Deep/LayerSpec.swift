/// A deep model's description, layer by layer: what `flipside.model.sequential`
/// reads from Lua and what a checkpoint records (as JSON) to rebuild the model.
public indirect enum LayerSpec: Codable, Equatable, Sendable {
    case convolution(channels: Int, kernel: Int, stride: Int, padding: Int)
    case maxPool(size: Int, stride: Int)
    case averagePool(size: Int, stride: Int)
    case layerNorm
    case batchNorm
    case relu
    case gelu
    /// `seed` (0 ..< 2⁵³) keys the masks with the training step (see Dropout).
    case dropout(rate: Double, seed: Int)
    case patches(size: Int, width: Int)
    case classToken
    case positions
    case attention(heads: Int)
    /// x + f(x), f the layers inside, whose output must have x's shape.
    case residual([LayerSpec])
    case linear(outputs: Int, perPosition: Bool)
    case firstToken

    /// The layer's `type` in Lua.
    public var name: String {
        switch self {
        case .convolution: "conv"
        case .maxPool: "maxpool"
        case .averagePool: "avgpool"
        case .layerNorm: "layernorm"
        case .batchNorm: "batchnorm"
        case .relu: "relu"
        case .gelu: "gelu"
        case .dropout: "dropout"
        case .patches: "patches"
        case .classToken: "class_token"
        case .positions: "positions"
        case .attention: "attention"
        case .residual: "residual"
        case .linear: "linear"
        case .firstToken: "first_token"
        }
    }

    public static let names = ["conv", "maxpool", "avgpool", "layernorm", "batchnorm", "relu", "gelu", "dropout", "patches",
                               "class_token", "positions", "attention", "residual", "linear", "first_token"]

    /// The largest dropout seed: a checkpoint's JSON holds it exactly.
    public static let maxSeed = 1 << 53

    /// Refuses a size option above DeepLayer.maxOption.
    func checkSizes() throws {
        let sizes: [(String, Int)]
        switch self {
        case let .convolution(channels, kernel, stride, padding):
            sizes = [("channels", channels), ("kernel", kernel), ("stride", stride), ("padding", padding)]
        case let .maxPool(size, stride), let .averagePool(size, stride): sizes = [("size", size), ("stride", stride)]
        case let .patches(size, width): sizes = [("size", size), ("width", width)]
        case let .attention(heads): sizes = [("heads", heads)]
        case let .linear(outputs, _): sizes = [("outputs", outputs)]
        default: sizes = []
        }
        for (name, value) in sizes where value > DeepLayer.maxOption {
            throw FlipError("\(name) must be at most \(DeepLayer.maxOption), got \(value)")
        }
    }
}

extension DeepLayer {
    /// The largest size a layer's option may give (channels, outputs, kernel, stride...):
    /// with it and activations of at most `maxActivation` values, no size product overflows.
    static let maxOption = 1 << 16
    /// The most values one sample's activations may hold after a layer.
    static let maxActivation = 1 << 31

    /// The layer `spec` describes, reading `input`; a shape or option that does not fit is an error naming the layer.
    static func build(_ spec: LayerSpec, input: ActivationShape) throws -> DeepLayer {
        try spec.checkSizes()
        let layer = try buildUnchecked(spec, input: input)
        guard layer.output.count <= maxActivation else {
            throw FlipError("its output \(layer.output) holds \(layer.output.count) values per sample, more than the \(maxActivation) allowed")
        }
        return layer
    }

    private static func buildUnchecked(_ spec: LayerSpec, input: ActivationShape) throws -> DeepLayer {
        switch spec {
        case let .convolution(channels, kernel, stride, padding):
            return .convolution(try Convolution(input: input, channels: channels, kernel: kernel, stride: stride, padding: padding))
        case let .maxPool(size, stride): return .pooling(try Pooling(.max, input: input, size: size, stride: stride))
        case let .averagePool(size, stride): return .pooling(try Pooling(.average, input: input, size: size, stride: stride))
        case .layerNorm: return .normalization(Normalization(kind: .layer, input: input))
        case .batchNorm: return .normalization(Normalization(kind: .batch, input: input))
        case .relu: return .activation(Activation(kind: .relu, input: input))
        case .gelu: return .activation(Activation(kind: .gelu, input: input))
        case let .dropout(rate, seed):
            guard seed >= 0, seed < LayerSpec.maxSeed else { throw FlipError("seed must be 0 to 2^53 − 1, got \(seed)") }
            return .dropout(try Dropout(input: input, rate: rate, seed: UInt64(seed)))
        case let .patches(size, width):
            guard width >= 1 else { throw FlipError("width must be at least 1, got \(width)") }
            return .patches(try PatchEmbedding(input: input, patch: size, width: width))
        case .classToken: return .classToken(try ClassToken(input: input))
        case .positions: return .positions(PositionalEmbedding(input: input))
        case let .attention(heads): return .attention(try Attention(input: input, heads: heads))
        case let .residual(inner): return .residual(try Residual(input: input, layers: inner))
        case let .linear(outputs, perPosition): return .linear(try Linear(input: input, outputs: outputs, perPosition: perPosition))
        case .firstToken: return .firstToken(try FirstToken(input: input))
        }
    }
}
