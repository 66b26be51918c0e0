/// Layers applied one after the other, each reading the previous one's
/// output. A pass's cache holds, per layer, its output then its own cache,
/// and after them two gradient buffers the backward pass alternates between.
struct LayerStack: Sendable {
    let input: ActivationShape
    let layers: [DeepLayer]
    /// Where each layer's parameters start.
    let offsets: [Int]
    let parameterCount: Int

    init(input: ActivationShape, specs: [LayerSpec], path: String = "") throws {
        self.input = input
        var layers: [DeepLayer] = []
        var shape = input
        for (i, spec) in specs.enumerated() {
            let place = "\(path)layer \(i + 1) (\(spec.name))"
            let layer: DeepLayer
            if case .residual(let inner) = spec {
                // Its errors already name where they are.
                layer = .residual(try Residual(input: shape, layers: inner, path: place + ", "))
            } else {
                do { layer = try DeepLayer.build(spec, input: shape) } catch let error as FlipError {
                    throw FlipError("\(place): \(error.description)")
                }
            }
            layers.append(layer)
            shape = layer.output
        }
        self.layers = layers
        var offsets: [Int] = []
        var total = 0
        for layer in layers {
            offsets.append(total)
            total += layer.parameterCount
        }
        self.offsets = offsets
        parameterCount = total
    }

    var output: ActivationShape { layers.last?.output ?? input }
    /// Every parameter block (a residual's are its layers'), where it starts and its shape, for `Model.layer`.
    var blocks: [(offset: Int, shape: [Int])] {
        zip(layers, offsets).flatMap { layer, offset -> [(offset: Int, shape: [Int])] in
            if case .residual(let r) = layer { return r.stack.blocks.map { (offset + $0.offset, $0.shape) } }
            return layer.blockShapes.map { (offset, $0) }
        }
    }

    private var widest: Int { layers.reduce(input.count) { max($0, $1.output.count) } }

    func cacheSize(rows n: Int) -> Int {
        layers.reduce(2 * n * widest) { $0 + n * $1.output.count + $1.pass.cacheSize(rows: n) }
    }

    /// Each layer's output and cache in a pass over `n` rows.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private func slots<T>(_ cache: UnsafeMutablePointer<T>, rows n: Int)
        -> (outputs: [UnsafeMutablePointer<T>], caches: [UnsafeMutablePointer<T>], spare: UnsafeMutablePointer<T>) {
        var outputs: [UnsafeMutablePointer<T>] = []
        var caches: [UnsafeMutablePointer<T>] = []
        var at = cache
        for layer in layers {
            outputs.append(at)
            at += n * layer.output.count
            caches.append(at)
            at += layer.pass.cacheSize(rows: n)
        }
        return (outputs, caches, at)
    }

    /// Runs the first `count` layers (all by default) on `x`; returns the last one's output (x for none).
    @discardableResult
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, cache: UnsafeMutablePointer<T>,
                                context: PassContext, count: Int? = nil) -> UnsafePointer<T> {
        let (outputs, caches, _) = slots(cache, rows: n)
        var current = x
        for i in 0..<(count ?? layers.count) {
            layers[i].forward(p + offsets[i], current, rows: n, into: outputs[i], cache: caches[i], context: context)
            current = UnsafePointer(outputs[i])
        }
        return current
    }

    /// The backward pass of the last forward over the same rows, from `dy`
    /// (the last layer's output gradient) to `dx` (when asked); with `last`,
    /// only that many of the final layers.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, cache: UnsafeMutablePointer<T>,
                                 dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?, gradient: UnsafeMutablePointer<T>,
                                 scale: T, context: PassContext, last: Int? = nil) {
        let (outputs, caches, spare) = slots(cache, rows: n)
        let buffers = [spare, spare + n * widest]
        let first = layers.count - min(last ?? layers.count, layers.count)
        var upstream = dy
        var i = layers.count - 1
        while i >= first {
            let below = i == 0 ? x : UnsafePointer(outputs[i - 1])
            let target = i == first ? (i == 0 ? dx : nil) : buffers[i % 2]
            layers[i].backward(p + offsets[i], below, outputs[i], rows: n, cache: caches[i], dy: upstream, dx: target,
                               gradient: gradient + offsets[i], scale: scale, context: context)
            if let target { upstream = UnsafePointer(target) }
            i -= 1
        }
    }
}

/// x + f(x): the layers of `stack` with a skip connection around them.
struct Residual: LayerPass {
    let stack: LayerStack

    init(input: ActivationShape, layers: [LayerSpec], path: String = "") throws {
        guard !layers.isEmpty else { throw FlipError("\(path)a residual block needs at least one layer") }
        stack = try LayerStack(input: input, specs: layers, path: path)
        guard stack.output == input else {
            throw FlipError("\(path)a residual block must give its input's shape \(input), its layers give \(stack.output)")
        }
    }

    var input: ActivationShape { stack.input }
    var output: ActivationShape { stack.input }
    var parameterCount: Int { stack.parameterCount }
    func cacheSize(rows n: Int) -> Int { stack.cacheSize(rows: n) }

    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator) {
        for (layer, offset) in zip(stack.layers, stack.offsets) { layer.pass.initialize(p + offset, generator) }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        let f = stack.forward(p, x, rows: n, cache: cache, context: context)
        for k in 0..<n * input.count { y[k] = x[k] + f[k] }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        guard let dx else {
            stack.backward(p, x, rows: n, cache: cache, dy: dy, dx: nil, gradient: gradient, scale: scale, context: context)
            return
        }
        stack.backward(p, x, rows: n, cache: cache, dy: dy, dx: dx, gradient: gradient, scale: scale, context: context)
        for k in 0..<n * input.count { dx[k] += dy[k] }
    }
}
