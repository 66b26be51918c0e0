/// Feature rows as float32, one block at a time: pixel data stays uint8 in
/// memory (a quarter of the size) and only the block being worked on is
/// widened, into a buffer allocated once per sweep.
extension Tensor {
    func checkFeatures(dimension d: Int) throws {
        try requireRank(2, "features")
        guard dtype == .float32 || dtype == .uint8 else { throw FlipError("features must be float32 or uint8, got \(dtype.rawValue)") }
        guard rowLength == d else { throw FlipError("features have \(rowLength) columns, the model expects \(d)") }
    }
}

/// Rows augmented with a trailing 1, x̃ = (x, 1), so that a layer's bias (the
/// last column of its weights) is part of the same matrix product: `width + 1`
/// floats each, the first of each row `stride` floats after the previous one's.
struct AugmentedRows {
    let base: UnsafePointer<Float>
    let stride: Int
}

/// A block of at most `capacity` feature rows widened to float32 and
/// augmented (see AugmentedRows).
final class FeatureBlock {
    let features: Tensor
    let width: Int
    let capacity: Int
    private let augmented: UnsafeMutablePointer<Float>
    /// The row numbers of a contiguous block and of the next one (see load(start:count:)).
    private let runRows: UnsafeMutablePointer<Int>

    /// Rows are written a whole number of 32-byte vectors apart, so that no
    /// vector store or load of theirs straddles two cache lines (measured on
    /// 10-class Fashion-MNIST, release build, best of 6: a shuffled SGD epoch
    /// 25.1 → 24.6 ms, same floats).
    let stride: Int

    init(_ features: Tensor, rows: Int) {
        self.features = features
        width = features.rowLength
        capacity = max(rows, 1)
        stride = (width + 1 + 7) / 8 * 8
        let floats = capacity * stride
        augmented = UnsafeMutableRawPointer.allocate(byteCount: floats * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: floats)
        augmented.initialize(repeating: 0, count: floats)
        runRows = .allocate(capacity: 2 * capacity)
    }

    deinit {
        UnsafeMutableRawPointer(augmented).deallocate()
        runRows.deallocate()
    }

    /// Rows `start ..< start + n` (n ≤ capacity), loaded as the list of their
    /// numbers with the next n prefetched, as a listed block is: one loop for
    /// both kinds of block. A 10-class Fashion-MNIST gradient took 23.1–23.3 ms
    /// with a loop of its own over the run and rows of width + 1, 22.1–22.3 ms
    /// this way (release build, best of 10, three runs each; same floats); the
    /// runs, ±0.3 ms, do not say how much of that the alignment gives.
    func load(start: Int, count n: Int) -> AugmentedRows {
        let following = min(n, max(features.rows - (start + n), 0))
        for j in 0..<(n + following) { runRows[j] = start + j }
        return load(rows: UnsafeBufferPointer(start: runRows, count: n),
                    prefetching: UnsafeBufferPointer(start: runRows + n, count: following))
    }

    /// The rows listed in `rows` (0-based, at most capacity of them), in order.
    /// Rows listed in `following` (the next block) are prefetched meanwhile, one
    /// per row widened, so that their cache misses overlap this block's work.
    private func load<Index: BinaryInteger>(rows: UnsafeBufferPointer<Index>,
                                            prefetching following: UnsafeBufferPointer<Index>) -> AugmentedRows {
        let d = width
        for j in 0..<rows.count { augmented[j * stride + d] = 1 }
        switch features.dtype {
        case .float32:
            let base = features.floats.baseAddress!
            for (j, i) in rows.enumerated() {
                if j < following.count { prefetch(UnsafeRawPointer(base + Int(following[j]) * d), bytes: d * 4) }
                (augmented + j * stride).update(from: base + Int(i) * d, count: d)
            }
        case .uint8:
            let base = features.bytes.baseAddress!
            for (j, i) in rows.enumerated() {
                if j < following.count { prefetch(UnsafeRawPointer(base + Int(following[j]) * d), bytes: d) }
                FeatureBlock.widen(base + Int(i) * d, into: augmented + j * stride, count: d)
            }
        case .int32:
            let base = features.int32s.baseAddress!
            for (j, i) in rows.enumerated() { FeatureBlock.widen(base + Int(i) * d, into: augmented + j * stride, count: d) }
        }
        return AugmentedRows(base: augmented, stride: stride)
    }

    /// Rows `list[start ..< start + n]` of a list of 0-based rows; the next
    /// block's rows, `list[start + n ..< start + 2n]`, are prefetched meanwhile.
    func load(list: UnsafeBufferPointer<Int32>, start: Int, count n: Int) -> AugmentedRows {
        let next = start + n
        return load(rows: UnsafeBufferPointer(rebasing: list[start..<next]),
                    prefetching: UnsafeBufferPointer(rebasing: list[next..<min(next + n, list.count)]))
    }

    /// Copies the features (without the trailing 1) of `n` loaded rows into `out` [n × width].
    static func copyFeatures(_ x: AugmentedRows, width d: Int, rows n: Int, into out: UnsafeMutablePointer<Float>) {
        for j in 0..<n { (out + j * d).update(from: x.base + j * x.stride, count: d) }
    }

    @inline(__always)
    private static func widen(_ source: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<Float>, count: Int) {
        for k in 0..<count { out[k] = Float(source[k]) }
    }

    @inline(__always)
    private static func widen(_ source: UnsafePointer<Int32>, into out: UnsafeMutablePointer<Float>, count: Int) {
        for k in 0..<count { out[k] = Float(source[k]) }
    }
}

/// A float scratch buffer for `rows` × `columns`, reused across batches.
final class Scratch {
    let buffer: UnsafeMutablePointer<Float>
    let capacity: Int

    init(_ capacity: Int) {
        self.capacity = max(capacity, 1)
        buffer = .allocate(capacity: self.capacity)
        buffer.initialize(repeating: 0, count: self.capacity)
    }

    deinit { buffer.deallocate() }
}
