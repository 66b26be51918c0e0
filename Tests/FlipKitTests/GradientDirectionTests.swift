@testable import FlipKit
import Foundation
import Testing

/// The gradient's direction (Model.gradientDirection) against a double-precision
/// log-domain reference, in states where the float32 gradient is exactly zero
/// (separable raw-scale rows, every margin beyond 120: each residual below
/// the smallest float), for the three architectures.
@Suite struct GradientDirectionTests {
    typealias Reference = (_ x: [Double], _ y: Int) -> (logits: [Double], backward: ([Double]) -> [Double])

    /// Rows of raw-scale features (0…255) whose logits under `logits` have a
    /// margin of at least `margin` for the label they predict, ordered by
    /// decreasing margin (so the largest residual comes last and the pass must
    /// rescale what it summed before).
    static func separable(_ g: Generator, n: Int, d: Int, margin: Double, logits: ([Double]) -> [Double]) throws
        -> (x: Tensor, y: Tensor) {
        var rows: [(x: [Float], y: Int32, margin: Double)] = []
        while rows.count < n {
            let x = (0..<d).map { _ in Float(g.below(256)) }
            let z = logits(x.map(Double.init))
            let y: Int, m: Double
            if z.count == 1 {
                (y, m) = (z[0] > 0 ? 1 : 0, abs(z[0]))
            } else {
                let order = z.indices.sorted { z[$0] > z[$1] }
                (y, m) = (order[0], z[order[0]] - z[order[1]])
            }
            if m >= margin { rows.append((x, Int32(y), m)) }
        }
        rows.sort { $0.margin > $1.margin }
        return (try Tensor(rows.flatMap(\.x), shape: [n, d]), try Tensor(int32: rows.map(\.y)))
    }

    /// log |r| and sign of the cross-entropy residuals of logits z, in double.
    static func logResiduals(_ z: [Double], _ y: Int) -> [(log: Double, sign: Double)] {
        func lse(_ v: [Double]) -> Double { let t = v.max()!; return t + log(v.reduce(0) { $0 + exp($1 - t) }) }
        if z.count == 1 {
            let m = y == 1 ? z[0] : -z[0]
            return [(-(max(m, 0) + log1p(exp(-abs(m)))), y == 1 ? -1 : 1)]
        }
        let all = lse(z)
        var out = z.map { ($0 - all, 1.0) }
        out[y] = (lse(z.enumerated().filter { $0.offset != y }.map(\.element)) - all, -1)
        return out
    }

    /// The direction in double: residuals scaled by the largest, pushed back by `reference`.
    static func referenceDirection(_ x: Tensor, _ y: Tensor, count: Int, _ reference: Reference) -> [Double] {
        let rows = (0..<x.rows).map { i in (0..<x.rowLength).map { Double(x.floats[i * x.rowLength + $0]) } }
        let passes = rows.indices.map { reference(rows[$0], Int(y.int32s[$0])) }
        let residuals = passes.indices.map { logResiduals(passes[$0].logits, Int(y.int32s[$0])) }
        let largest = residuals.flatMap { $0.map(\.log) }.max()!
        var sum = [Double](repeating: 0, count: count)
        for (pass, r) in zip(passes, residuals) {
            let g = pass.backward(r.map { $0.sign * exp($0.log - largest) })
            for k in 0..<count { sum[k] += g[k] }
        }
        return sum.map { $0 / Double(x.rows) }
    }

