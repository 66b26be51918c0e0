#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The mean gradient as a direction and a scale: gradient = e^logScale ·
/// direction, the largest residual of the pass rescaled to magnitude 1.
/// On separable data with raw-scale features the float32 gradient is exactly
/// zero once every residual σ(z) − y rounds to 0; this direction is zero only
/// where the true gradient is.
public struct GradientDirection {
    /// Shaped like the parameters.
    public let direction: Tensor
    /// Natural log of the largest residual magnitude; −∞ when there are no rows.
    public let logScale: Double

    /// Natural log of the true gradient's norm, e^logScale · ‖direction‖.
    public var logNorm: Double { logScale + log(direction.norm()) }
}

extension Model {
    /// The direction of `gradient(features:labels:rows:overrides:)`, the same
    /// rows and labels: residuals from the log domain (LogResiduals) scaled by
    /// e^−M, M the largest log-residual seen so far; when a later block raises
    /// M, what is summed already is scaled down by e^(M_old − M_new).
    /// With `outputLayerOnly` (the MLP) only the last layer's block is filled.
    public func gradientDirection(features: Tensor, labels: Tensor, rows: Tensor? = nil, overrides: Tensor? = nil,
                                  outputLayerOnly: Bool = false) throws -> GradientDirection {
        let total = try validate(features: features, labels: labels, rows: rows, overrides: overrides)
        let out = try Tensor(zeros: parameters.shape)
        guard total > 0 else { return GradientDirection(direction: out, logScale: -.infinity) }
        if passesRowsDirectly { return try binaryDirection(features: features, labels: labels, rows: rows, overrides: overrides) }
        let g = out.floats.baseAddress!
        let width = kernel.logitWidth
        let block = min(blockRows, total)
        let workspace = Workspace(kernel.workspaceSizes(rows: block))
        let residuals = Scratch(block * width), signs = Scratch(block * width)
        let logs = UnsafeMutablePointer<Double>.allocate(capacity: block * width)
        defer { logs.deallocate() }
        let p = parameters.floats.baseAddress!
        let outputs = PassOutputs(gradient: g, outputLayerOnly: outputLayerOnly)
        let count = parameterCount
        var largest = -Double.infinity
        var finite = true
        sweep(features: features, labels: labels, rows: rows, overrides: overrides) { x, y, n, _ in
            guard finite, let y else { return }
            let z = residuals.buffer
            kernel.logits(p, x, rows: n, into: z, workspace: workspace)
            if width == 1 {
                LogResiduals.binary(z, rows: n, labels: y, logs: logs, signs: signs.buffer)
            } else {
                LogResiduals.softmax(z, rows: n, classes: width, labels: y, logs: logs, signs: signs.buffer)
            }
            var blockLargest = -Double.infinity
            for k in 0..<n * width {
                guard !logs[k].isNaN else { finite = false; return }
                blockLargest = max(blockLargest, logs[k])
            }
            if blockLargest > largest {
                if largest > -.infinity {
                    let shrink = Float(exp(largest - blockLargest))
                    for k in 0..<count { g[k] *= shrink }
                }
                largest = blockLargest
            }
            LogResiduals.scaled(logs: logs, signs: signs.buffer, count: n * width, largest: largest, into: z)
            kernel.backward(p, x, rows: n, residuals: z, outputs, workspace: workspace)
        }
        guard finite else {
            for k in 0..<count { g[k] = .nan }
            return GradientDirection(direction: out, logScale: .nan)
        }
        let scale = 1 / Float(total)
        for k in 0..<count { g[k] *= scale }
        return GradientDirection(direction: out, logScale: largest)
    }
}
