/// A 2-D convolution as im2col and one GEMM per pass, on BLAS.
///
/// Each output position's receptive field (kernel × kernel × input channels,
/// zero outside the padded border) becomes one row of a matrix; the batch's
/// rows times the weights' transpose is the output, channels last, in one
/// product. Weights are `channels` rows of kernel·kernel·inputChannels + 1
/// (ordered row, column, channel; the bias last), the Affine layout.
///
/// Why BLAS and not a library: Debian's libtorch 1.13, with the right OpenBLAS
/// kernel, ran a softmax-regression epoch on Fashion-MNIST in 494 ms against
/// flipside's own 43 ms. At these sizes (28×28 images, a few dozen channels)
/// the work per operation is small and a framework's per-operation overhead
/// dominates; im2col makes the bulk one large GEMM, which is what OpenBLAS
/// does best, and keeps every pass bit-reproducible in the engine's hands.
struct Convolution: LayerPass {
    let input: ActivationShape
    let output: ActivationShape
    let kernel: Int
    let stride: Int
    let padding: Int

    init(input: ActivationShape, channels: Int, kernel: Int, stride: Int, padding: Int) throws {
        guard channels >= 1 else { throw FlipError("channels must be at least 1, got \(channels)") }
        guard kernel >= 1 else { throw FlipError("kernel must be at least 1, got \(kernel)") }
        guard stride >= 1 else { throw FlipError("stride must be at least 1, got \(stride)") }
        guard padding >= 0, padding < kernel else { throw FlipError("padding must be 0 to kernel − 1 (\(kernel - 1)), got \(padding)") }
        let (h, w) = (input.height + 2 * padding, input.width + 2 * padding)
        guard kernel <= h, kernel <= w else {
            throw FlipError("a \(kernel)×\(kernel) kernel does not fit the \(h)×\(w) padded input")
        }
        self.input = input
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        output = ActivationShape(height: (h - kernel) / stride + 1, width: (w - kernel) / stride + 1, channels: channels)
    }

    var fieldSize: Int { kernel * kernel * input.channels }
    var affine: Affine { Affine(inputs: fieldSize, outputs: output.channels) }
    var parameterCount: Int { affine.parameterCount }
    /// The im2col rows, kept for the weights' gradient, then room for their
    /// gradient (allocated once with the workspace: an allocation per batch
    /// of this size is pages the kernel zeroes every time).
    func cacheSize(rows n: Int) -> Int { 2 * n * output.positions * fieldSize }

    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator) { affine.initialize(p, generator) }

    /// Calls `visit(colOffset, inputOffset, count)` for each run of input
    /// channels that a receptive-field row reads (out-of-border runs skipped).
    @inline(__always)
    private func fields(sample s: Int, _ visit: (Int, Int) -> Void) {
        let c = input.channels
        let field = fieldSize
        for oy in 0..<output.height {
            for ox in 0..<output.width {
                let row = (s * output.positions + oy * output.width + ox) * field
                for ky in 0..<kernel {
                    let iy = oy * stride + ky - padding
                    guard iy >= 0, iy < input.height else { continue }
                    for kx in 0..<kernel {
                        let ix = ox * stride + kx - padding
                        guard ix >= 0, ix < input.width else { continue }
                        visit(row + (ky * kernel + kx) * c, s * input.count + (iy * input.width + ix) * c)
                    }
                }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache col: UnsafeMutablePointer<T>, context: PassContext) {
        let c = input.channels
        if padding > 0 { col.update(repeating: 0, count: n * output.positions * fieldSize) }
        for s in 0..<n {
            fields(sample: s) { to, from in
                for j in 0..<c { col[to + j] = x[from + j] }
            }
        }
        affine.forward(p, col, rows: n * output.positions, into: y)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache col: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        let m = n * output.positions
        if let dx {
            let c = input.channels
            let dcol = col + m * fieldSize
            affine.inputGradient(p, dy, rows: m, into: dcol)
            dx.update(repeating: 0, count: n * input.count)
            for s in 0..<n {
                fields(sample: s) { from, to in
                    for j in 0..<c { dx[to + j] += dcol[from + j] }
                }
            }
        }
        affine.accumulate(gradient, scale: scale, dy, col, rows: m)
    }
}
