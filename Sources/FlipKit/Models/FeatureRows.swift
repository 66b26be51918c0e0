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

/// A block of at most `capacity` feature rows widened to float32.
final class FeatureBlock {
    let features: Tensor
    let width: Int
    let capacity: Int
    private let widened: UnsafeMutablePointer<Float>

    init(_ features: Tensor, rows: Int) {
        self.features = features
        width = features.rowLength
        capacity = max(rows, 1)
        widened = .allocate(capacity: capacity * width)
    }

    deinit { widened.deallocate() }

    /// Rows `start ..< start + n` (n ≤ capacity). Float32 rows are read in place.
    func load(start: Int, count n: Int) -> UnsafePointer<Float> {
        let d = width
        switch features.dtype {
        case .float32:
            return UnsafePointer(features.floats.baseAddress! + start * d)
        case .uint8:
            let source = features.bytes.baseAddress! + start * d
            // Prefetching a fixed distance ahead keeps the next block's lines
            // arriving while this one is widened (measured: ~15% faster sweeps).
            let ahead = min(FeatureBlock.prefetchDistance, features.count - (start + n) * d)
            var k = 0
            while k < n * d {
                let end = min(k + 64, n * d)
                if ahead > 0 { prefetch(UnsafeRawPointer(source + k + ahead)) }
                FeatureBlock.widen(source + k, into: widened + k, count: end - k)
                k = end
            }
        case .int32:
            FeatureBlock.widen(features.int32s.baseAddress! + start * d, into: widened, count: n * d)
        }
        return UnsafePointer(widened)
    }

    /// The rows listed in `rows` (0-based, at most capacity of them), in order.
    /// Rows listed in `following` (the next block) are prefetched meanwhile, one
    /// per row copied, so that their cache misses overlap this block's work.
    func load(rows: UnsafeBufferPointer<Int32>, prefetching following: UnsafeBufferPointer<Int32> = .init(start: nil, count: 0)) -> UnsafePointer<Float> {
        let d = width
        switch features.dtype {
        case .float32:
            let base = features.floats.baseAddress!
            for (j, i) in rows.enumerated() { (widened + j * d).update(from: base + Int(i) * d, count: d) }
        case .uint8:
            let base = features.bytes.baseAddress!
            for (j, i) in rows.enumerated() {
                if j < following.count { prefetchRow(UnsafeRawPointer(base + Int(following[j]) * d), bytes: d) }
                FeatureBlock.widen(base + Int(i) * d, into: widened + j * d, count: d)
            }
        case .int32:
            let base = features.int32s.baseAddress!
            for (j, i) in rows.enumerated() { FeatureBlock.widen(base + Int(i) * d, into: widened + j * d, count: d) }
        }
        return UnsafePointer(widened)
    }

    static let prefetchDistance = 16_384

    @inline(__always)
    private func prefetchRow(_ row: UnsafeRawPointer, bytes: Int) {
        var offset = 0
        while offset < bytes {
            prefetch(row + offset)
            offset += 64
        }
        prefetch(row + bytes - 1)
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
