/// A borrowed view of validated messages: `workers` rows of `parameters` floats.
/// Valid only inside `borrowing`, which keeps the tensor alive.
struct MessageMatrix {
    let base: UnsafePointer<Float>
    let workers: Int
    let parameters: Int

    /// Runs `body` on a view of `messages`, a validated float32 [n, P] tensor.
    static func borrowing<R>(_ messages: Tensor, _ body: (MessageMatrix) throws -> R) rethrows -> R {
        try withExtendedLifetime(messages) {
            try body(MessageMatrix(
                base: UnsafePointer(messages.raw.assumingMemoryBound(to: Float.self)),
                workers: messages.shape[0], parameters: messages.shape[1]))
        }
    }

    @inline(__always)
    func row(_ i: Int) -> UnsafePointer<Float> { base + i * parameters }
}

extension Aggregator {
    /// Checks that `messages` is a float32 [n, P] tensor with n, P >= 1 and only finite
    /// values; returns (n, P).
    @discardableResult
    public static func validate(messages: Tensor) throws -> (workers: Int, parameters: Int) {
        try messages.requireDType(.float32, "messages")
        try messages.requireRank(2, "messages")
        let (n, p) = (messages.shape[0], messages.shape[1])
        guard n >= 1 else { throw FlipError("messages must come from at least one worker, got shape \(messages.shapeText)") }
        guard p >= 1 else { throw FlipError("messages must hold at least one parameter, got shape \(messages.shapeText)") }
        let values = messages.floats
        for i in 0..<n {
            for j in 0..<p where !values[i * p + j].isFinite {
                throw FlipError("message of worker \(i + 1) holds a non-finite value (\(values[i * p + j])) at coordinate \(j + 1)")
            }
        }
        return (n, p)
    }

    /// Checks a reference vector: float32, `parameters` values, all finite.
    public static func validate(reference: Tensor, parameters p: Int) throws {
        try reference.requireDType(.float32, "reference vector")
        guard reference.count == p else {
            throw FlipError("reference vector has \(reference.count) values, messages have \(p)")
        }
        for (j, v) in reference.floats.enumerated() where !v.isFinite {
            throw FlipError("reference vector holds a non-finite value (\(v)) at coordinate \(j + 1)")
        }
    }

    /// Stacks one float32 tensor per worker (any shape, all with the same number of
    /// values) into the [n, P] matrix the rules take.
    public static func stack(_ messages: [Tensor]) throws -> Tensor {
        guard let first = messages.first else { throw FlipError("no messages to stack: at least one worker is needed") }
        for (i, message) in messages.enumerated() {
            try message.requireDType(.float32, "message of worker \(i + 1)")
            guard message.count == first.count else {
                throw FlipError("message of worker \(i + 1) has \(message.count) values, worker 1 has \(first.count)")
            }
        }
        let out = try Tensor(zeros: [messages.count, first.count])
        let rowBytes = first.count * DType.float32.byteWidth
        for (i, message) in messages.enumerated() {
            (out.raw + i * rowBytes).copyMemory(from: message.raw, byteCount: rowBytes)
        }
        return out
    }
}
