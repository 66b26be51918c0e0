/// Sweeps of the binary model that go through BinaryRowPass instead of
/// widened blocks: the full-batch gradient and the training epoch.
extension Model {
    var passesRowsDirectly: Bool { kernel is BinaryLogisticKernel }

    /// BinaryRowPass over `features`' rows `row(0) … row(n − 1)`, whatever their element type.
    func binaryRowPass(features: Tensor, count n: Int, row: (Int) -> Int, labels: UnsafePointer<Int32>,
                       gradient: UnsafeMutablePointer<Float>, scale: Float, loss: Bool) -> Double {
        let w = UnsafePointer(parameters.floats.baseAddress!)
        let d = inputDimension
        let out = CrossEntropy.Outputs(residual: true, loss: loss)
        switch features.dtype {
        case .uint8:
            return BinaryRowPass.run(w, rows: features.bytes.baseAddress!, width: d, count: n, row: row, labels: labels,
                                     gradient: gradient, scale: scale, out)
        case .float32:
            return BinaryRowPass.run(w, rows: features.floats.baseAddress!, width: d, count: n, row: row, labels: labels,
                                     gradient: gradient, scale: scale, out)
        case .int32:
            return BinaryRowPass.run(w, rows: features.int32s.baseAddress!, width: d, count: n, row: row, labels: labels,
                                     gradient: gradient, scale: scale, out)
        }
    }

    /// The binary gradient of the summed loss over the visited rows, added to `g`.
    func binaryGradient(features: Tensor, labels: Tensor, rows: Tensor?, overrides: Tensor?, into g: UnsafeMutablePointer<Float>) {
        let total = rows?.count ?? features.rows
        var y = [Int32](repeating: 0, count: total)
        if let overrides {
            y.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: overrides.int32s.baseAddress!, count: total) }
        } else if let rows {
            for j in 0..<total { y[j] = labels.int32s[Int(rows.int32s[j])] }
        } else {
            y.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: labels.int32s.baseAddress!, count: total) }
        }
        y.withUnsafeBufferPointer { y in
            if let rows {
                let list = rows.int32s
                _ = binaryRowPass(features: features, count: total, row: { Int(list[$0]) }, labels: y.baseAddress!,
                                  gradient: g, scale: 1, loss: false)
            } else {
                _ = binaryRowPass(features: features, count: total, row: { $0 }, labels: y.baseAddress!,
                                  gradient: g, scale: 1, loss: false)
            }
        }
    }
}
