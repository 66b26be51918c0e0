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
    /// For rows loaded by a FeatureBlock, the rows of the next block still to
    /// be prefetched: the first layer's product prefetches them while it runs
    /// (DenseLayer.forward).
    var upcoming: UpcomingRows? = nil
}

/// Feature rows a sweep will load next, to be prefetched a part at a time:
/// `count` rows numbered by `listed`, or the rows `first ..< first + count`.
struct UpcomingRows {
    let features: UnsafeRawPointer
    let rowBytes: Int
    let count: Int
    let listed: UnsafePointer<Int32>?
    let first: Int

    /// Prefetches part `part` (0-based) of `parts` equal parts of the rows.
    func prefetch(part: Int, of parts: Int) {
        let (from, to) = (count * part / parts, count * (part + 1) / parts)
        guard to > from else { return }
        if let listed {
            for j in from..<to { FlipKit.prefetch(features + Int(listed[j]) * rowBytes, bytes: rowBytes) }
        } else {
            FlipKit.prefetch(features + (first + from) * rowBytes, bytes: (to - from) * rowBytes)
        }
    }

    /// None left to prefetch: the loader prefetched them already.
    var prefetched: UpcomingRows { UpcomingRows(features: features, rowBytes: rowBytes, count: 0, listed: nil, first: 0) }
}

/// A block of at most `capacity` feature rows widened to float32 and
/// augmented (see AugmentedRows).
final class FeatureBlock {
    let features: Tensor
    let width: Int
    let capacity: Int
    private let augmented: UnsafeMutablePointer<Float>
    /// The row numbers of a contiguous block (see load(start:count:)).
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
        runRows = .allocate(capacity: capacity)
    }

    deinit {
        UnsafeMutableRawPointer(augmented).deallocate()
        runRows.deallocate()
    }

    /// Rows `start ..< start + n` (n ≤ capacity), loaded as the list of their
    /// numbers, as a listed block is: one loop for both kinds of block. A
    /// 10-class Fashion-MNIST gradient took 23.1–23.3 ms with a loop of its own
    /// over the run and rows of width + 1, 22.1–22.3 ms this way (release
    /// build, best of 10, three runs each; same floats); the runs, ±0.3 ms, do
    /// not say how much of that the alignment gives.
    func load(start: Int, count n: Int) -> AugmentedRows {
        for j in 0..<n { runRows[j] = start + j }
        let following = min(n, max(features.rows - (start + n), 0))
        return load(rows: UnsafeBufferPointer(start: runRows, count: n),
                    upcoming: UpcomingRows(features: UnsafeRawPointer(features.raw), rowBytes: rowBytes, count: following,
                                           listed: nil, first: start + n))
    }

    /// Rows `list[start ..< start + n]` of a list of 0-based rows; the next
    /// block's, `list[start + n ..< start + 2n]`, are the upcoming ones.
    func load(list: UnsafeBufferPointer<Int32>, start: Int, count n: Int) -> AugmentedRows {
        let next = start + n
        return load(rows: UnsafeBufferPointer(rebasing: list[start..<next]),
                    upcoming: UpcomingRows(features: UnsafeRawPointer(features.raw), rowBytes: rowBytes,
                                           count: min(n, list.count - next), listed: list.baseAddress! + next, first: 0))
    }

    private var rowBytes: Int { width * features.dtype.byteWidth }

    /// The rows listed in `rows` (0-based, at most capacity of them), in order.
    /// Pixels come back with the next block's rows as `upcoming`, for the
    /// product that follows to prefetch (DenseLayer.forward): prefetched while
    /// pixels are widened, the misses of shuffled rows piled up. Float rows,
    /// four times the bytes and only copied, are better prefetched here, one
    /// per row copied (a shuffled 10-class epoch on [0, 1] floats,
    /// `scripts/bench/epoch_time.lua`: 37.2–37.6 ms prefetched by the product,
    /// 30.4–31.5 ms this way).
    private func load<Index: BinaryInteger>(rows: UnsafeBufferPointer<Index>, upcoming: UpcomingRows) -> AugmentedRows {
        let d = width
        for j in 0..<rows.count { augmented[j * stride + d] = 1 }
        switch features.dtype {
        case .float32:
            let base = features.floats.baseAddress!
            for (j, i) in rows.enumerated() {
                upcoming.prefetch(part: j, of: rows.count)
                (augmented + j * stride).update(from: base + Int(i) * d, count: d)
            }
            return AugmentedRows(base: augmented, stride: stride, upcoming: upcoming.prefetched)
        case .uint8:
            let base = features.bytes.baseAddress!
            for (j, i) in rows.enumerated() { FeatureBlock.widen(base + Int(i) * d, into: augmented + j * stride, count: d) }
        case .int32:
            let base = features.int32s.baseAddress!
            for (j, i) in rows.enumerated() { FeatureBlock.widen(base + Int(i) * d, into: augmented + j * stride, count: d) }
        }
        return AugmentedRows(base: augmented, stride: stride, upcoming: upcoming)
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
