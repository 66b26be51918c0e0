/// A vision transformer's way in: the image cut into patch × patch squares,
/// each mapped to a token of `width` values (a convolution whose kernel and
/// stride are the patch: the same weights, [width, patch·patch·channels + 1]),
/// tokens in row order.
struct PatchEmbedding: LayerPass {
    let convolution: Convolution

    init(input: ActivationShape, patch: Int, width: Int) throws {
        guard patch >= 1, input.height % patch == 0, input.width % patch == 0 else {
            throw FlipError("patch must divide the \(input.height)×\(input.width) image, got \(patch)")
        }
        convolution = try Convolution(input: input, channels: width, kernel: patch, stride: patch, padding: 0)
    }

    var input: ActivationShape { convolution.input }
    var output: ActivationShape { .tokens(convolution.output.positions, width: convolution.output.channels) }
    var parameterCount: Int { convolution.parameterCount }
    func cacheSize(rows n: Int) -> Int { convolution.cacheSize(rows: n) }
    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator) { convolution.initialize(p, generator) }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        convolution.forward(p, x, rows: n, into: y, cache: cache, context: context)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        convolution.backward(p, x, y, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
    }
}

/// Values drawn from N(0, 0.02²), the usual start of learned embeddings.
private func initializeEmbedding(_ p: UnsafeMutablePointer<Float>, count: Int, _ generator: Generator) {
    for k in 0..<count { p[k] = Float(0.02 * generator.normal()) }
}

/// A learned class token put before the tokens: T tokens in, T + 1 out; parameters [1, width].
struct ClassToken: LayerPass {
    let input: ActivationShape

    init(input: ActivationShape) throws {
        guard input.width == 1 else { throw FlipError("a class token joins tokens, got a \(input) image") }
        self.input = input
    }

    var output: ActivationShape { .tokens(input.height + 1, width: input.channels) }
    var parameterCount: Int { input.channels }
    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator) { initializeEmbedding(p, count: parameterCount, generator) }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        let d = input.channels
        for s in 0..<n {
            (y + s * output.count).update(from: p, count: d)
            (y + s * output.count + d).update(from: x + s * input.count, count: input.count)
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        let d = input.channels
        for s in 0..<n {
            if let dx { (dx + s * input.count).update(from: dy + s * output.count + d, count: input.count) }
            for j in 0..<d { gradient[j] += scale * dy[s * output.count + j] }
        }
    }
}

/// A learned embedding added to each position: parameters [tokens, width].
struct PositionalEmbedding: LayerPass {
    let input: ActivationShape
    var output: ActivationShape { input }
    var parameterCount: Int { input.count }
    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator) { initializeEmbedding(p, count: parameterCount, generator) }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        let size = input.count
        for s in 0..<n { for k in 0..<size { y[s * size + k] = x[s * size + k] + p[k] } }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        let size = input.count
        dx?.update(from: dy, count: n * size)
        for s in 0..<n { for k in 0..<size { gradient[k] += scale * dy[s * size + k] } }
    }
}

/// The first token alone (the class token, after the transformer's blocks):
/// what a vision transformer's head reads.
struct FirstToken: LayerPass {
    let input: ActivationShape

    init(input: ActivationShape) throws {
        guard input.width == 1 else { throw FlipError("the first token of tokens, got a \(input) image") }
        self.input = input
    }

    var output: ActivationShape { .tokens(1, width: input.channels) }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        for s in 0..<n { (y + s * output.count).update(from: x + s * input.count, count: output.count) }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        guard let dx else { return }
        dx.update(repeating: 0, count: n * input.count)
        for s in 0..<n { (dx + s * input.count).update(from: dy + s * output.count, count: output.count) }
    }
}

/// A fully connected layer: on each position's channels (`perPosition`, a
/// transformer's token-wise layers) or on the whole sample flattened (a
/// CNN's dense layers and heads). Weights [outputs, inputs + 1], bias last.
struct Linear: LayerPass {
    let input: ActivationShape
    let outputs: Int
    let perPosition: Bool

    init(input: ActivationShape, outputs: Int, perPosition: Bool) throws {
        guard outputs >= 1 else { throw FlipError("outputs must be at least 1, got \(outputs)") }
        self.input = input
        self.outputs = outputs
        self.perPosition = perPosition
    }

    var output: ActivationShape {
        perPosition ? ActivationShape(height: input.height, width: input.width, channels: outputs)
                    : ActivationShape(height: 1, width: 1, channels: outputs)
    }
    var affine: Affine { Affine(inputs: perPosition ? input.channels : input.count, outputs: outputs) }
    private func rows(_ n: Int) -> Int { perPosition ? n * input.positions : n }
    var parameterCount: Int { affine.parameterCount }
    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator) { affine.initialize(p, generator) }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        affine.forward(p, x, rows: rows(n), into: y)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        if let dx { affine.inputGradient(p, dy, rows: rows(n), into: dx) }
        affine.accumulate(gradient, scale: scale, dy, x, rows: rows(n))
    }
}
