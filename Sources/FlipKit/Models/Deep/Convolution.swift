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

    /// Walks sample `s`'s receptive-field rows in order (output row, column,
    /// kernel row): `copy(colOffset, inputOffset, count)` for the run of a
    /// kernel row that lies inside the input (channels last, so the run is
    /// contiguous in both), `pad(colOffset, count)` for the parts in the border.
    @inline(__always)
    private func runs(sample s: Int, copy: (Int, Int, Int) -> Void, pad: (Int, Int) -> Void) {
        let c = input.channels
        let span = kernel * c
        for oy in 0..<output.height {
            for ox in 0..<output.width {
                let row = (s * output.positions + oy * output.width + ox) * fieldSize
                let left = ox * stride - padding
                let first = max(0, -left), end = max(first, min(kernel, input.width - left))
                for ky in 0..<kernel {
                    let iy = oy * stride + ky - padding
                    let at = row + ky * span
                    guard iy >= 0, iy < input.height else {
                        pad(at, span)
                        continue
                    }
                    if first > 0 { pad(at, first * c) }
                    if end > first { copy(at + first * c, s * input.count + (iy * input.width + left + first) * c, (end - first) * c) }
                    if end < kernel { pad(at + end * c, (kernel - end) * c) }
                }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache col: UnsafeMutablePointer<T>, context: PassContext) {
        for s in 0..<n {
            runs(sample: s, copy: { to, from, count in
                // A loop, not memmove: most runs are a few values (kernel × channels).
                let (source, target) = (x + from, col + to)
                for j in 0..<count { target[j] = source[j] }
            },
                 pad: { to, count in (col + to).update(repeating: 0, count: count) })
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
            let dcol = col + m * fieldSize
            affine.inputGradient(p, dy, rows: m, into: dcol)
            dx.update(repeating: 0, count: n * input.count)
            for s in 0..<n {
                runs(sample: s, copy: { from, to, count in
                    let (source, target) = (dcol + from, dx + to)
                    for j in 0..<count { target[j] += source[j] }
                }, pad: { _, _ in })
            }
        }
        affine.accumulate(gradient, scale: scale, dy, col, rows: m)
    }
}
