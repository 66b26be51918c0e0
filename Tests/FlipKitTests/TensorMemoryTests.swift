@testable import FlipKit
import Testing

/// A tensor larger than the machine's memory is refused when it is asked
/// for, not mapped lazily and killed for once it is filled.
struct TensorMemoryTests {
    /// (On a machine with more memory than the largest tensor, the size limit refuses first.)
    @Test(.enabled(if: TensorStorage.physicalMemory / 4 < Tensor.maxElements))
    func aTensorBeyondTheMachinesMemoryIsRefused() throws {
        let elements = TensorStorage.physicalMemory / 4 + 1
        #expect {
            _ = try Tensor(zeros: [elements])
        } throws: { error in
            "\(error)".contains("more than this machine's \(TensorStorage.physicalMemory) bytes of memory")
        }
        #expect(try Tensor(zeros: [1 << 20]).count == 1 << 20, "ordinary sizes still allocate")
    }
}
