/// Gaussian blobs: `classes` centres drawn from N(0, separation² I), and each
/// point its class centre plus N(0, I). Labels cycle through the classes, so
/// class sizes differ by at most one; rows come in random order.
public enum SyntheticBlobs {
    public static func make(count n: Int, dimension d: Int, classes: Int, separation: Double, seed: UInt64) throws -> Dataset {
        guard n >= 1 else { throw FlipError("count must be at least 1, got \(n)") }
        guard d >= 1 else { throw FlipError("dimension must be at least 1, got \(d)") }
        guard classes >= 2, classes <= 1 << 20 else { throw FlipError("classes must be in 2..\(1 << 20), got \(classes)") }
        guard separation.isFinite, separation >= 0 else { throw FlipError("separation must be finite and non-negative, got \(separation)") }
        let g = Generator(seed: seed)
        let centres = (0..<classes * d).map { _ in separation * g.normal() }
        let order = g.permutation(n)
        let features = try Tensor(zeros: [n, d])
        let labels = try Tensor(zeros: [n], dtype: .int32)
        let x = features.floats
        for (row, slot) in order.enumerated() {
            let c = row % classes
            labels.int32s[Int(slot)] = Int32(c)
            for k in 0..<d { x[Int(slot) * d + k] = Float(centres[c * d + k] + g.normal()) }
        }
        return try Dataset(features: features, labels: labels, classes: classes, name: "blobs")
    }
}
