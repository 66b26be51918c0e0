/// Binary logistic regression straight from the feature rows' own storage, in
/// float. A one-output layer is a matrix-vector product: widening a block of
/// rows to float before it costs as much as the product itself. Here four rows
/// at a time are converted in registers (and kept, widened, in a buffer of 4·d
/// floats), their logits ⟨w, x⟩ + b computed, their residuals taken, and
/// g += s·Σ r_j·x̃_j added from the group buffer while it is in the L1 cache.
/// Every binary sweep that needs a gradient over float32 or int32 rows goes
/// through here; uint8 rows go through FixedPointRowPass unless it cannot take
/// them (Model.binaryRowPass).
protocol RowElement {
    static func load8(_ p: UnsafePointer<Self>) -> SIMD8<Float>
    var widened: Float { get }
}

extension UInt8: RowElement {
    @inline(__always)
    static func load8(_ p: UnsafePointer<UInt8>) -> SIMD8<Float> {
        SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<UInt8>.self)))
    }
    @inline(__always) var widened: Float { Float(self) }
}

extension Float: RowElement {
    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    @inline(__always) var widened: Float { self }
}

extension Int32: RowElement {
    @inline(__always)
    static func load8(_ p: UnsafePointer<Int32>) -> SIMD8<Float> {
        SIMD8<Float>(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int32>.self))
    }
    @inline(__always) var widened: Float { Float(self) }
}

/// a + x·y: one fused instruction where the build targets FMA (Package.swift
/// defines FLIPSIDE_FMA then), else a multiply and an add, since a fused
/// multiply-add without the hardware is a library call per lane. The two
/// round differently: a portable build's binary-model numbers differ from a
/// native build's in the last bits (each build is reproducible on its own).
@inline(__always)
func multiplyAdd<V: SIMD>(_ a: V, _ x: V, _ y: V) -> V where V.Scalar: BinaryFloatingPoint {
    #if FLIPSIDE_FMA
    return a.addingProduct(x, y)
    #else
    return a + x * y
    #endif
}

@inline(__always)
func multiplyAdd(_ a: Float, _ x: Float, _ y: Float) -> Float {
    #if FLIPSIDE_FMA
    return a.addingProduct(x, y)
    #else
    return a + x * y
    #endif
}

public enum BinaryRowPass {
    /// Whether this build fuses the float row pass's multiply-adds (FLIPSIDE_FMA).
    public static var fusesMultiplyAdd: Bool {
        #if FLIPSIDE_FMA
        true
        #else
        false
        #endif
    }

    /// Over the rows `row(0) … row(n − 1)` of `base` (rows of `d` elements)
    /// with `labels[j]` for row(j): adds Σ_j (σ(z_j) − y_j)·x̃_j to `gradient`
    /// (d + 1 floats, bias last) and returns the summed loss if `loss`, else 0.
    /// `group` holds four widened rows of width d (unused for float rows).
    static func run<E: RowElement>(_ w: UnsafePointer<Float>, rows base: UnsafePointer<E>, width d: Int, count n: Int,
                                   row: (Int) -> Int, labels: UnsafePointer<Int32>, gradient: UnsafeMutablePointer<Float>,
                                   loss: Bool, group: WidenedGroup) -> Double {
        let out = CrossEntropy.Outputs(residual: true, loss: loss)
        var lossSum = CrossEntropy.BinaryLossSum()
        var total = 0.0
        var j = 0
        // Float rows need no widening: they are read where they are.
        let group = E.self == Float.self ? nil : group
        while j < n {
            let m = min(4, n - j)
            let sequential = group == nil && runsOn(from: j, count: n, row: row)
            if !sequential { prefetchGroup(after: j, base, width: d, count: n, row: row) }
            if m == 4 {
                let p = (base + row(j) * d, base + row(j + 1) * d, base + row(j + 2) * d, base + row(j + 3) * d)
                let z = if let group { dot4(w, p, d, widening: group) } else if sequential { dot1x4(w, p, d) } else { dot4(w, p, d) }
                let (r, e) = CrossEntropy.binaryResiduals(z, labels: labels + j)
                if loss { lossSum.add(z: z, e: e, labels: labels + j) }
                if let group { add4(gradient, r, group, d) } else { add4(gradient, r, p, d) }
                gradient[d] += r[0] + r[1] + r[2] + r[3]
            } else {
                for i in 0..<m {
                    let p = base + row(j + i) * d
                    var zi = dot1(w, p, d)
                    total += CrossEntropy.binary(&zi, rows: 1, labels: labels + j + i, out)
                    add1(gradient, zi, p, d)
                    gradient[d] += zi
                }
            }
            j += m
        }
        return total + lossSum.value
    }

