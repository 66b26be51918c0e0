/// Widening of feature rows (uint8 pixels or float32) into a float scratch
/// buffer, one batch at a time: pixel data stays a quarter of the size in
/// memory and only the batch being worked on is float.
extension Tensor {
    func checkFeatures(dimension d: Int) throws {
        try requireRank(2, "features")
        guard dtype == .float32 || dtype == .uint8 else { throw FlipError("features must be float32 or uint8, got \(dtype.rawValue)") }
        guard rowLength == d else { throw FlipError("features have \(rowLength) columns, the model expects \(d)") }
    }

    /// Copies the rows listed in `rows` (0-based) into `out`, row-major.
    func widenRows(_ rows: UnsafeBufferPointer<Int32>, into out: UnsafeMutablePointer<Float>) {
        let d = rowLength
        for (j, i) in rows.enumerated() { widenRow(Int(i), into: out + j * d) }
    }

    /// Copies rows `start ..< start + n` into `out`.
    func widenRows(start: Int, count n: Int, into out: UnsafeMutablePointer<Float>) {
        let d = rowLength
        if dtype == .float32 {
            out.update(from: floats.baseAddress! + start * d, count: n * d)
            return
        }
        for j in 0..<n { widenRow(start + j, into: out + j * d) }
    }

    @inline(__always)
    private func widenRow(_ i: Int, into out: UnsafeMutablePointer<Float>) {
        let d = rowLength
        switch dtype {
        case .float32:
            out.update(from: floats.baseAddress! + i * d, count: d)
        case .uint8:
            let src = bytes.baseAddress! + i * d
            for k in 0..<d { out[k] = Float(src[k]) }
        case .int32:
            let src = int32s.baseAddress! + i * d
            for k in 0..<d { out[k] = Float(src[k]) }
        }
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
