/// Rules that treat each coordinate on its own: mean, median, trimmed mean.
enum CoordinateWise {
    /// The per-coordinate average, accumulated in double over workers in order.
    static func meanInDouble(_ messages: MessageMatrix) -> [Double] {
        let p = messages.parameters
        var total = [Double](repeating: 0, count: p)
        total.withUnsafeMutableBufferPointer { sum in
            for i in 0..<messages.workers {
                let x = messages.row(i)
                for j in 0..<p { sum[j] += Double(x[j]) }
            }
        }
        let n = Double(messages.workers)
        return total.map { $0 / n }
    }

    static func mean(_ messages: MessageMatrix, into out: UnsafeMutablePointer<Float>) {
        for (j, v) in meanInDouble(messages).enumerated() { out[j] = Float(v) }
    }

    static func median(_ messages: MessageMatrix, into out: UnsafeMutablePointer<Float>) {
        let n = messages.workers
        forEachSortedColumn(messages) { j, column in
            let middle = n / 2
            out[j] = n % 2 == 1
                ? column[middle]
                : Float((Double(column[middle - 1]) + Double(column[middle])) / 2)
        }
    }

    static func trimmedMean(_ messages: MessageMatrix, f: Int, into out: UnsafeMutablePointer<Float>) {
        let n = messages.workers
        let kept = Double(n - 2 * f)
        forEachSortedColumn(messages) { j, column in
            var sum = 0.0
            for k in f..<(n - f) { sum += Double(column[k]) }
            out[j] = Float(sum / kept)
        }
    }

    /// Coordinates per tile: the messages are read a tile of columns at a time, so
    /// each row is read contiguously instead of with a stride of P.
    private static let tileWidth = 256

    /// Calls `body(j, column)` for every coordinate j with the n values of that
    /// coordinate sorted ascending. The column buffer is scratch, reused for every call.
    private static func forEachSortedColumn(
        _ messages: MessageMatrix, _ body: (Int, UnsafeMutableBufferPointer<Float>) -> Void
    ) {
        let (n, p) = (messages.workers, messages.parameters)
        let width = min(tileWidth, p)
        var tile = [Float](repeating: 0, count: width * n)
        tile.withUnsafeMutableBufferPointer { scratch in
            var start = 0
            while start < p {
                let columns = min(width, p - start)
                for i in 0..<n {
                    let x = messages.row(i) + start
                    for c in 0..<columns { scratch[c * n + i] = x[c] }
                }
                for c in 0..<columns {
                    var column = UnsafeMutableBufferPointer(rebasing: scratch[(c * n)..<(c * n + n)])
                    column.sort()
                    body(start + c, column)
                }
                start += columns
            }
        }
    }
}
