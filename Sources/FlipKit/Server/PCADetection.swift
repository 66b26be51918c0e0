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
    /// 0) and projected on their first two principal components. With n rows of q columns
    /// (n ≪ q: a few workers' output rows), the components come from the n × n Gram matrix
    /// G = ZZᵀ: for its eigenpair (λ, u), the projection on the component is √λ·u.
    static func projection(_ rows: [[Double]]) -> [[Double]] {
        guard let q = rows.first?.count, rows.count >= 1 else { return [] }
        let n = rows.count
        var z = [Double](repeating: 0, count: n * q)
        for j in 0..<q {
            var mean = 0.0
            for i in 0..<n { mean += rows[i][j] }
            mean /= Double(n)
            var variance = 0.0
            for i in 0..<n { variance += (rows[i][j] - mean) * (rows[i][j] - mean) }
            let sd = (variance / Double(n)).squareRoot()
            guard sd > 0 else { continue }
            for i in 0..<n { z[i * q + j] = (rows[i][j] - mean) / sd }
        }
        var gram = [Double](repeating: 0, count: n * n)
        z.withUnsafeBufferPointer { z in
            for a in 0..<n {
                for b in a..<n {
                    var s = 0.0
                    for j in 0..<q { s += z[a * q + j] * z[b * q + j] }
                    gram[a * n + b] = s
                    gram[b * n + a] = s
                }
            }
        }
        var out = [[Double]](repeating: [], count: n)
        var found: [[Double]] = []
        for _ in 0..<min(2, q) {
            let (lambda, u) = leadingEigenpair(gram, size: n, orthogonalTo: found)
            found.append(u)
            let scale = max(lambda, 0).squareRoot()
            for i in 0..<n { out[i].append(scale * u[i]) }
        }
        return out
    }

    /// The leading eigenpair of the symmetric `size` × `size` matrix `g` orthogonal to the
    /// unit vectors `found`, by power iteration from the column with the largest norm (no
    /// chance involved); (0, zeros) when nothing is left.
    static func leadingEigenpair(_ g: [Double], size n: Int, orthogonalTo found: [[Double]]) -> (Double, [Double]) {
        func deflate(_ v: [Double]) -> [Double] {
            var v = v
            for c in found {
                let s = zip(v, c).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<n { v[i] -= s * c[i] }
            }
            return v
        }
        func times(_ v: [Double]) -> [Double] {
            deflate((0..<n).map { i in (0..<n).reduce(0) { $0 + g[i * n + $1] * v[$1] } })
        }
        func normalised(_ v: [Double]) -> [Double]? {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 1e-12 ? v.map { $0 / norm } : nil
        }
        let columns = (0..<n).map { j in deflate((0..<n).map { g[$0 * n + j] }) }
        let start = columns.max { a, b in a.reduce(0) { $0 + $1 * $1 } < b.reduce(0) { $0 + $1 * $1 } } ?? []
        guard var v = normalised(start) else { return (0, [Double](repeating: 0, count: n)) }
        for _ in 0..<500 {
            guard let next = normalised(times(v)) else { return (0, [Double](repeating: 0, count: n)) }
            let change = zip(next, v).reduce(0) { max($0, abs($1.0 - $1.1)) }
            v = next
            if change < 1e-12 { break }
        }
        let lambda = zip(times(v), v).reduce(0) { $0 + $1.0 * $1.1 }
        return (lambda, v)
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
