import CFixedPoint
@testable import FlipKit
import Testing

/// The fixed-point kernels behind the binary model's uint8 pass: each kernel
/// against sums computed here in 64-bit integers, the vector kernel against the
/// portable one to the bit, and the pass against a gradient computed in double.
@Suite struct FixedPointTests {
    static let vectorKernel = flipside_fixed_best_kernel()

    /// Rows of random pixels (a few rows all 255, the largest products) and a
    /// fixed vector whose integers include ±(2^30 − 64), the largest a float holds below 2^30.
    struct Case {
        let d: Int, count: Int
        let pixels: [UInt8]
        let rows: [Int32]
        let q: [Int32]

        init(d: Int, count: Int, seed: UInt64) {
            let g = Generator(seed: seed)
            self.d = d
            self.count = count
            let stored = count + 3
            pixels = (0..<stored * d).map { i in i / d == 1 ? 255 : UInt8(g.below(256)) }
            rows = (0..<count).map { _ in Int32(g.below(stored)) }
            let extremes: [Int32] = [(1 << 30) - 64, -((1 << 30) - 64), 0, -1, 127, -128, 128]
            q = (0..<max(d, count)).map { i in i < extremes.count ? extremes[i] : Int32(g.below(1 << 30)) - (1 << 29) }
        }

        /// q as the kernels' digit planes: `flipside_fixed_split` of q exactly (exponent 0).
        func digits(_ n: Int, kernel: Int32) -> (digits: [Int8], stride: Int) {
            let stride = Int(flipside_fixed_stride(Int64(n)))
            var digits = [Int8](repeating: 0, count: 4 * stride)
            let floats = q.prefix(n).map { Float($0) }
            flipside_fixed_split(kernel, floats, Int64(n), 0, &digits, Int64(stride))
            return (digits, stride)
        }

        /// The integers the digits hold: q as floats (24 bits) and back.
        var exactQ: [Int64] { q.map { Int64(Float($0)) } }
    }

    static let cases: [(Int, Int)] = [(1, 1), (5, 3), (63, 4), (64, 5), (65, 8), (130, 67), (784, 130), (1000, 9)]

    @Test(arguments: cases)
    func dotProductsAreExactIntegers(_ size: (Int, Int)) {
        let c = Case(d: size.0, count: size.1, seed: UInt64(size.0 * 1000 + size.1))
        let q = c.exactQ
        let expected = c.rows.map { row in (0..<c.d).reduce(Int64(0)) { $0 + Int64(c.pixels[Int(row) * c.d + $1]) * q[$1] } }
        for kernel in Set([0, FixedPointTests.vectorKernel]) {
            let (digits, stride) = c.digits(c.d, kernel: kernel)
            var out = [Int64](repeating: 0, count: c.count)
            flipside_fixed_dot(kernel, c.pixels, Int64(c.d), c.rows, Int64(c.count), digits, Int64(stride), &out)
            #expect(out == expected, "kernel \(kernel) d \(c.d) count \(c.count)")
        }
    }

    @Test(arguments: cases)
    func accumulatedProductsAreExactIntegers(_ size: (Int, Int)) {
        let c = Case(d: size.0, count: size.1, seed: UInt64(size.0 * 7 + size.1))
        let q = c.exactQ
        var expected = [Int64](repeating: 0, count: c.d)
        for (i, row) in c.rows.enumerated() {
            for j in 0..<c.d { expected[j] += q[i] * Int64(c.pixels[Int(row) * c.d + j]) }
        }
        for kernel in Set([0, FixedPointTests.vectorKernel]) {
            let (digits, stride) = c.digits(c.count, kernel: kernel)
            let accumulator = UnsafeMutableRawPointer.allocate(byteCount: Int(flipside_fixed_accumulator_bytes(Int64(c.d))),
                                                               alignment: 64)
            defer { accumulator.deallocate() }
            // Twice: the second call must not add to the first one's sums.
            for _ in 0..<2 {
                flipside_fixed_accumulate(kernel, c.pixels, Int64(c.d), c.rows, Int64(c.count), digits, Int64(stride), accumulator)
            }
            // Scaled by 2^-20 on top of 0.5: every sum (below 2^53) converts, scales and adds exactly.
            var total = [Double](repeating: 0.5, count: c.d)
            flipside_fixed_add_sums(kernel, accumulator, Int64(c.d), -20, &total, nil)
            #expect(total == expected.map { 0.5 + Double($0) / Double(1 << 20) }, "kernel \(kernel) d \(c.d) count \(c.count)")
            // Into floats: each sum scaled exactly, then rounded once to float and added.
            var floats = [Float](repeating: 0.25, count: c.d)
            flipside_fixed_add_sums(kernel, accumulator, Int64(c.d), -20, nil, &floats)
            #expect(floats == expected.map { 0.25 + Float(Double($0) / Double(1 << 20)) }, "kernel \(kernel) floats")
        }
    }

