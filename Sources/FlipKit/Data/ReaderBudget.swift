/// The memory a reader holds outside tensors (a decompressed file, rows parsed
/// so far), charged to the process's `MemoryBudget` while the reader lives, so
/// that a file that inflates beyond the budget is a named error, not a process
/// that grows until Linux kills it.
final class ReaderBudget {
    let path: String
    private var held = 0
    private static let grain = 1 << 20

    init(path: String) { self.path = path }

    deinit { MemoryBudget.release(held) }

    /// Makes the charge at least `bytes` (it never shrinks); `what` names the memory for the message.
    func hold(_ bytes: Int, for what: @autoclosure () -> String) throws {
        guard bytes > held else { return }
        let wanted = bytes <= Int.max - ReaderBudget.grain ? (bytes / ReaderBudget.grain + 1) * ReaderBudget.grain : bytes
        guard MemoryBudget.charge(wanted - held) else {
            throw FlipError("\(path): cannot hold \(bytes) bytes of \(what()): \(MemoryBudget.summary)")
        }
        held = wanted
    }

    /// Adds `bytes` to the charge.
    func add(_ bytes: Int, for what: @autoclosure () -> String) throws { try hold(held + bytes, for: what()) }

    /// Gives `array` room for `count` elements, charged first: a Swift array that
    /// grows on its own could ask for more address space than the process has
    /// left, and its allocation failing stops the process.
    func reserve<T>(_ array: inout [T], for count: Int, what: @autoclosure () -> String) throws {
        guard count > array.capacity else { return }
        let capacity = max(count, array.capacity * 2)
        // While the elements move, the old buffer and the new one are both held.
        try hold((capacity + array.capacity) * MemoryLayout<T>.stride, for: what())
        array.reserveCapacity(capacity)
    }
}
