/// Sweeps of the binary model that go through BinaryRowPass instead of
/// widened blocks: the full-batch gradient and the training epoch.
extension Model {
    var passesRowsDirectly: Bool { kernel is BinaryLogisticKernel }

    /// The binary pass over `features`' rows `row(0) … row(n − 1)`, whatever
    /// their element type: uint8 rows in fixed point (FixedPointRowPass) where it
    /// takes them and the weights (`FixedPointRowPass.weightExponent`), else, like
    /// float rows, in float (BinaryRowPass). `buffers` are the pass's, allocated
    /// once per sweep.
    func binaryRowPass(features: Tensor, count n: Int, row: (Int) -> Int, labels: UnsafePointer<Int32>,
                       gradient: UnsafeMutablePointer<Float>, loss: Bool, buffers: RowPassBuffers) -> Double {
        let w = UnsafePointer(parameters.floats.baseAddress!)
        let d = inputDimension
        switch features.dtype {
        case .uint8:
            if let exponent = FixedPointRowPass.weightExponent(w, width: d, rows: features.rows) {
                return FixedPointRowPass.run(w, weightExponent: exponent, rows: features.bytes.baseAddress!, width: d,
                                             count: n, row: row, labels: labels, gradient: gradient, loss: loss,
                                             buffers: buffers.fixedPoint)
            }
            return BinaryRowPass.run(w, rows: features.bytes.baseAddress!, width: d, count: n, row: row, labels: labels,
                                     gradient: gradient, loss: loss, group: buffers.widened)
        case .float32:
            return BinaryRowPass.run(w, rows: features.floats.baseAddress!, width: d, count: n, row: row, labels: labels,
                                     gradient: gradient, loss: loss, group: buffers.widened)
        case .int32:
            return BinaryRowPass.run(w, rows: features.int32s.baseAddress!, width: d, count: n, row: row, labels: labels,
                                     gradient: gradient, loss: loss, group: buffers.widened)
        }
    }

    /// The binary gradient of the summed loss over the visited rows, added to `g`.
    /// Labels are read in place; only a row list without overrides gathers them.
    func binaryGradient(features: Tensor, labels: Tensor, rows: Tensor?, overrides: Tensor?, into g: UnsafeMutablePointer<Float>) {
        let total = rows?.count ?? features.rows
        let buffers = RowPassBuffers(width: inputDimension)
        func pass(_ y: UnsafePointer<Int32>) {
            if let rows {
                let list = rows.int32s
                _ = binaryRowPass(features: features, count: total, row: { Int(list[$0]) }, labels: y, gradient: g, loss: false,
                                  buffers: buffers)
            } else {
                _ = binaryRowPass(features: features, count: total, row: { $0 }, labels: y, gradient: g, loss: false, buffers: buffers)
            }
        }
        if let overrides {
            pass(overrides.int32s.baseAddress!)
        } else if let rows {
            let gathered = rows.int32s.map { labels.int32s[Int($0)] }
            gathered.withUnsafeBufferPointer { pass($0.baseAddress!) }
        } else {
            pass(labels.int32s.baseAddress!)
        }
    }
}

/// The buffers of a binary sweep, made when a pass first needs them.
final class RowPassBuffers {
    let width: Int
    lazy var widened = WidenedGroup(width: width)
    lazy var fixedPoint = FixedPointBuffers(width: width)

    init(width: Int) { self.width = width }
}