    /// z_j = ⟨w, x̃_j⟩ for the rows `row(0) … row(n − 1)`, written to `out`: the
    /// logits of the passes above, to the bit (four rows or one, the same sums).
    static func logits<E: RowElement>(_ w: UnsafePointer<Float>, rows base: UnsafePointer<E>, width d: Int, count n: Int,
                                      row: (Int) -> Int, into out: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 4 <= n {
            let sequential = runsOn(from: j, count: n, row: row)
            if !sequential { prefetchGroup(after: j, base, width: d, count: n, row: row) }
            let p = (base + row(j) * d, base + row(j + 1) * d, base + row(j + 2) * d, base + row(j + 3) * d)
            let z = sequential ? dot1x4(w, p, d) : dot4(w, p, d)
            for i in 0..<4 { out[j + i] = z[i] }
            j += 4
        }
        while j < n {
            out[j] = dot1(w, base + row(j) * d, d)
            j += 1
        }
    }

    /// Whether the group at j and the next one span consecutive rows of the
    /// storage (only the speed depends on it). Their memory is then best read as one stream, row after row,
    /// left to the hardware prefetcher: four rows read side by side, or the next
    /// group prefetched by hand, halve the rate at which such rows arrive (the
    /// binary Fashion-MNIST gradient on float rows, 12,000 in order: 2.4 →
    /// 1.3 ms; rows in random order still go faster side by side and prefetched).
    @inline(__always)
    static func runsOn(from j: Int, count n: Int, row: (Int) -> Int) -> Bool {
        let last = min(j + 7, n - 1)
        return row(last) - row(j) == last - j
    }

    /// dot4's four logits, one row after the other: the same sums, bit for bit
    /// (each row has its own accumulator either way), in the order memory holds them.
    @inline(__always)
    static func dot1x4<E: RowElement>(_ w: UnsafePointer<Float>, _ p: (UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>),
                                      _ d: Int) -> SIMD4<Float> {
        SIMD4(dot1(w, p.0, d), dot1(w, p.1, d), dot1(w, p.2, d), dot1(w, p.3, d))
    }

    /// Prefetches the rows of the group after the one at j, so that they (random
    /// ones, in a shuffled epoch) arrive while this group is worked on.
    @inline(__always)
    static func prefetchGroup<E>(after j: Int, _ base: UnsafePointer<E>, width d: Int, count n: Int, row: (Int) -> Int) {
        for i in stride(from: j + 4, to: min(j + 8, n), by: 1) {
            prefetch(UnsafeRawPointer(base + row(i) * d), bytes: d * MemoryLayout<E>.stride)
        }
    }

    /// ⟨w, x̃⟩ for four rows, the bias w[d] included.
    @inline(__always)
    static func dot4<E: RowElement>(_ w: UnsafePointer<Float>, _ p: (UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>),
                                    _ d: Int) -> SIMD4<Float> {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var k = 0
        while k + 8 <= d {
            let wk = UnsafeRawPointer(w + k).loadUnaligned(as: SIMD8<Float>.self)
            a0 = multiplyAdd(a0, E.load8(p.0 + k), wk)
            a1 = multiplyAdd(a1, E.load8(p.1 + k), wk)
            a2 = multiplyAdd(a2, E.load8(p.2 + k), wk)
            a3 = multiplyAdd(a3, E.load8(p.3 + k), wk)
            k += 8
        }
        var s = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while k < d {
            s = multiplyAdd(s, SIMD4(p.0[k].widened, p.1[k].widened, p.2[k].widened, p.3[k].widened), SIMD4(repeating: w[k]))
            k += 1
        }
        return s + SIMD4(repeating: w[d])
    }

    /// dot4 that also leaves the four rows widened in `group`, so that the
    /// gradient reads them from there instead of converting them again (the
    /// binary Fashion-MNIST gradient, 12,000 uint8 rows: 0.89 → 0.80 ms). The
    /// sums are dot4's, and add4(_:_:_:_:) over the group computes add4's, bit for bit.
    @inline(__always)
    static func dot4<E: RowElement>(_ w: UnsafePointer<Float>, _ p: (UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>),
                                    _ d: Int, widening group: WidenedGroup) -> SIMD4<Float> {
        var chunk = UnsafeMutableRawPointer(group.floats)
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var k = 0
        while k + 8 <= d {
            let wk = UnsafeRawPointer(w + k).loadUnaligned(as: SIMD8<Float>.self)
            let v0 = E.load8(p.0 + k), v1 = E.load8(p.1 + k), v2 = E.load8(p.2 + k), v3 = E.load8(p.3 + k)
            chunk.storeBytes(of: v0, as: SIMD8<Float>.self)
            chunk.storeBytes(of: v1, toByteOffset: 32, as: SIMD8<Float>.self)
            chunk.storeBytes(of: v2, toByteOffset: 64, as: SIMD8<Float>.self)
            chunk.storeBytes(of: v3, toByteOffset: 96, as: SIMD8<Float>.self)
            a0 = multiplyAdd(a0, v0, wk)
            a1 = multiplyAdd(a1, v1, wk)
            a2 = multiplyAdd(a2, v2, wk)
            a3 = multiplyAdd(a3, v3, wk)
            chunk += 128
            k += 8
        }
        var s = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while k < d {
            let v = SIMD4(p.0[k].widened, p.1[k].widened, p.2[k].widened, p.3[k].widened)
            chunk.storeBytes(of: v, as: SIMD4<Float>.self)
            chunk += 16
            s = multiplyAdd(s, v, SIMD4(repeating: w[k]))
            k += 1
        }
        return s + SIMD4(repeating: w[d])
    }

