/// Class probabilities: softmax of the logits (σ and 1 − σ for the binary model).
extension Model {
    /// p(c | x) for each visited row, float32 [visited, classes].
    public func probabilities(features: Tensor, rows: Tensor? = nil) throws -> Tensor {
        let total = try validate(features: features, labels: nil, rows: rows, overrides: nil)
        let c = classes
        let width = kernel.logitWidth
        let out = try Tensor(zeros: [total, c])
        let o = out.floats.baseAddress!
        let block = min(blockRows, max(total, 1))
        let workspace = Workspace(kernel.workspaceSizes(rows: block))
        let z = Scratch(block * width)
        let p = parameters.floats.baseAddress!
        sweep(features: features, labels: nil, rows: rows, overrides: nil) { x, _, n, first in
            kernel.logits(p, x, rows: n, into: z.buffer, workspace: workspace)
            for i in 0..<n {
                let row = o + (first + i) * c
                if width == 1 {
                    let one = CrossEntropy.sigmoid(z.buffer[i])
                    row[0] = 1 - one
                    row[1] = one
                    continue
                }
                let logits = z.buffer + i * width
                var top = logits[0]
                for j in 1..<c where logits[j] > top { top = logits[j] }
                var sum = 0.0
                for j in 0..<c { sum += _exp(Double(logits[j] - top)) }
                for j in 0..<c { row[j] = Float(_exp(Double(logits[j] - top)) / sum) }
            }
        }
        return out
    }
}
