/// Max or average pooling over size × size windows, `stride` apart, per
/// channel; no padding (a window that would cross the border is not taken).
struct Pooling: LayerPass {
    enum Kind: String, Sendable, Codable { case max, average }

    let kind: Kind
    let input: ActivationShape
    let output: ActivationShape
    let size: Int
    let stride: Int

    /// A window's index (below size²) is kept in the activations' float32, exact up to 2^24.
    static let maxSize = 1 << 12

    init(_ kind: Kind, input: ActivationShape, size: Int, stride: Int) throws {
        guard size >= 1 else { throw FlipError("size must be at least 1, got \(size)") }
        guard size <= Pooling.maxSize else { throw FlipError("size must be at most \(Pooling.maxSize), got \(size)") }
        guard stride >= 1 else { throw FlipError("stride must be at least 1, got \(stride)") }
        guard size <= input.height, size <= input.width else {
            throw FlipError("a \(size)×\(size) window does not fit the \(input.height)×\(input.width) input")
        }
        self.kind = kind
        self.input = input
        self.size = size
        self.stride = stride
        output = ActivationShape(height: (input.height - size) / stride + 1, width: (input.width - size) / stride + 1,
                                 channels: input.channels)
    }

    /// Calls `visit(output, corner)` for every output position of sample `s`:
    /// the index of its first channel and that of its window's first input;
    /// the window's input (ky, kx) is `corner + offset(ky, kx)`, its channels
    /// contiguous after it.
    @inline(__always)
    private func windows(sample s: Int, _ visit: (_ output: Int, _ corner: Int) -> Void) {
        let c = input.channels
        for oy in 0..<output.height {
            for ox in 0..<output.width {
                visit(s * output.count + (oy * output.width + ox) * c, s * input.count + (oy * stride * input.width + ox * stride) * c)
            }
        }
    }

    @inline(__always)
    private func offset(_ ky: Int, _ kx: Int) -> Int { (ky * input.width + kx) * input.channels }

    /// Max pooling keeps, per output value, which input of its window it took
    /// (0 to size² − 1, in row, column order), for the backward pass.
    func cacheSize(rows n: Int) -> Int { kind == .max ? n * output.count : 0 }

    // The channels of a position are the innermost loop, so that it runs over
    // contiguous values; each output still sees its window in row, column order.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache taken: UnsafeMutablePointer<T>, context: PassContext) {
        let c = input.channels
        let inverse = 1 / T(size * size)
        for s in 0..<n {
            windows(sample: s) { out, corner in
                let target = y + out
                switch kind {
                case .max:
                    target.update(from: x + corner, count: c)
                    let index = taken + out
                    index.update(repeating: 0, count: c)
                    for ky in 0..<size {
                        for kx in 0..<size {
                            let (source, here) = (x + corner + offset(ky, kx), T(ky * size + kx))
                            for j in 0..<c {
                                // The index moves by an addition, not a store kept only where
                                // the value changes: that would be a masked store, slow on
                                // some processors. Strictly larger: of equal values, the first.
                                index[j] += source[j] > target[j] ? here - index[j] : 0
                                target[j] = max(target[j], source[j])
                            }
                        }
                    }
                case .average:
                    target.update(repeating: 0, count: c)
                    for ky in 0..<size {
                        for kx in 0..<size {
                            let source = x + corner + offset(ky, kx)
                            for j in 0..<c { target[j] += source[j] }
                        }
                    }
                    for j in 0..<c { target[j] *= inverse }
                }
            }
        }
    }

    /// Max pooling sends each output's gradient to the input its forward pass took.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache taken: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        guard let dx else { return }
        let c = input.channels
        dx.update(repeating: 0, count: n * input.count)
        let inverse = 1 / T(size * size)
        for s in 0..<n {
            windows(sample: s) { out, corner in
                switch kind {
                case .max:
                    let (index, upstream) = (taken + out, dy + out)
                    for ky in 0..<size {
                        for kx in 0..<size {
                            let (target, here) = (dx + corner + offset(ky, kx), T(ky * size + kx))
                            for j in 0..<c { target[j] += index[j] == here ? upstream[j] : 0 }
                        }
                    }
                case .average:
                    for ky in 0..<size {
                        for kx in 0..<size {
                            let target = dx + corner + offset(ky, kx)
                            for j in 0..<c { target[j] += dy[out + j] * inverse }
                        }
                    }
                }
            }
        }
    }
}
