@testable import FlipKit
import Testing

/// Every architecture's gradient against central finite differences of an
/// independent double-precision forward pass.
@Suite struct ModelGradientTests {
    static func features(_ g: Generator, n: Int, d: Int) throws -> Tensor {
        try Tensor((0..<n * d).map { _ in Float(0.7 * g.normal()) }, shape: [n, d])
    }

    static func labels(_ g: Generator, n: Int, classes: Int) throws -> Tensor {
        try Tensor(int32: (0..<n).map { _ in Int32(g.below(classes)) })
    }

    /// log Σ exp(z) − z_y in double.
    static func crossEntropy(_ z: [Double], _ y: Int) -> Double {
        let top = z.max()!
        return top + _log(z.reduce(0) { $0 + _exp($1 - top) }) - z[y]
    }

    /// Rows of W [outputs × (inputs+1)], bias last, applied to x.
    static func affine(_ w: ArraySlice<Double>, _ x: [Double], outputs: Int) -> [Double] {
        let d = x.count
        let base = w.startIndex
        return (0..<outputs).map { c in
            var z = w[base + c * (d + 1) + d]
            for k in 0..<d { z += w[base + c * (d + 1) + k] * x[k] }
            return z
        }
    }

    static func row(_ x: Tensor, _ i: Int) -> [Double] {
        let d = x.rowLength
        return (0..<d).map { Double(x.floats[i * d + $0]) }
    }

    static func softmaxLoss(_ x: Tensor, _ y: Tensor, _ w: [Double], classes: Int) -> Double {
        (0..<x.rows).reduce(0) { $0 + crossEntropy(affine(w[...], row(x, $1), outputs: classes), Int(y.int32s[$1])) } / Double(x.rows)
    }

    static func perceptronLoss(_ x: Tensor, _ y: Tensor, _ w: [Double], hidden: Int, classes: Int) -> Double {
        let split = hidden * (x.rowLength + 1)
        return (0..<x.rows).reduce(0) { total, i in
            let h = affine(w[0..<split], row(x, i), outputs: hidden).map { max($0, 0) }
            return total + crossEntropy(affine(w[split...], h, outputs: classes), Int(y.int32s[i]))
        } / Double(x.rows)
    }

    static func expectMatchesFiniteDifferences(_ model: Model, _ x: Tensor, _ y: Tensor, _ reference: ([Double]) -> Double) throws {
        let g = try model.gradient(features: x, labels: y)
        #expect(g.shape == model.parameters.shape)
        let w = model.parameters.floats.map(Double.init)
        let h = 1e-6
        var worst = 0.0
        for k in 0..<w.count {
            var plus = w, minus = w
            plus[k] += h
            minus[k] -= h
            let numeric = (reference(plus) - reference(minus)) / (2 * h)
            worst = max(worst, abs(Double(g.floats[k]) - numeric))
        }
        #expect(worst < 2e-5, "largest deviation \(worst)")
        #expect(abs(try model.loss(features: x, labels: y) - reference(w)) < 1e-5)
    }

    @Test func softmaxGradientMatchesFiniteDifferences() throws {
        for seed in 1...4 as ClosedRange<UInt64> {
            let g = Generator(seed: seed)
            let (n, d, c) = (15, 4, 3)
            let x = try ModelGradientTests.features(g, n: n, d: d)
            let y = try ModelGradientTests.labels(g, n: n, classes: c)
            let model = try Model.softmax(inputs: d, classes: c)
            try model.setParameters(try Tensor((0..<c * (d + 1)).map { _ in Float(g.normal()) }))
            try ModelGradientTests.expectMatchesFiniteDifferences(model, x, y) { ModelGradientTests.softmaxLoss(x, y, $0, classes: c) }
        }
    }

    @Test func perceptronGradientMatchesFiniteDifferences() throws {
        for seed in 1...4 as ClosedRange<UInt64> {
            let g = Generator(seed: seed)
            let (n, d, hidden, c) = (12, 5, 6, 4)
            let x = try ModelGradientTests.features(g, n: n, d: d)
            let y = try ModelGradientTests.labels(g, n: n, classes: c)
            let model = try Model.perceptron(inputs: d, hidden: hidden, classes: c, generator: g)
            try ModelGradientTests.expectMatchesFiniteDifferences(model, x, y) {
                ModelGradientTests.perceptronLoss(x, y, $0, hidden: hidden, classes: c)
            }
        }
    }

    /// The output layer's gradient alone (no pass back through the inner layer)
    /// is the same block of the whole gradient, bit for bit, on float and
    /// uint8 rows, all rows or a subset, with or without override labels.
    @Test func layerGradientIsTheBlockOfTheWholeGradient() throws {
        let g = Generator(seed: 11)
        let (n, d, hidden, c) = (150, 9, 7, 4)
        let floats = try ModelGradientTests.features(g, n: n, d: d)
        let bytes = try Tensor((0..<n * d).map { _ in Float(g.below(256)) }, shape: [n, d]).converted(to: .uint8)
        let y = try ModelGradientTests.labels(g, n: n, classes: c)
        let rows = try Tensor(int32: (0..<40).map { _ in Int32(g.below(n)) })
        let overrides = try ModelGradientTests.labels(g, n: 40, classes: c)
        let model = try Model.perceptron(inputs: d, hidden: hidden, classes: c, generator: g)
        for x in [floats, bytes] {
            for (subset, labels) in [(nil, nil), (rows, nil), (rows, overrides)] as [(Tensor?, Tensor?)] {
                let whole = try model.gradient(features: x, labels: y, rows: subset, overrides: labels)
                for layer in 1...2 {
                    let alone = try model.layerGradient(layer, features: x, labels: y, rows: subset, overrides: labels)
                    let block = try model.layer(layer, of: whole)
                    #expect(alone.shape == block.shape)
                    #expect(alone.floats.elementsEqual(block.floats))
                }
            }
        }
        let softmax = try Model.softmax(inputs: d, classes: c)
        let (alone, whole) = (try softmax.layerGradient(1, features: floats, labels: y), try softmax.gradient(features: floats, labels: y))
        #expect(alone.floats.elementsEqual(whole.floats))
        #expect(throws: FlipError.self) { try model.layerGradient(3, features: floats, labels: y) }
    }

    @Test func lossIsStableForHugeLogits() throws {
        let model = try Model.softmax(inputs: 1, classes: 3)
        try model.setParameters(try Tensor([1e4, 0, 0, 0, -1e4, 0]))
        let x = try Tensor([255], shape: [1, 1])
        let loss = try model.loss(features: x, labels: try Tensor(int32: [2]))
        #expect(loss.isFinite && abs(loss - 2 * 255e4) / loss < 1e-6)
        #expect(try model.loss(features: x, labels: try Tensor(int32: [0])) == 0)
        let g = try model.gradient(features: x, labels: try Tensor(int32: [2]))
        #expect(g.floats.allSatisfy { $0.isFinite })
    }
}
