@testable import FlipKit
import Testing

/// Reductions along a dimension: positions of the first extreme (or the first
/// NaN), and int32 results that do not fit are errors.
@Suite struct TensorReduceTests {
    @Test func argminAndArgmaxPerRowAndColumn() throws {
        let rows: [[Float]] = [[3, 1, 1, 2], [.nan, 0, -1, 5], [2, .nan, -9, .nan], [-0.0, 0, 7, 7], [.infinity, 1, -.infinity, 0]]
        let t = try Tensor(rows.flatMap { $0 }, shape: [5, 4])
        #expect(try t.reduce(.argmin, dimension: 1).int32Values == [1, 0, 1, 0, 2])
        #expect(try t.reduce(.argmax, dimension: 1).int32Values == [0, 0, 1, 2, 0])
        let columns = try t.reduce(.argmin, dimension: 0).int32Values
        #expect(columns == [1, 2, 4, 2])
    }

    @Test func int32SumsBeyondInt32AreErrors() throws {
        let t = try Tensor(int32: [Int32.max, 1, -5, 5], shape: [2, 2])
        #expect(throws: FlipError.self) { try t.reduce(.sum, dimension: 1) }
        #expect(try t.reduce(.sum, dimension: 0).int32Values == [Int32.max - 5, 6])
        #expect(try t.reduce(.sum) == Double(Int32.max) + 1)
    }
}