    static func cosine(_ a: Tensor, _ b: [Double]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for k in 0..<b.count {
            let v = Double(a.floats[k])
            dot += v * b[k]; na += v * v; nb += b[k] * b[k]
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    /// W [outputs × (inputs + 1)] (bias last) applied to x.
    static func affine(_ w: [Double], offset: Int = 0, _ x: [Double], outputs: Int) -> [Double] {
        (0..<outputs).map { c in
            let row = offset + c * (x.count + 1)
            return (0..<x.count).reduce(w[row + x.count]) { $0 + w[row + $1] * x[$1] }
        }
    }

    /// dz ⊗ (x, 1) into a block of `outputs` rows.
    static func outer(_ dz: [Double], _ x: [Double]) -> [Double] {
        dz.flatMap { r in x.map { r * $0 } + [r] }
    }

    static func expectDirection(_ model: Model, _ x: Tensor, _ y: Tensor, _ reference: Reference) throws {
        let float = try model.gradient(features: x, labels: y)
        #expect(float.floats.allSatisfy { $0 == 0 }, "the float32 gradient underflows to exactly zero")
        let d = try model.gradientDirection(features: x, labels: y)
        let expected = referenceDirection(x, y, count: model.parameterCount, reference)
        #expect(expected.contains { $0 != 0 })
        #expect(cosine(d.direction, expected) > 0.9999)
        #expect(d.logScale < -100, "the scale says how small the gradient is")
        #expect(d.logNorm < -100 && d.logNorm.isFinite)
    }

    @Test func binaryDirectionWhereTheFloatGradientIsZero() throws {
        let g = Generator(seed: 21)
        let model = try Model.binaryLogistic(dimension: 8)
        for k in 0..<9 { model.parameters.floats[k] = Float(g.normal()) }
        let w = model.parameters.floats.map(Double.init)
        let (x, y) = try GradientDirectionTests.separable(g, n: 300, d: 8, margin: 120) { GradientDirectionTests.affine(w, $0, outputs: 1) }
        let reference: Reference = { row, _ in
            (GradientDirectionTests.affine(w, row, outputs: 1), { GradientDirectionTests.outer($0, row) })
        }
        try GradientDirectionTests.expectDirection(model, x, y, reference)
        // uint8 rows take the fixed-point pass, rows listed or not.
        let bytes = try x.converted(to: .uint8)
        let expected = GradientDirectionTests.referenceDirection(x, y, count: 9, reference)
        #expect(try model.gradient(features: bytes, labels: y).floatValues.allSatisfy { $0 == 0 })
        #expect(GradientDirectionTests.cosine(try model.gradientDirection(features: bytes, labels: y).direction, expected) > 0.9999)
        let listed = try Tensor(int32: (0..<300).map { Int32($0) })
        #expect(GradientDirectionTests.cosine(try model.gradientDirection(features: bytes, labels: y, rows: listed).direction, expected) > 0.9999)
        #expect(GradientDirectionTests.cosine(try model.gradientDirection(features: x, labels: y, rows: listed).direction, expected) > 0.9999)
    }

    @Test func softmaxDirectionWhereTheFloatGradientIsZero() throws {
        let g = Generator(seed: 22)
        let model = try Model.softmax(inputs: 6, classes: 3)
        for k in 0..<model.parameterCount { model.parameters.floats[k] = Float(2 * g.normal()) }
        let w = model.parameters.floats.map(Double.init)
        let (x, y) = try GradientDirectionTests.separable(g, n: 300, d: 6, margin: 120) { GradientDirectionTests.affine(w, $0, outputs: 3) }
        try GradientDirectionTests.expectDirection(model, x, y) { row, _ in
            (GradientDirectionTests.affine(w, row, outputs: 3), { GradientDirectionTests.outer($0, row) })
        }
    }

    @Test func perceptronDirectionWhereTheFloatGradientIsZero() throws {
        let g = Generator(seed: 23)
        let (d, hidden, classes) = (6, 5, 3)
        let model = try Model.perceptron(inputs: d, hidden: hidden, classes: classes, generator: g)
        for k in 0..<model.parameterCount { model.parameters.floats[k] = Float(g.normal()) }
        let w = model.parameters.floats.map(Double.init)
        let split = hidden * (d + 1)
        func hiddenLayer(_ x: [Double]) -> [Double] { GradientDirectionTests.affine(w, x, outputs: hidden).map { max($0, 0) } }
        func logits(_ x: [Double]) -> [Double] { GradientDirectionTests.affine(w, offset: split, hiddenLayer(x), outputs: classes) }
        let (x, y) = try GradientDirectionTests.separable(g, n: 600, d: d, margin: 120, logits: logits)
        try GradientDirectionTests.expectDirection(model, x, y) { row, _ in
            let pre = GradientDirectionTests.affine(w, row, outputs: hidden)
            let h = pre.map { max($0, 0) }
            return (logits(row), { dz in
                let dh = (0..<hidden).map { j in
                    pre[j] > 0 ? (0..<classes).reduce(0) { $0 + dz[$1] * w[split + $1 * (hidden + 1) + j] } : 0
                }
                return GradientDirectionTests.outer(dh, row) + GradientDirectionTests.outer(dz, h)
            })
        }
    }

    /// Where nothing underflows, e^logScale · direction is the float gradient.
    @Test func theScaledDirectionIsTheGradient() throws {
        let g = Generator(seed: 24)
        let x = try Tensor((0..<500 * 5).map { _ in Float(g.normal()) }, shape: [500, 5])
        let y = try Tensor(int32: (0..<500).map { _ in Int32(g.below(3)) })
        let models = [try Model.softmax(inputs: 5, classes: 3), try Model.perceptron(inputs: 5, hidden: 7, classes: 3, generator: g)]
        let binary = try Model.binaryLogistic(dimension: 5)
        for k in 0..<6 { binary.parameters.floats[k] = Float(g.normal()) }
        let y2 = try Tensor(int32: y.int32Values.map { $0 == 0 ? 0 : 1 })
        for rows in [nil, try Tensor(int32: (0..<200).map { _ in Int32(g.below(500)) })] as [Tensor?] {
            let gradient = try binary.gradient(features: x, labels: y2, rows: rows)
            let d = try binary.gradientDirection(features: x, labels: y2, rows: rows)
            let largest = gradient.floats.map { abs(Double($0)) }.max()!
            for k in 0..<6 { #expect(abs(exp(d.logScale) * Double(d.direction.floats[k]) - Double(gradient.floats[k])) < 1e-5 * largest) }
        }
        for model in models {
            for k in 0..<model.parameterCount { model.parameters.floats[k] = Float(g.normal()) }
            let rows = try Tensor(int32: (0..<200).map { _ in Int32(g.below(500)) })
            let gradient = try model.gradient(features: x, labels: y, rows: rows)
            let d = try model.gradientDirection(features: x, labels: y, rows: rows)
            let largest = gradient.floats.map { abs(Double($0)) }.max()!
            for k in 0..<model.parameterCount {
                #expect(abs(exp(d.logScale) * Double(d.direction.floats[k]) - Double(gradient.floats[k])) < 1e-5 * largest)
            }
            let output = try model.gradientDirection(features: x, labels: y, rows: rows, outputLayerOnly: true)
            let last = model.layerCount
            #expect(try model.layer(last, of: output.direction).floatValues == model.layer(last, of: d.direction).floatValues,
                    "the output layer alone: the same bits")
        }
    }

    @Test func aDivergedModelHasNoDirection() throws {
        let model = try Model.softmax(inputs: 2, classes: 2)
        model.parameters.floats[0] = .infinity
        let x = try Tensor([1, 2, 3, 4], shape: [2, 2])
        let d = try model.gradientDirection(features: x, labels: try Tensor(int32: [0, 1]))
        #expect(d.direction.floats.allSatisfy { $0.isNaN })
        #expect(d.logScale.isNaN)
        let none = try model.gradientDirection(features: x, labels: try Tensor(int32: [0, 1]), rows: try Tensor(int32: []))
        #expect(none.logScale == -.infinity && none.direction.floats.allSatisfy { $0 == 0 })
    }
}