    /// Rounding to fixed point: ties to even, the same in both kernels, and the
    /// digits recombine to the rounded value.
    @Test func splittingRoundsToNearestEven() {
        let values: [Float] = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1e-9, 0, -3.25, 1_073_741_760, -1_073_741_760]
            + (0..<40).map { Float($0) * 0.37 - 7 }
        let expected = values.map { Int64($0.rounded(.toNearestOrEven)) }
        for kernel in Set([0, FixedPointTests.vectorKernel]) {
            let stride = Int(flipside_fixed_stride(Int64(values.count)))
            var digits = [Int8](repeating: 0, count: 4 * stride)
            flipside_fixed_split(kernel, values, Int64(values.count), 0, &digits, Int64(stride))
            let q = (0..<values.count).map { i in
                (0..<4).reversed().reduce(Int64(0)) { $0 * 256 + Int64(digits[$1 * stride + i]) }
            }
            #expect(q == expected, "kernel \(kernel)")
        }
    }

    /// Random uint8 features, labels and a binary model with weights of about `scale`.
    static func problem(n: Int, d: Int, seed: UInt64, scale: Float = 0.002) throws -> (Tensor, Tensor, Model) {
        let g = Generator(seed: seed)
        let x = try Tensor(zeros: [n, d], dtype: .uint8)
        for i in 0..<n * d { x.bytes[i] = UInt8(g.below(256)) }
        let y = try Tensor(int32: (0..<n).map { _ in Int32(g.below(2)) })
        let model = try Model.binaryLogistic(dimension: d)
        try model.setParameters(try Tensor((0...d).map { _ in scale * Float(g.normal()) }))
        return (x, y, model)
    }

    /// Several blocks of rows (1024 share a residual exponent), widths around the kernels' 64.
    @Test(arguments: [(2500, 70), (1030, 64), (300, 784)])
    func gradientMatchesDoublePrecision(_ size: (Int, Int)) throws {
        let (x, y, model) = try FixedPointTests.problem(n: size.0, d: size.1, seed: UInt64(size.0 + size.1))
        let gradient = try model.gradient(features: x, labels: y)
        let reference = LogisticRegressionTests.referenceGradient(x, y, model)
        let largest = reference.map(abs).max()!
        for k in reference.indices {
            #expect(abs(Double(gradient.floats[k]) - reference[k]) <= 1e-6 * largest, "coordinate \(k)")
        }
    }

    /// Random shapes (widths 1–300, 1–2,100 rows) and weight scales from 1e-30 to 1e3.
    @Test func randomProblemsMatchDoublePrecision() throws {
        let g = Generator(seed: 77)
        for case_ in 0..<40 {
            let n = 1 + g.below(2100), d = 1 + g.below(300)
            let scale = Float(_exp((-30 + 33 * g.uniform()) * _log(10)))
            let (x, y, model) = try FixedPointTests.problem(n: n, d: d, seed: UInt64(100 + case_), scale: scale)
            let gradient = try model.gradient(features: x, labels: y)
            let reference = LogisticRegressionTests.referenceGradient(x, y, model)
            let largest = reference.map(abs).max()!
            for k in reference.indices {
                #expect(abs(Double(gradient.floats[k]) - reference[k]) <= 1e-6 * largest,
                        "case \(case_): n \(n) d \(d) scale \(scale) coordinate \(k)")
            }
        }
    }

    /// Sums of integers do not depend on the order of the rows.
    @Test func rowOrderDoesNotChangeTheGradient() throws {
        let (x, y, model) = try FixedPointTests.problem(n: 900, d: 100, seed: 12)
        let order = try Tensor(int32: Generator(seed: 1).permutation(900))
        let shuffled = try model.gradient(features: try x.gatherRows(order), labels: try y.gatherRows(order))
        #expect(shuffled.floatValues == (try model.gradient(features: x, labels: y)).floatValues)
    }

    /// Weights that are not finite, and rows wider than the kernels take, go
    /// through the float pass: NaN gradients, and the reference for wide rows.
    @Test func theFloatPassTakesWhatFixedPointCannot() throws {
        let (x, y, model) = try FixedPointTests.problem(n: 4, d: 6, seed: 3)
        var p = model.parameters.floatValues
        p[2] = .nan
        try model.setParameters(try Tensor(p))
        #expect(try model.gradient(features: x, labels: y).floatValues.allSatisfy(\.isNaN))
        let width = FixedPointRowPass.maxWidth + 1
        let (wide, labels, wideModel) = try FixedPointTests.problem(n: 3, d: width, seed: 4, scale: 1e-5)
        let gradient = try wideModel.gradient(features: wide, labels: labels)
        let reference = LogisticRegressionTests.referenceGradient(wide, labels, wideModel)
        for k in stride(from: 0, to: reference.count, by: 997) {
            #expect(abs(Double(gradient.floats[k]) - reference[k]) <= 1e-4 * max(1, abs(reference[k])))
        }
    }
}
