import CFixedPoint

/// The binary model's row pass over uint8 rows, in integer arithmetic.
///
/// Once per pass the weights are rounded to 30-bit fixed point, q_j =
/// round(w_j / 2^e) with e chosen from max |w_j| so that |q_j| < 2^30; each
/// logit ⟨q, x⟩ is then an exact integer (scaled by 2^e, the bias added, in
/// double). Per block of rows the residuals are rounded the same way, with the
/// block's own exponent, so Σ_i r_i·x_i is an exact integer per block; blocks
/// are scaled and summed in double. No sum depends on the order of its
/// additions: the AVX-512 VNNI kernel (64 byte products per instruction, no
/// widening of the pixels) and the portable one give the same numbers on every
/// machine. The rounding error, at most 2^-30 of the largest weight or
/// residual, is below the 2^-24 a float32 sum loses at each addition.
public enum FixedPointRowPass {
    /// Rows per block: their residuals share an exponent, and the block's rows
    /// stay in the second-level cache between the logits and the gradient.
    static let blockRows = 1024
    /// The widest rows the kernels take: d digit products of at most 32640 fit a 32-bit sum.
    static let maxWidth = 65536
    /// 1 for AVX-512 VNNI, 0 for the portable kernel, −1 for none (FLIPSIDE_FIXED_KERNEL=float).
    static let kernel = flipside_fixed_best_kernel()
    public static var kernelName: String { String(cString: flipside_fixed_kernel_name(kernel)) }

    /// The weights' exponent if this pass takes `rows` rows of width d with the
    /// weights w[0..<d]: nil for rows wider than `maxWidth`, more rows than an
    /// int32 numbers, weights not all finite, or with FLIPSIDE_FIXED_KERNEL=float.
    static func weightExponent(_ w: UnsafePointer<Float>, width d: Int, rows: Int) -> Int? {
        guard kernel >= 0, d <= maxWidth, rows <= Int(Int32.max) else { return nil }
        let largest = largestMagnitude(w, count: d)
        guard largest.isFinite else { return nil }
        // All zero: every integer is 0 whatever the exponent.
        return largest == 0 ? 0 : exponent(largest: largest)
    }

    /// The exponent for values whose largest magnitude is `largest` (finite, not 0).
    @inline(__always)
    static func exponent(largest: Float) -> Int { Int(largest.exponent) - 29 }

