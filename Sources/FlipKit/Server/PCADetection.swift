/// The detection of Tolpegin et al. (2020): the rows of the source class's output neuron
/// in the workers' updates over a window of rounds, standardised per column, projected on
/// their first two principal components and split into two clusters by two-means; the
/// round's workers in the smaller cluster are left out (none when the clusters are equal).
/// Without a given source class, the class whose two cluster centres lie furthest apart
/// is taken. The server keeps the window.
public final class PCADetection {
    public let sourceClass: Int?
    public let window: Int
    /// Per round of the window, oldest first: each worker's output layer, [neurons][inputs + 1].
    private var rounds: [[(worker: Int, layer: [[Float]])]] = []

    public init(sourceClass: Int?, window: Int) {
        self.sourceClass = sourceClass
        self.window = window
    }

    /// The rows of this round's `layers` (one per worker) to leave out, and the window with
    /// this round in it, which `commit` keeps once the round has gone through.
    func propose(workers: [Int], layers: [[[Float]]]) throws -> (excluded: [Int], window: [[(worker: Int, layer: [[Float]])]]) {
        let neurons = layers.first?.count ?? 0
        if let sourceClass, sourceClass >= neurons {
            throw FlipError("PCA detection's source class \(sourceClass) is not an output neuron 0..\(neurons - 1)")
        }
        var next = rounds + [Array(zip(workers, layers)).map { (worker: $0.0, layer: $0.1) }]
        if next.count > window { next.removeFirst(next.count - window) }
        let entries = next.flatMap { $0 }
        let current = entries.count - workers.count
        let classes = sourceClass.map { [$0] } ?? Array(0..<neurons)
        var best: (spread: Double, assignment: [Int])?
        for c in classes {
            let points = Self.projection(entries.map { $0.layer[c].map(Double.init) })
            let assignment = points.count >= 2 ? LFighter.twoMeans(points) : [Int](repeating: 0, count: points.count)
            let spread = Self.centreDistance(points, assignment)
            if spread > (best?.spread ?? -1) { best = (spread, assignment) }
        }
        guard let assignment = best?.assignment else { return ([], next) }
        let sizes = [assignment.filter { $0 == 0 }.count, assignment.filter { $0 == 1 }.count]
        guard sizes[0] != sizes[1] else { return ([], next) }
        let minority = sizes[0] < sizes[1] ? 0 : 1
        return ((0..<workers.count).filter { assignment[current + $0] == minority }, next)
    }

    func commit(_ window: [[(worker: Int, layer: [[Float]])]]) { rounds = window }

    /// The rows standardised per column (population deviation; a constant column becomes
    /// 0) and projected on their first two principal components.
    static func projection(_ rows: [[Double]]) -> [[Double]] {
        guard let q = rows.first?.count, rows.count >= 1 else { return [] }
        let n = Double(rows.count)
        let mean = (0..<q).map { j in rows.reduce(0) { $0 + $1[j] } / n }
        let sd = (0..<q).map { j in (rows.reduce(0) { $0 + ($1[j] - mean[j]) * ($1[j] - mean[j]) } / n).squareRoot() }
        let z = rows.map { row in (0..<q).map { sd[$0] > 0 ? (row[$0] - mean[$0]) / sd[$0] : 0 } }
        var components: [[Double]] = []
        for _ in 0..<min(2, q) { components.append(principalDirection(z, orthogonalTo: components)) }
        return z.map { row in components.map { c in zip(row, c).reduce(0) { $0 + $1.0 * $1.1 } } }
    }

    /// The leading eigenvector of ZᵀZ orthogonal to `found`, by power iteration from the
    /// column of ZᵀZ with the largest norm (no chance involved); zeros when none is left.
    static func principalDirection(_ z: [[Double]], orthogonalTo found: [[Double]]) -> [Double] {
        let q = z[0].count
        func times(_ v: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: q)
            for row in z {
                let s = zip(row, v).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<q { out[j] += s * row[j] }
            }
            return deflate(out)
        }
        func deflate(_ v: [Double]) -> [Double] {
            var v = v
            for c in found {
                let s = zip(v, c).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<q { v[j] -= s * c[j] }
            }
            return v
        }
        func normalised(_ v: [Double]) -> [Double]? {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 1e-12 ? v.map { $0 / norm } : nil
        }
        let columns = (0..<q).map { j in times((0..<q).map { $0 == j ? 1 : 0 }) }
        let start = columns.max { a, b in a.reduce(0) { $0 + $1 * $1 } < b.reduce(0) { $0 + $1 * $1 } } ?? []
        guard var v = normalised(start) else { return [Double](repeating: 0, count: q) }
        for _ in 0..<500 {
            guard let next = normalised(times(v)) else { break }
            let change = zip(next, v).reduce(0) { max($0, abs($1.0 - $1.1)) }
            v = next
            if change < 1e-12 { break }
        }
        return v
    }

    static func centreDistance(_ points: [[Double]], _ assignment: [Int]) -> Double {
        guard let d = points.first?.count else { return 0 }
        let centres = (0..<2).map { c -> [Double]? in
            let members = points.indices.filter { assignment[$0] == c }
            return members.isEmpty ? nil : (0..<d).map { j in members.reduce(0) { $0 + points[$1][j] } / Double(members.count) }
        }
        guard let a = centres[0], let b = centres[1] else { return 0 }
        return zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
}