    /// g[0..<d] += c_i·x_i for the four rows widened in `group`: add4's operations in add4's order.
    @inline(__always)
    static func add4(_ g: UnsafeMutablePointer<Float>, _ c: SIMD4<Float>, _ group: WidenedGroup, _ d: Int) {
        var chunk = UnsafeRawPointer(group.floats)
        let c0 = SIMD8<Float>(repeating: c[0]), c1 = SIMD8<Float>(repeating: c[1])
        let c2 = SIMD8<Float>(repeating: c[2]), c3 = SIMD8<Float>(repeating: c[3])
        var k = 0
        while k + 8 <= d {
            var gk = UnsafeRawPointer(g + k).loadUnaligned(as: SIMD8<Float>.self)
            gk = multiplyAdd(gk, chunk.load(as: SIMD8<Float>.self), c0)
            gk = multiplyAdd(gk, chunk.load(fromByteOffset: 32, as: SIMD8<Float>.self), c1)
            gk = multiplyAdd(gk, chunk.load(fromByteOffset: 64, as: SIMD8<Float>.self), c2)
            gk = multiplyAdd(gk, chunk.load(fromByteOffset: 96, as: SIMD8<Float>.self), c3)
            UnsafeMutableRawPointer(g + k).storeBytes(of: gk, as: SIMD8<Float>.self)
            chunk += 128
            k += 8
        }
        while k < d {
            let x = chunk.load(as: SIMD4<Float>.self)
            chunk += 16
            var gk = g[k]
            gk = multiplyAdd(gk, x[0], c[0])
            gk = multiplyAdd(gk, x[1], c[1])
            gk = multiplyAdd(gk, x[2], c[2])
            gk = multiplyAdd(gk, x[3], c[3])
            g[k] = gk
            k += 1
        }
    }

    @inline(__always)
    static func dot1<E: RowElement>(_ w: UnsafePointer<Float>, _ p: UnsafePointer<E>, _ d: Int) -> Float {
        var a = SIMD8<Float>()
        var k = 0
        while k + 8 <= d {
            a = multiplyAdd(a, E.load8(p + k), UnsafeRawPointer(w + k).loadUnaligned(as: SIMD8<Float>.self))
            k += 8
        }
        var s = a.sum()
        while k < d {
            s = multiplyAdd(s, p[k].widened, w[k])
            k += 1
        }
        return s + w[d]
    }

    /// g[0..<d] += c_i·x_i for four rows.
    @inline(__always)
    static func add4<E: RowElement>(_ g: UnsafeMutablePointer<Float>, _ c: SIMD4<Float>,
                                    _ p: (UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>), _ d: Int) {
        let c0 = SIMD8<Float>(repeating: c[0]), c1 = SIMD8<Float>(repeating: c[1])
        let c2 = SIMD8<Float>(repeating: c[2]), c3 = SIMD8<Float>(repeating: c[3])
        var k = 0
        while k + 8 <= d {
            var gk = UnsafeRawPointer(g + k).loadUnaligned(as: SIMD8<Float>.self)
            gk = multiplyAdd(gk, E.load8(p.0 + k), c0)
            gk = multiplyAdd(gk, E.load8(p.1 + k), c1)
            gk = multiplyAdd(gk, E.load8(p.2 + k), c2)
            gk = multiplyAdd(gk, E.load8(p.3 + k), c3)
            UnsafeMutableRawPointer(g + k).storeBytes(of: gk, as: SIMD8<Float>.self)
            k += 8
        }
        while k < d {
            var gk = g[k]
            gk = multiplyAdd(gk, p.0[k].widened, c[0])
            gk = multiplyAdd(gk, p.1[k].widened, c[1])
            gk = multiplyAdd(gk, p.2[k].widened, c[2])
            gk = multiplyAdd(gk, p.3[k].widened, c[3])
            g[k] = gk
            k += 1
        }
    }

    @inline(__always)
    static func add1<E: RowElement>(_ g: UnsafeMutablePointer<Float>, _ c: Float, _ p: UnsafePointer<E>, _ d: Int) {
        let cv = SIMD8<Float>(repeating: c)
        var k = 0
        while k + 8 <= d {
            let gk = multiplyAdd(UnsafeRawPointer(g + k).loadUnaligned(as: SIMD8<Float>.self), E.load8(p + k), cv)
            UnsafeMutableRawPointer(g + k).storeBytes(of: gk, as: SIMD8<Float>.self)
            k += 8
        }
        while k < d {
            g[k] = multiplyAdd(g[k], p[k].widened, c)
            k += 1
        }
    }
}

/// Four rows of width d widened to float32, interleaved by 8 columns: columns
/// k..<k + 8 of the four rows fill the 128 bytes from 16·k, one line pair, so
/// that every access is one base register plus a constant offset. Columns
/// past the last whole 8 are stored four floats (one per row) per column.
final class WidenedGroup {
    let floats: UnsafeMutablePointer<Float>

    init(width d: Int) {
        let count = 4 * max(d, 1)
        floats = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }

    deinit { floats.deallocate() }
}
