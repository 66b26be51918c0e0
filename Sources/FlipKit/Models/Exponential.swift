/// e^x in float32 for the non-positive arguments of the softmax and the
/// sigmoid, branch-free and without a libm call so that loops over it
/// vectorise and give the same bits on every machine. Cody–Waite reduction
/// x = n·ln2 + r with |r| ≤ ln2/2, then Cephes' degree-6 polynomial for e^r
/// (about 1 ulp). Below −87.3 (e^x under the smallest normal float) it gives 0;
/// NaN stays NaN.
@inline(__always)
func exponentialOfNonPositive(_ x: Float) -> Float {
    let clamped = x < Exponential.lowest ? Exponential.lowest : x
    let shifted = clamped * Exponential.log2e + Exponential.magic
    let n = shifted - Exponential.magic
    let scale = Float(bitPattern: UInt32(bitPattern: (Int32(bitPattern: shifted.bitPattern &- Exponential.magic.bitPattern) &+ 127) &<< 23))
    return x < Exponential.lowest ? 0 : Exponential.polynomial(clamped - n * Exponential.ln2High - n * Exponential.ln2Low) * scale
}

/// The same for four lanes, lane by lane the same operations: the same bits.
@inline(__always)
func exponentialOfNonPositive(_ x: SIMD4<Float>) -> SIMD4<Float> {
    let low = SIMD4<Float>(repeating: Exponential.lowest), magic = SIMD4<Float>(repeating: Exponential.magic)
    let clamped = x.replacing(with: low, where: x .< low)
    let shifted = clamped * Exponential.log2e + magic
    let n = shifted - magic
    let bits = unsafeBitCast(shifted, to: SIMD4<Int32>.self) &- unsafeBitCast(magic, to: SIMD4<Int32>.self)
    let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD4<Float>.self)
    let e = Exponential.polynomial(clamped - n * Exponential.ln2High - n * Exponential.ln2Low) * scale
    return e.replacing(with: 0, where: x .< low)
}

enum Exponential {
    static let lowest: Float = -87.33654
    /// Adding 1.5·2^23 rounds to an integer held in the low mantissa bits.
    static let magic: Float = 12_582_912
    static let log2e: Float = 1.442_695_04
    static let ln2High: Float = 0.693_359_375
    static let ln2Low: Float = -2.121_944_4e-4

    /// e^r for |r| ≤ ln2/2.
    @inline(__always)
    static func polynomial<V: FloatLanes>(_ r: V) -> V {
        var p = V(broadcasting: 1.987_569_15e-4)
        p = p * r + V(broadcasting: 1.398_199_95e-3)
        p = p * r + V(broadcasting: 8.333_451_9e-3)
        p = p * r + V(broadcasting: 4.166_579_59e-2)
        p = p * r + V(broadcasting: 0.166_666_655)
        p = p * r + V(broadcasting: 0.500_000_01)
        return p * (r * r) + r + V(broadcasting: 1)
    }
}

/// A float or a vector of floats: what the polynomial needs of either.
protocol FloatLanes {
    init(broadcasting: Float)
    static func + (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
}

extension Float: FloatLanes {
    init(broadcasting value: Float) { self = value }
}

extension SIMD4: FloatLanes where Scalar == Float {
    init(broadcasting value: Float) { self.init(repeating: value) }
}
