import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The binary model's gradient direction straight from the rows' own storage,
/// like its gradient (Model+BinaryRows.swift): the logits of every visited row
/// as the row passes compute them (in fixed point for uint8 rows where that
/// pass takes them), the log-domain residuals and their largest, then
/// Σ r̃_i·x̃_i with r̃_i = ±e^(L_i − M) (in fixed point there too).
extension Model {
    func binaryDirection(features: Tensor, labels: Tensor, rows: Tensor?, overrides: Tensor?) throws -> GradientDirection {
        let total = rows?.count ?? features.rows
        let d = inputDimension
        let out = try Tensor(zeros: parameters.shape)
        let g = out.floats.baseAddress!
        let w = UnsafePointer(parameters.floats.baseAddress!)
        let listed = rows?.int32s
        let row: (Int) -> Int = listed.map { list in { Int(list[$0]) } } ?? { $0 }
        let z = Scratch(total), coefficients = Scratch(total), signs = Scratch(total)
        let logs = UnsafeMutablePointer<Double>.allocate(capacity: total)
        defer { logs.deallocate() }
        let y: [Int32] = overrides?.int32Values ?? listed.map { list in list.map { labels.int32s[Int($0)] } } ?? labels.int32Values
        func logits<E: RowElement>(_ base: UnsafePointer<E>) {
            BinaryRowPass.logits(w, rows: base, width: d, count: total, row: row, into: z.buffer)
        }
        let fixedPoint = features.dtype == .uint8 ? FixedPointRowPass.weightExponent(w, width: d, rows: features.rows) : nil
        let buffers = fixedPoint.map { _ in FixedPointBuffers(width: d) }
        switch features.dtype {
        case .uint8:
            if let exponent = fixedPoint, let buffers {
                FixedPointRowPass.logits(w, weightExponent: exponent, rows: features.bytes.baseAddress!, width: d, count: total,
                                         row: row, into: z.buffer, buffers: buffers)
            } else {
                logits(UnsafePointer(features.bytes.baseAddress!))
            }
        case .float32: logits(UnsafePointer(features.floats.baseAddress!))
        case .int32: logits(UnsafePointer(features.int32s.baseAddress!))
        }
        y.withUnsafeBufferPointer { LogResiduals.binary(z.buffer, rows: total, labels: $0.baseAddress!, logs: logs, signs: signs.buffer) }
        var largest = -Double.infinity
        for i in 0..<total {
            guard !logs[i].isNaN else {
                for k in 0..<parameterCount { g[k] = .nan }
                return GradientDirection(direction: out, logScale: .nan)
            }
            largest = max(largest, logs[i])
        }
        let c = coefficients.buffer
        LogResiduals.scaled(logs: logs, signs: signs.buffer, count: total, largest: largest, into: c)
        func accumulate<E: RowElement>(_ base: UnsafePointer<E>) {
            var j = 0
            while j + 4 <= total {
                BinaryRowPass.add4(g, SIMD4(c[j], c[j + 1], c[j + 2], c[j + 3]),
                                   (base + row(j) * d, base + row(j + 1) * d, base + row(j + 2) * d, base + row(j + 3) * d), d)
                j += 4
            }
            while j < total {
                BinaryRowPass.add1(g, c[j], base + row(j) * d, d)
                j += 1
            }
        }
        if let buffers {
            FixedPointRowPass.accumulate(c, rows: features.bytes.baseAddress!, width: d, count: total, row: row, into: g, buffers: buffers)
        } else {
            switch features.dtype {
            case .uint8: accumulate(UnsafePointer(features.bytes.baseAddress!))
            case .float32 where rows == nil:
                // Every row in order: one matrix-vector product gᵀ += cᵀX.
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(total), Int32(d), 1, features.floats.baseAddress!, Int32(d), c, 1, 1, g, 1)
            case .float32: accumulate(UnsafePointer(features.floats.baseAddress!))
            case .int32: accumulate(UnsafePointer(features.int32s.baseAddress!))
            }
            var bias = 0.0
            for i in 0..<total { bias += Double(c[i]) }
            g[d] = Float(bias)
        }
        let scale = 1 / Float(total)
        for k in 0...d { g[k] *= scale }
        return GradientDirection(direction: out, logScale: largest)
    }
}
