@testable import FlipKit
import Testing

/// Every deep layer's backward pass, run in Double, against central finite
/// differences of its forward pass: the input gradient and the parameters'
/// gradient of a random linear function of the output.
@Suite struct DeepLayerGradientTests {
    /// A buffer of `count` doubles, freed with the value.
    final class Buffer {
        let pointer: UnsafeMutablePointer<Double>
        let count: Int
        init(_ count: Int, _ fill: () -> Double = { 0 }) {
            self.count = max(count, 1)
            pointer = .allocate(capacity: self.count)
            for k in 0..<self.count { pointer[k] = fill() }
        }
        deinit { pointer.deallocate() }
    }

    /// Σ r·layer(x) for the layer's forward pass.
    static func objective(_ layer: DeepLayer, _ p: Buffer, _ x: Buffer, rows n: Int, weights r: Buffer,
                          context: PassContext) -> Double {
        let y = Buffer(n * layer.output.count)
        let cache = Buffer(layer.pass.cacheSize(rows: n))
        layer.forward(p.pointer, x.pointer, rows: n, into: y.pointer, cache: cache.pointer, context: context)
        return (0..<n * layer.output.count).reduce(0) { $0 + r.pointer[$1] * y.pointer[$1] }
    }

    /// The largest deviation of the backward pass from finite differences,
    /// over the input's and the parameters' gradients.
    static func deviation(_ spec: LayerSpec, input: ActivationShape, rows n: Int, seed: UInt64,
                          context: PassContext = PassContext()) throws -> Double {
        let layer = try DeepLayer.build(spec, input: input)
        let g = Generator(seed: seed)
        let p = Buffer(layer.parameterCount) { g.normal() }
        let x = Buffer(n * input.count) { g.normal() }
        let r = Buffer(n * layer.output.count) { g.normal() }
        let y = Buffer(n * layer.output.count)
        let cache = Buffer(layer.pass.cacheSize(rows: n))
        let dx = Buffer(n * input.count)
        let gradient = Buffer(layer.parameterCount)
        layer.forward(p.pointer, x.pointer, rows: n, into: y.pointer, cache: cache.pointer, context: context)
        layer.backward(p.pointer, x.pointer, y.pointer, rows: n, cache: cache.pointer, dy: r.pointer, dx: dx.pointer,
                       gradient: gradient.pointer, scale: 1, context: context)
        let h = 1e-6
        var worst = 0.0
        for (values, analytic, count) in [(x, dx, n * input.count), (p, gradient, layer.parameterCount)] {
            for k in 0..<count {
                let saved = values.pointer[k]
                values.pointer[k] = saved + h
                let plus = objective(layer, p, x, rows: n, weights: r, context: context)
                values.pointer[k] = saved - h
                let minus = objective(layer, p, x, rows: n, weights: r, context: context)
                values.pointer[k] = saved
                let numeric = (plus - minus) / (2 * h)
                worst = max(worst, abs(analytic.pointer[k] - numeric) / max(1, abs(numeric)))
            }
        }
        return worst
    }

    static let image = ActivationShape(height: 5, width: 6, channels: 3)
    static let tokens = ActivationShape.tokens(4, width: 6)

    static func expectExact(_ spec: LayerSpec, input: ActivationShape, rows: Int = 3, context: PassContext = PassContext()) throws {
        for seed in 1...3 as ClosedRange<UInt64> {
            let worst = try deviation(spec, input: input, rows: rows, seed: seed, context: context)
            #expect(worst < 1e-7, "\(spec.name) on \(input), seed \(seed): largest deviation \(worst)")
        }
    }

    @Test func convolution() throws {
        try Self.expectExact(.convolution(channels: 4, kernel: 3, stride: 1, padding: 1), input: Self.image)
        try Self.expectExact(.convolution(channels: 2, kernel: 2, stride: 2, padding: 0), input: Self.image)
        try Self.expectExact(.convolution(channels: 3, kernel: 3, stride: 2, padding: 2), input: Self.image)
        try Self.expectExact(.convolution(channels: 2, kernel: 4, stride: 1, padding: 1), input: Self.image)
        try Self.expectExact(.convolution(channels: 3, kernel: 4, stride: 2, padding: 3), input: Self.image)
    }

