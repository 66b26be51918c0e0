@testable import FlipKit
import Testing

/// argsort and topk order values like a comparison sort: ascending or
/// descending, ties (−0 and +0 included) by index, NaN after everything else.
@Suite struct TensorSortTests {
    static func reference(_ values: [Double], descending: Bool) -> [Int32] {
        values.indices.sorted { i, j in
            let (a, b) = (values[i], values[j])
            if a.isNaN || b.isNaN { return a.isNaN != b.isNaN ? b.isNaN : i < j }
            if a != b { return descending ? a > b : a < b }
            return i < j
        }.map { Int32($0) }
    }

    @Test func floatsWithTiesSignedZerosInfinitiesAndNaN() throws {
        let g = Generator(seed: 11)
        let specials: [Float] = [0, -0.0, .infinity, -.infinity, .nan, -.nan, 1, -1, .leastNonzeroMagnitude, -.greatestFiniteMagnitude]
        for size in [0, 1, 2, 7, 300, 5000] {
            let values: [Float] = (0..<size).map { _ in
                g.below(4) == 0 ? specials[g.below(specials.count)] : Float(g.below(40) - 20) / 4
            }
            let t = try Tensor(values)
            for descending in [false, true] {
                #expect(try t.argsort(descending: descending).int32Values
                    == TensorSortTests.reference(values.map(Double.init), descending: descending))
            }
        }
    }

    @Test func integersAndBytes() throws {
        let g = Generator(seed: 12)
        let ints: [Int32] = (0..<2000).map { _ in [Int32.min, Int32.max, 0, -1][g.below(4)] &+ Int32(g.below(7)) &- 3 }
        let bytes: [UInt8] = (0..<2000).map { _ in UInt8(g.below(256)) }
        let intTensor = try Tensor(int32: ints)
        let byteTensor = try Tensor(zeros: [bytes.count], dtype: .uint8)
        for (i, b) in bytes.enumerated() { byteTensor.bytes[i] = b }
        for descending in [false, true] {
            #expect(try intTensor.argsort(descending: descending).int32Values
                == TensorSortTests.reference(ints.map(Double.init), descending: descending))
            #expect(try byteTensor.argsort(descending: descending).int32Values
                == TensorSortTests.reference(bytes.map(Double.init), descending: descending))
        }
        let (values, indices) = try intTensor.topk(5)
        #expect(indices.int32Values == Array(TensorSortTests.reference(ints.map(Double.init), descending: true).prefix(5)))
        #expect(values.int32Values == indices.int32Values.map { ints[Int($0)] })
    }
}
