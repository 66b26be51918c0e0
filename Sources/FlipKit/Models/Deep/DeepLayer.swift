/// One layer of a deep model. An enum rather than a protocol existential, so
/// that each case's generic passes are specialised for Float (and, in the
/// tests, Double) instead of dispatched through a witness table.
indirect enum DeepLayer: Sendable {
    case convolution(Convolution)
    case pooling(Pooling)
    case normalization(Normalization)
    case activation(Activation)
    case dropout(Dropout)
    case patches(PatchEmbedding)
    case classToken(ClassToken)
    case positions(PositionalEmbedding)
    case attention(Attention)
    case residual(Residual)
    case linear(Linear)
    case firstToken(FirstToken)

    /// The layer's sizes, for what is not on a hot path.
    var pass: any LayerPass {
        switch self {
        case .convolution(let l): l
        case .pooling(let l): l
        case .normalization(let l): l
        case .activation(let l): l
        case .dropout(let l): l
        case .patches(let l): l
        case .classToken(let l): l
        case .positions(let l): l
        case .attention(let l): l
        case .residual(let l): l
        case .linear(let l): l
        case .firstToken(let l): l
        }
    }

    var input: ActivationShape { pass.input }
    var output: ActivationShape { pass.output }
    var parameterCount: Int { pass.parameterCount }

    /// The shapes of the layer's parameter blocks (a residual's: LayerStack.blocks).
    var blockShapes: [[Int]] {
        switch self {
        case .convolution(let l): [[l.output.channels, l.fieldSize + 1]]
        case .patches(let l): [[l.convolution.output.channels, l.convolution.fieldSize + 1]]
        case .linear(let l): [[l.affine.outputs, l.affine.inputs + 1]]
        case .normalization(let l): [[2, l.input.channels]]
        case .classToken(let l): [[1, l.input.channels]]
        case .positions(let l): [[l.input.height, l.input.channels]]
        case .attention(let l): [[4 * l.width, l.width + 1]]
        case .pooling, .residual, .activation, .dropout, .firstToken: []
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        switch self {
        case .convolution(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .pooling(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .normalization(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .activation(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .dropout(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .patches(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .classToken(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .positions(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .attention(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .residual(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .linear(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        case .firstToken(let l): l.forward(p, x, rows: n, into: y, cache: cache, context: context)
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        switch self {
        case .convolution(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .pooling(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .normalization(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .activation(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .dropout(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .patches(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .classToken(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .positions(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .attention(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .residual(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .linear(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        case .firstToken(let l): l.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        }
    }
}
