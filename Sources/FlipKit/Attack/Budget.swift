/// The threat model's counts (paper, Section 2.2).
public enum Budget {
    /// ⌊fraction · n⌋, tolerant of binary rounding: 0.29 · 100 is 29, not 28.
    public static func floorFraction(_ fraction: Double, of n: Int) throws -> Int {
        guard fraction.isFinite, fraction >= 0, fraction <= 1 else {
            throw FlipError("fraction must be in [0, 1], got \(fraction)")
        }
        guard n >= 0 else { throw FlipError("count must be non-negative, got \(n)") }
        let count = (fraction * Double(n) + 1e-9).rounded(.down)
        // Near Int.max the product can round up past it: converting would trap.
        return count >= Double(n) ? n : Int(count)
    }
}
