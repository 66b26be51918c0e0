#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import FlipKit
import Testing

/// The engine's own e^x (no libm call, the same bits everywhere) and its
/// four-lane form, which the binary row pass uses for its residuals.
@Suite struct ExponentialTests {
    static let specials: [Float] = [0, -0.0, -1e-30, -Float.leastNonzeroMagnitude, -0.5, -1, -10, -87.33654, -87.33655,
                                    -87.5, -100, -.greatestFiniteMagnitude, -.infinity, .nan]

    static func samples() -> [Float] {
        let g = Generator(seed: 11)
        return specials + (0..<20_000).map { _ in Float(-90 * g.uniform()) }
    }

    @Test func isWithinTwoUlpsOfTheLibraryAndZeroBelowTheNormalRange() {
        for x in ExponentialTests.samples() where !x.isNaN {
            let ours = exponentialOfNonPositive(x), reference = expf(x)
            if x < -87.33654 {
                #expect(ours == 0, "e^\(x)")
            } else {
                #expect(abs(ours - reference) <= 2 * reference.ulp, "e^\(x): \(ours) against \(reference)")
            }
        }
        #expect(exponentialOfNonPositive(0) == 1)
        #expect(exponentialOfNonPositive(.nan).isNaN)
    }

    @Test func fourLanesGiveTheScalarBits() {
        let x = ExponentialTests.samples()
        for i in stride(from: 0, to: x.count - 3, by: 4) {
            let lanes = exponentialOfNonPositive(SIMD4(x[i], x[i + 1], x[i + 2], x[i + 3]))
            for k in 0..<4 {
                #expect(lanes[k].bitPattern == exponentialOfNonPositive(x[i + k]).bitPattern, "e^\(x[i + k])")
            }
        }
    }

    @Test func fourResidualsGiveTheScalarBits() {
        let g = Generator(seed: 12)
        let z: [Float] = [0, -0.0, 1e-8, -1e-8, 40, -40, 100, -100, .infinity, -.infinity, .nan, 3.5]
            + (0..<4000).map { _ in Float(30 * g.normal()) }
        let labels: [Int32] = z.indices.map { Int32($0 % 3 == 0 ? 1 : 0) }
        for i in stride(from: 0, to: z.count - 3, by: 4) {
            let (r, e) = labels.withUnsafeBufferPointer {
                CrossEntropy.binaryResiduals(SIMD4(z[i], z[i + 1], z[i + 2], z[i + 3]), labels: $0.baseAddress! + i)
            }
            for k in 0..<4 {
                let expected = CrossEntropy.sigmoid(z[i + k]) - Float(labels[i + k])
                #expect(r[k].bitPattern == expected.bitPattern, "σ(\(z[i + k])) − \(labels[i + k])")
                #expect(e[k].bitPattern == exponentialOfNonPositive(-abs(z[i + k])).bitPattern)
            }
        }
    }
}