    /// max |v_i|, or a value that is not finite if some v_i is not.
    static func largestMagnitude(_ v: UnsafePointer<Float>, count n: Int) -> Float {
        // |v| as bits orders like |v|; NaN and ±∞ are the bit patterns from 0x7f800000 up.
        var widest = SIMD8<UInt32>()
        var i = 0
        while i + 8 <= n {
            let bits = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<UInt32>.self) & 0x7fff_ffff
            widest = widest.replacing(with: bits, where: bits .> widest)
            i += 8
        }
        var largest = widest.max()
        while i < n {
            largest = max(largest, v[i].bitPattern & 0x7fff_ffff)
            i += 1
        }
        return Float(bitPattern: largest)
    }

    /// Rounds w[0..<d] to the buffers' weight digits; returns the scale 2^e of their integers.
    private static func prepareWeights(_ w: UnsafePointer<Float>, exponent: Int, width d: Int, buffers b: FixedPointBuffers) -> Double {
        flipside_fixed_split(kernel, w, Int64(d), Int32(exponent), b.weightDigits, Int64(b.weightStride))
        return Double(sign: .plus, exponent: exponent, significand: 1)
    }

    /// z_i = ⟨w, x̃⟩ for the rows row(start + i), i < m ≤ blockRows, with the
    /// prepared weights: the exact integer sum, scaled, plus the bias, rounded
    /// once to double and once to float. Leaves the rows' indices in b.rows.
    private static func blockLogits(start: Int, count m: Int, row: (Int) -> Int, rows base: UnsafePointer<UInt8>, width d: Int,
                                    scale: Double, bias: Double, buffers b: FixedPointBuffers, into z: UnsafeMutablePointer<Float>) {
        for i in 0..<m { b.rows[i] = Int32(truncatingIfNeeded: row(start + i)) }
        flipside_fixed_dot(kernel, base, Int64(d), b.rows, Int64(m), b.weightDigits, Int64(b.weightStride), b.logits)
        for i in 0..<m { z[i] = Float(Double(b.logits[i]) * scale + bias) }
    }

    /// z_j = ⟨w, x̃_j⟩ for the rows `row(0) … row(n − 1)`, written to `out`: the
    /// logits of `run`, to the bit. `weightExponent` is `weightExponent(w, width: d, rows:)`.
    static func logits(_ w: UnsafePointer<Float>, weightExponent: Int, rows base: UnsafePointer<UInt8>, width d: Int,
                       count n: Int, row: (Int) -> Int, into out: UnsafeMutablePointer<Float>, buffers b: FixedPointBuffers) {
        let scale = prepareWeights(w, exponent: weightExponent, width: d, buffers: b)
        var start = 0
        while start < n {
            let m = min(blockRows, n - start)
            blockLogits(start: start, count: m, row: row, rows: base, width: d, scale: scale, bias: Double(w[d]), buffers: b,
                        into: out + start)
            start += m
        }
    }

    /// Adds Σ_j (σ(z_j) − y_j)·x̃_j over the rows `row(0) … row(n − 1)` of `base`
    /// to `gradient` (d + 1 floats, bias last) and returns the summed loss if
    /// `loss`, else 0. `weightExponent` is `weightExponent(w, width: d, rows:)`.
    static func run(_ w: UnsafePointer<Float>, weightExponent: Int, rows base: UnsafePointer<UInt8>, width d: Int,
                    count n: Int, row: (Int) -> Int, labels: UnsafePointer<Int32>, gradient: UnsafeMutablePointer<Float>,
                    loss: Bool, buffers b: FixedPointBuffers) -> Double {
        let scale = prepareWeights(w, exponent: weightExponent, width: d, buffers: b)
        // One block (a mini-batch) adds its sums to the gradient directly, rounded
        // once, as the double totals of one block would be.
        let sink: Sink = n <= blockRows ? .gradient(gradient) : .totals
        if case .totals = sink { b.total.update(repeating: 0, count: d + 1) }
        var lossSum = CrossEntropy.BinaryLossSum()
        var start = 0
        while start < n {
            let m = min(blockRows, n - start)
            let y = labels + start, z = b.residuals
            blockLogits(start: start, count: m, row: row, rows: base, width: d, scale: scale, bias: Double(w[d]), buffers: b,
                        into: z)
            // Residuals in place of the logits, four rows at a time.
            var i = 0
            while i + 4 <= m {
                let zi = UnsafeRawPointer(z + i).loadUnaligned(as: SIMD4<Float>.self)
                let (r, e) = CrossEntropy.binaryResiduals(zi, labels: y + i)
                if loss { lossSum.add(z: zi, e: e, labels: y + i) }
                UnsafeMutableRawPointer(z + i).storeBytes(of: r, as: SIMD4<Float>.self)
                i += 4
            }
            if i < m {
                // The last rows, padded to four with z = 0 and label 0, which are dropped.
                var zi = SIMD4<Float>(), tail = SIMD4<Int32>()
                for j in 0..<(m - i) {
                    zi[j] = z[i + j]
                    tail[j] = y[i + j]
                }
                let (r, e) = withUnsafePointer(to: tail) {
                    $0.withMemoryRebound(to: Int32.self, capacity: 4) { CrossEntropy.binaryResiduals(zi, labels: $0) }
                }
                for j in 0..<(m - i) {
                    z[i + j] = r[j]
                    if loss { lossSum.add(z: zi[j], e: e[j], label: tail[j]) }
                }
            }
            // Residuals lie in [−1, 1]: their largest is finite; 0 means nothing to add.
            let largest = largestMagnitude(z, count: m)
            if largest > 0 {
                addResidualProducts(block: m, largestResidual: largest, base: base, width: d, buffers: b, into: sink)
            }
            start += m
        }
        if case .totals = sink { for j in 0...d { gradient[j] += Float(b.total[j]) } }
        return loss ? lossSum.value : 0
    }

    /// Adds Σ_j c_j·x̃_j over the rows `row(0) … row(n − 1)` of `base` to
    /// `gradient` (d + 1 floats, bias last), the coefficients rounded to fixed
    /// point per block as residuals are: the sums of a gradient whose residuals
    /// were computed elsewhere (the log-domain direction, Model+BinaryDirection).
    static func accumulate(_ c: UnsafePointer<Float>, rows base: UnsafePointer<UInt8>, width d: Int, count n: Int,
                           row: (Int) -> Int, into gradient: UnsafeMutablePointer<Float>, buffers b: FixedPointBuffers) {
        b.total.update(repeating: 0, count: d + 1)
        var start = 0
        while start < n {
            let m = min(blockRows, n - start)
            for i in 0..<m { b.rows[i] = Int32(row(start + i)) }
            b.residuals.update(from: c + start, count: m)
            let largest = largestMagnitude(b.residuals, count: m)
            if largest > 0 { addResidualProducts(block: m, largestResidual: largest, base: base, width: d, buffers: b, into: .totals) }
            start += m
        }
        for j in 0...d { gradient[j] += Float(b.total[j]) }
    }

    /// Where a block's Σ r_i·x̃_i goes: the buffers' double totals, or a float gradient.
    private enum Sink {
        case totals
        case gradient(UnsafeMutablePointer<Float>)
    }

    /// Adds Σ_i r_i·x̃_i for the block's rows (b.rows, b.residuals), r rounded to fixed point, to `sink`.
    private static func addResidualProducts(block m: Int, largestResidual: Float, base: UnsafePointer<UInt8>, width d: Int,
                                            buffers b: FixedPointBuffers, into sink: Sink) {
        let exponent = exponent(largest: largestResidual)
        // The kernels read residual digits four rows at a time: the planes are zero past the block's last group.
        let padding = min(3, b.residualStride - m)
        for plane in 0..<4 { (b.residualDigits + plane * b.residualStride + m).update(repeating: 0, count: padding) }
        flipside_fixed_split(kernel, b.residuals, Int64(m), Int32(exponent), b.residualDigits, Int64(b.residualStride))
        flipside_fixed_accumulate(kernel, base, Int64(d), b.rows, Int64(m), b.residualDigits, Int64(b.residualStride),
                                  b.accumulator)
        // The bias column x = 1: the same rounded residuals, summed exactly.
        let scale = Double(sign: .plus, exponent: -exponent, significand: 1)
        var sum: Int64 = 0
        for i in 0..<m { sum += Int64((Double(b.residuals[i]) * scale).rounded(.toNearestOrEven)) }
        let biasSum = Double(sum) * Double(sign: .plus, exponent: exponent, significand: 1)
        switch sink {
        case .totals:
            flipside_fixed_add_sums(kernel, b.accumulator, Int64(d), Int32(exponent), b.total, nil)
            b.total[d] += biasSum
        case .gradient(let gradient):
            flipside_fixed_add_sums(kernel, b.accumulator, Int64(d), Int32(exponent), nil, gradient)
            gradient[d] += Float(biasSum)
        }
    }
}

