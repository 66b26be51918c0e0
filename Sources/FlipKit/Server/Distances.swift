/// Euclidean geometry between messages, accumulated in double.
enum Distances {
    /// Squared distance between two vectors of `count` floats. Four partial sums in a
    /// fixed order: faster than one, and still the same bits on every run.
    static func squared(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var k = 0
        while k + 4 <= count {
            let d0 = Double(a[k]) - Double(b[k])
            let d1 = Double(a[k + 1]) - Double(b[k + 1])
            let d2 = Double(a[k + 2]) - Double(b[k + 2])
            let d3 = Double(a[k + 3]) - Double(b[k + 3])
            s0 += d0 * d0
            s1 += d1 * d1
            s2 += d2 * d2
            s3 += d3 * d3
            k += 4
        }
        while k < count {
            let d = Double(a[k]) - Double(b[k])
            s0 += d * d
            k += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// Squared distance between a float vector and a double vector.
    static func squared(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var sum = 0.0
        for k in 0..<count {
            let d = Double(a[k]) - b[k]
            sum += d * d
        }
        return sum
    }

    /// The symmetric n x n matrix of squared distances between messages, row-major.
    static func pairwiseSquared(_ messages: MessageMatrix) -> [Double] {
        let n = messages.workers
        var table = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let d = squared(messages.row(i), messages.row(j), count: messages.parameters)
                table[i * n + j] = d
                table[j * n + i] = d
            }
        }
        return table
    }

    /// The other workers ordered by distance to worker `i`, nearest first; ties go to the
    /// lower index.
    static func othersByDistance(from i: Int, table: [Double], workers n: Int) -> [Int] {
        (0..<n).filter { $0 != i }.sorted { a, b in
            let (da, db) = (table[i * n + a], table[i * n + b])
            return da != db ? da < db : a < b
        }
    }
}
