public enum Reduction: String, CaseIterable, Sendable {
    case sum, mean, min, max, argmin, argmax
}

extension Tensor {
    /// Reduces all elements. argmin/argmax give a 0-based flat index (first on ties).
    public func reduce(_ r: Reduction) throws -> Double {
        if count == 0 {
            switch r {
            case .sum: return 0
            default: throw FlipError("\(r.rawValue) of an empty tensor")
            }
        }
        return reduceRange(r, start: 0, count: count, stride: 1)
    }

    /// Reduces along dimension `dim` (0-based) of a 2-D tensor.
    public func reduce(_ r: Reduction, dimension dim: Int) throws -> Tensor {
        try requireRank(2, "tensor reduced along a dimension")
        guard dim == 0 || dim == 1 else { throw FlipError("dimension \(dim + 1) out of range for a 2-D tensor") }
        let (n, m) = (shape[0], shape[1])
        let outer = dim == 0 ? m : n
        let inner = dim == 0 ? n : m
        if inner == 0 && r != .sum { throw FlipError("\(r.rawValue) over an empty dimension") }
        let positional = r == .argmin || r == .argmax
        guard !positional || inner <= Int(Int32.max) else { throw FlipError("\(r.rawValue) over \(inner) elements does not fit an int32") }
        let integral = positional || (dtype == .int32 && (r == .sum || r == .min || r == .max))
        let out = try Tensor(validShape: [outer], dtype: integral ? .int32 : .float32)
        if positional && dim == 1 && dtype == .float32 {
            rowPositions(of: r, into: out.int32s.baseAddress!)
            return out
        }
        for o in 0..<outer {
            let v = dim == 0
                ? reduceRange(r, start: o, count: n, stride: m)
                : reduceRange(r, start: o * m, count: m, stride: 1)
            if integral && !positional && !(v >= Double(Int32.min) && v <= Double(Int32.max)) {
                throw FlipError("\(r.rawValue) of \(dim == 0 ? "column" : "row") \(o + 1) is \(formatNumber(v)), beyond int32")
            }
            out.setValue(v, at: o)
        }
        return out
    }

    /// argmin or argmax of each row of a float32 matrix, as reduceRange does it:
    /// the first extreme, or the first NaN.
    private func rowPositions(of r: Reduction, into out: UnsafeMutablePointer<Int32>) {
        if r == .argmax {
            rowPositions(into: out, better: { $0 > $1 })
        } else {
            rowPositions(into: out, better: { $0 < $1 })
        }
    }

    @inline(__always)
    private func rowPositions(into out: UnsafeMutablePointer<Int32>, better: (Float, Float) -> Bool) {
        let (n, m) = (shape[0], shape[1])
        let x = floats.baseAddress!
        for o in 0..<n {
            let row = x + o * m
            var best = row[0]
            var bestIndex = 0
            if !best.isNaN {
                for k in 1..<max(m, 1) {
                    let v = row[k]
                    if v.isNaN { bestIndex = k; break }
                    // Selects, not a branch: which element wins is unpredictable.
                    let wins = better(v, best)
                    best = wins ? v : best
                    bestIndex = wins ? k : bestIndex
                }
            }
            out[o] = Int32(truncatingIfNeeded: bestIndex)
        }
    }

    private func reduceRange(_ r: Reduction, start: Int, count n: Int, stride: Int) -> Double {
        switch dtype {
        case .float32: return Tensor.reduce(r, UnsafePointer(floats.baseAddress! + start), count: n, stride: stride) { Double($0) }
        case .int32: return Tensor.reduce(r, UnsafePointer(int32s.baseAddress! + start), count: n, stride: stride) { Double($0) }
        case .uint8: return Tensor.reduce(r, UnsafePointer(bytes.baseAddress! + start), count: n, stride: stride) { Double($0) }
        }
    }

    /// The reduction over `n` elements `stride` apart, each read as a Double.
    @inline(__always)
    private static func reduce<Element>(_ r: Reduction, _ p: UnsafePointer<Element>, count n: Int, stride: Int,
                                        _ value: (Element) -> Double) -> Double {
        switch r {
        case .sum, .mean:
            var total = 0.0
            for k in 0..<n { total += value(p[k * stride]) }
            return r == .sum ? total : total / Double(n)
        case .min, .max, .argmin, .argmax:
            var best = value(p[0])
            var bestIndex = 0
            let wantMax = (r == .max || r == .argmax)
            for k in 1..<max(n, 1) {
                let v = value(p[k * stride])
                if v.isNaN && !best.isNaN { best = v; bestIndex = k; break }
                if wantMax ? (v > best) : (v < best) { best = v; bestIndex = k }
            }
            if r == .argmin || r == .argmax { return Double(bestIndex) }
            return best
        }
    }

    /// Euclidean norm of all elements.
    public func norm() -> Double {
        var total = 0.0
        for i in 0..<count {
            let v = value(at: i)
            total += v * v
        }
        return total.squareRoot()
    }
}