/// The fixed-point pass's buffers for rows of width d, allocated once per sweep.
final class FixedPointBuffers {
    let weightStride: Int, residualStride: Int
    let weightDigits: UnsafeMutablePointer<Int8>
    let residualDigits: UnsafeMutablePointer<Int8>
    let rows: UnsafeMutablePointer<Int32>
    let logits: UnsafeMutablePointer<Int64>
    let residuals: UnsafeMutablePointer<Float>
    let accumulator: UnsafeMutableRawPointer
    let total: UnsafeMutablePointer<Double>

    init(width d: Int) {
        let blockRows = FixedPointRowPass.blockRows
        weightStride = Int(flipside_fixed_stride(Int64(d)))
        residualStride = Int(flipside_fixed_stride(Int64(blockRows)))
        weightDigits = .allocate(capacity: 4 * weightStride)
        weightDigits.initialize(repeating: 0, count: 4 * weightStride)
        residualDigits = .allocate(capacity: 4 * residualStride)
        residualDigits.initialize(repeating: 0, count: 4 * residualStride)
        rows = .allocate(capacity: blockRows)
        logits = .allocate(capacity: blockRows)
        residuals = .allocate(capacity: blockRows)
        accumulator = .allocate(byteCount: Int(flipside_fixed_accumulator_bytes(Int64(d))), alignment: 64)
        total = .allocate(capacity: d + 1)
    }

    deinit {
        weightDigits.deallocate()
        residualDigits.deallocate()
        rows.deallocate()
        logits.deallocate()
        residuals.deallocate()
        accumulator.deallocate()
        total.deallocate()
    }
}
