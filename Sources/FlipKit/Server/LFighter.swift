#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// LFighter (Jebreel et al., 2024), the filter for iid and mildly non-iid data: the two
/// output neurons whose gradients have the largest magnitude summed over the round's
/// workers are the likely source and target classes; each worker's rows of those two
/// neurons (weights and bias) are split into two clusters by k-means, and the cluster with
/// the lower score, |cluster|/n times its inverse density (the mean over its members of
/// the largest angle to another member), is left out.
enum LFighter {
    /// The workers (rows of `layers`) to leave out. `layers[k]` is worker k's output layer
    /// as [neurons][inputs + 1]; needs at least two neurons and two workers.
    static func excluded(_ layers: [[[Float]]]) throws -> [Int] {
        guard layers.count >= 2 else { throw FlipError("LFighter needs at least two workers in the round, got \(layers.count)") }
        let neurons = layers[0].count
        guard neurons >= 2 else { throw FlipError("LFighter needs a model with at least two output neurons, got \(neurons)") }
        var magnitude = [Double](repeating: 0, count: neurons)
        for layer in layers {
            for (i, row) in layer.enumerated() { magnitude[i] += row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
        }
        let top = (0..<neurons).sorted { magnitude[$0] != magnitude[$1] ? magnitude[$0] > magnitude[$1] : $0 < $1 }.prefix(2)
        let points = layers.map { layer in top.flatMap { layer[$0].map(Double.init) } }
        let assignment = twoMeans(points)
        let clusters = [0, 1].map { c in points.indices.filter { assignment[$0] == c } }
        let n = Double(points.count)
        let scores = clusters.map { members in Double(members.count) / n * inverseDensity(members.map { points[$0] }) }
        return scores[0] < scores[1] ? clusters[0] : clusters[1]
    }

    /// The mean over the points of each one's largest angle (radians) to a point of the
    /// set, itself included; the angle to a zero vector is π/2.
    static func inverseDensity(_ points: [[Double]]) -> Double {
        guard !points.isEmpty else { return 0 }
        let norms = points.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let largest = points.indices.map { i in
            points.indices.map { j -> Double in
                if i == j { return 0 }
                guard norms[i] > 0, norms[j] > 0 else { return Double.pi / 2 }
                let dot = zip(points[i], points[j]).reduce(0) { $0 + $1.0 * $1.1 }
                return acos(min(1, max(-1, dot / (norms[i] * norms[j]))))
            }.max() ?? 0
        }
        return largest.reduce(0, +) / Double(points.count)
    }

    /// Lloyd's k-means with k = 2 from a seeding without chance: the point farthest from
    /// the mean, then the point farthest from it (ties to the lower index); iterates until
    /// no assignment changes (at most 100 times). Returns each point's cluster, 0 or 1.
    static func twoMeans(_ points: [[Double]]) -> [Int] {
        let d = points[0].count
        func squared(_ a: [Double], _ b: [Double]) -> Double { (0..<d).reduce(0) { $0 + (a[$1] - b[$1]) * (a[$1] - b[$1]) } }
        func farthest(from c: [Double]) -> Int {
            var best = 0
            for i in points.indices where squared(points[i], c) > squared(points[best], c) { best = i }
            return best
        }
        let mean = (0..<d).map { j in points.reduce(0) { $0 + $1[j] } / Double(points.count) }
        let first = farthest(from: mean)
        var centres = [points[first], points[farthest(from: points[first])]]
        var assignment = [Int](repeating: -1, count: points.count)
        for _ in 0..<100 {
            let next = points.map { squared($0, centres[1]) < squared($0, centres[0]) ? 1 : 0 }
            if next == assignment { break }
            assignment = next
            for c in 0..<2 {
                let members = points.indices.filter { assignment[$0] == c }
                if !members.isEmpty { centres[c] = (0..<d).map { j in members.reduce(0) { $0 + points[$1][j] } / Double(members.count) } }
            }
        }
        return assignment
    }
}
