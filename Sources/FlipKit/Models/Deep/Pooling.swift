/// Max or average pooling over size × size windows, `stride` apart, per
/// channel; no padding (a window that would cross the border is not taken).
struct Pooling: LayerPass {
    enum Kind: String, Sendable, Codable { case max, average }

    let kind: Kind
    let input: ActivationShape
    let output: ActivationShape
    let size: Int
    let stride: Int

    init(_ kind: Kind, input: ActivationShape, size: Int, stride: Int) throws {
        guard size >= 1 else { throw FlipError("size must be at least 1, got \(size)") }
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

    /// Calls `visit(output, corner)` for every output value of sample `s`:
    /// its index and that of its window's first input; the window's input
    /// (ky, kx) is `corner + offset(ky, kx)`.
    @inline(__always)
    private func windows(sample s: Int, _ visit: (_ output: Int, _ corner: Int) -> Void) {
        let c = input.channels
        for oy in 0..<output.height {
            for ox in 0..<output.width {
                let corner = s * input.count + (oy * stride * input.width + ox * stride) * c
                let out = s * output.count + (oy * output.width + ox) * c
                for j in 0..<c { visit(out + j, corner + j) }
            }
        }
    }

    @inline(__always)
    private func offset(_ ky: Int, _ kx: Int) -> Int { (ky * input.width + kx) * input.channels }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext) {
        let inverse = 1 / T(size * size)
        for s in 0..<n {
            windows(sample: s) { out, corner in
                switch kind {
                case .max:
                    var top = x[corner]
                    for ky in 0..<size { for kx in 0..<size { top = max(top, x[corner + offset(ky, kx)]) } }
                    y[out] = top
                case .average:
                    var sum: T = 0
                    for ky in 0..<size { for kx in 0..<size { sum += x[corner + offset(ky, kx)] } }
                    y[out] = sum * inverse
                }
            }
        }
    }

    /// Max pooling sends each output's gradient to the first input of its
    /// window (in row, column order) that equals the maximum; found again
    /// here rather than stored.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext) {
        guard let dx else { return }
        dx.update(repeating: 0, count: n * input.count)
        let inverse = 1 / T(size * size)
        for s in 0..<n {
            windows(sample: s) { out, corner in
                switch kind {
                case .max:
                    search: for ky in 0..<size {
                        for kx in 0..<size where x[corner + offset(ky, kx)] == y[out] {
                            dx[corner + offset(ky, kx)] += dy[out]
                            break search
                        }
                    }
                case .average:
                    for ky in 0..<size { for kx in 0..<size { dx[corner + offset(ky, kx)] += dy[out] * inverse } }
                }
            }
        }
    }
}