    @Test func pooling() throws {
        try Self.expectExact(.maxPool(size: 2, stride: 2), input: Self.image)
        try Self.expectExact(.maxPool(size: 3, stride: 1), input: Self.image)
        try Self.expectExact(.averagePool(size: 2, stride: 2), input: Self.image)
        try Self.expectExact(.averagePool(size: 3, stride: 2), input: Self.image)
        // More channels than a vector holds.
        #expect(throws: FlipError.self) { try Pooling(.max, input: ActivationShape(height: 5000, width: 5000, channels: 1), size: 4097, stride: 1) }
        let wide = ActivationShape(height: 5, width: 6, channels: 11)
        try Self.expectExact(.maxPool(size: 2, stride: 2), input: wide)
        try Self.expectExact(.maxPool(size: 3, stride: 1), input: wide)
        try Self.expectExact(.averagePool(size: 3, stride: 2), input: wide)
    }

    @Test func normalization() throws {
        try Self.expectExact(.layerNorm, input: Self.image)
        try Self.expectExact(.layerNorm, input: Self.tokens)
        try Self.expectExact(.batchNorm, input: Self.image)
    }

    @Test func activations() throws {
        try Self.expectExact(.relu, input: Self.image)
        try Self.expectExact(.gelu, input: Self.tokens)
    }

    @Test func dropoutInTrainingAndOutside() throws {
        try Self.expectExact(.dropout(rate: 0.4, seed: 7), input: Self.image, context: PassContext(dropoutStep: 3))
        try Self.expectExact(.dropout(rate: 0.4, seed: 7), input: Self.image)
    }

    @Test func tokenLayers() throws {
        try Self.expectExact(.patches(size: 2, width: 5), input: ActivationShape(height: 4, width: 6, channels: 2))
        try Self.expectExact(.classToken, input: Self.tokens)
        try Self.expectExact(.positions, input: Self.tokens)
        try Self.expectExact(.firstToken, input: Self.tokens)
    }

    @Test func attentionWithOneAndSeveralHeads() throws {
        for heads in [1, 2, 3] { try Self.expectExact(.attention(heads: heads), input: Self.tokens) }
    }

    @Test func linearLayers() throws {
        try Self.expectExact(.linear(outputs: 4, perPosition: true), input: Self.tokens)
        try Self.expectExact(.linear(outputs: 4, perPosition: false), input: Self.image)
    }

    @Test func residualBlocks() throws {
        try Self.expectExact(.residual([.layerNorm, .attention(heads: 2)]), input: Self.tokens)
        try Self.expectExact(.residual([.layerNorm, .linear(outputs: 8, perPosition: true), .gelu,
                                        .linear(outputs: 6, perPosition: true)]), input: Self.tokens)
        try Self.expectExact(.residual([.convolution(channels: 3, kernel: 3, stride: 1, padding: 1), .batchNorm, .relu]),
                             input: Self.image)
    }

    @Test func dropoutMasksFollowTheStepAndKeepTheRate() throws {
        let layer = try DeepLayer.build(.dropout(rate: 0.25, seed: 11), input: ActivationShape(height: 100, width: 100, channels: 1))
        let n = 10_000
        let x = Buffer(n) { 1 }
        func mask(_ step: UInt64) -> [Double] {
            let y = Buffer(n)
            layer.forward(x.pointer, x.pointer, rows: 1, into: y.pointer, cache: y.pointer, context: PassContext(dropoutStep: step))
            return Array(UnsafeBufferPointer(start: y.pointer, count: n))
        }
        #expect(mask(4) == mask(4))
        #expect(mask(4) != mask(5))
        let dropped = mask(4).filter { $0 == 0 }.count
        #expect((2300...2700).contains(dropped), "\(dropped) of \(n) dropped at rate 0.25")
        #expect(mask(4).allSatisfy { $0 == 0 || abs($0 - 1 / 0.75) < 1e-12 })
    }
}
