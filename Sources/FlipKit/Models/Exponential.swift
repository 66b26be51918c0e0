/// e^x in float32 for the non-positive arguments of the softmax and the
/// sigmoid, branch-free and without a libm call so that loops over it
/// vectorise and give the same bits on every machine. Cody–Waite reduction
/// x = n·ln2 + r with |r| ≤ ln2/2, then Cephes' degree-6 polynomial for e^r
/// (about 1 ulp). Below −87.3 (e^x under the smallest normal float) it gives 0;
/// NaN stays NaN.
@inline(__always)
func exponentialOfNonPositive(_ x: Float) -> Float {
    let lowest: Float = -87.33654
    let clamped = x < lowest ? lowest : x
    // Adding 1.5·2^23 rounds to an integer held in the low mantissa bits.
    let magic: Float = 12_582_912
    let shifted = clamped * 1.442_695_04 + magic
    let n = shifted - magic
    let r = clamped - n * 0.693_359_375 - n * -2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 0.166_666_655
    p = p * r + 0.500_000_01
    let er = p * (r * r) + r + 1
    let exponent = Int32(bitPattern: shifted.bitPattern &- magic.bitPattern) &+ 127
    let scale = Float(bitPattern: UInt32(bitPattern: exponent &<< 23))
    return x < lowest ? 0 : er * scale
}
