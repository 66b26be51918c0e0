/// Records the largest tensor allocation made by the current task, so tests can
/// show that a reader never allocates more than its file could justify.
public final class AllocationProbe: @unchecked Sendable {
    @TaskLocal public static var current: AllocationProbe?

    private var largest = 0
    public init() {}

    public var largestAllocation: Int { largest }
    public func reset() { largest = 0 }

    func record(_ bytes: Int) { largest = max(largest, bytes) }
}
