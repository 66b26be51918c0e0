@testable import FlipKit
import Testing

@Suite struct LogisticRegressionTests {
    /// Small float features, labels, and a model with random parameters.
    static func problem(seed: UInt64, n: Int = 20, d: Int = 5) throws -> (Tensor, Tensor, Model) {
        let g = Generator(seed: seed)
        let x = try Tensor((0..<n * d).map { _ in Float(0.5 * g.normal()) }, shape: [n, d])
        let y = try Tensor(int32: (0..<n).map { _ in Int32(g.below(2)) })
        let model = try Model.binaryLogistic(dimension: d)
        try model.setParameters(try Tensor((0...d).map { _ in Float(g.normal()) }))
        return (x, y, model)
    }

    /// Mean loss computed in double from scratch, for parameters `alpha`.
    static func referenceLoss(_ x: Tensor, _ y: Tensor, _ alpha: [Double]) -> Double {
        let (n, d) = (x.shape[0], x.shape[1])
        var total = 0.0
        for i in 0..<n {
            var z = alpha[d]
            for k in 0..<d { z += Double(x.floats[i * d + k]) * alpha[k] }
            let p = 1 / (1 + _exp(-z))
            total -= y.int32s[i] == 1 ? _log(p) : _log(1 - p)
        }
        return total / Double(n)
    }

    /// Gradient of the mean loss over uint8 rows, computed in double from scratch.
    static func referenceGradient(_ x: Tensor, _ y: Tensor, _ model: Model) -> [Double] {
        let (n, d) = (x.shape[0], x.shape[1])
        let alpha = model.parameters.floats.map(Double.init)
        var reference = [Double](repeating: 0, count: d + 1)
        for i in 0..<n {
            var z = alpha[d]
            for k in 0..<d { z += Double(x.bytes[i * d + k]) * alpha[k] }
            let r = 1 / (1 + _exp(-z)) - Double(y.int32s[i])
            for k in 0..<d { reference[k] += r * Double(x.bytes[i * d + k]) / Double(n) }
            reference[d] += r / Double(n)
        }
        return reference
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        for seed in 1...5 as ClosedRange<UInt64> {
            let (x, y, model) = try LogisticRegressionTests.problem(seed: seed)
            let g = try model.gradient(features: x, labels: y)
            let alpha = model.parameters.floats.map(Double.init)
            let h = 1e-5
            for k in 0..<alpha.count {
                var plus = alpha, minus = alpha
                plus[k] += h
                minus[k] -= h
                let numeric = (LogisticRegressionTests.referenceLoss(x, y, plus) - LogisticRegressionTests.referenceLoss(x, y, minus)) / (2 * h)
                #expect(abs(Double(g.floats[k]) - numeric) < 1e-4, "seed \(seed) coordinate \(k)")
            }
            #expect(abs(try model.loss(features: x, labels: y) - LogisticRegressionTests.referenceLoss(x, y, alpha)) < 1e-5)
        }
    }

    @Test func subsetGradientEqualsGradientOfGatheredRows() throws {
        let (x, y, model) = try LogisticRegressionTests.problem(seed: 9, n: 600)
        let rows = try Tensor(int32: try Generator(seed: 3).sample(600, 300))
        let a = try model.gradient(features: x, labels: y, rows: rows)
        let b = try model.gradient(features: try x.gatherRows(rows), labels: try y.gatherRows(rows))
        for k in 0..<a.count { #expect(abs(a.floats[k] - b.floats[k]) < 1e-6) }
    }

    /// The row passes work 8 (float) or 64 (fixed point) columns and 4 rows at
    /// a time: widths and counts around those steps give the gradient computed in
    /// double from scratch, from uint8 and float32 rows, and the same through a
    /// row list with overridden labels as on the gathered rows.
    @Test(arguments: [(5, 3), (8, 4), (13, 11), (37, 38)])
    func rowPassMatchesAReferenceAtEveryWidth(_ size: (Int, Int)) throws {
        let (d, n) = size
        let g = Generator(seed: UInt64(d * 100 + n))
        let bytes = try Tensor(zeros: [n, d], dtype: .uint8)
        for i in 0..<n * d { bytes.bytes[i] = UInt8(g.below(256)) }
        let y = try Tensor(int32: (0..<n).map { _ in Int32(g.below(2)) })
        let model = try Model.binaryLogistic(dimension: d)
        try model.setParameters(try Tensor((0...d).map { _ in Float(0.01 * g.normal()) }))
        let gradient = try model.gradient(features: bytes, labels: y)
        let reference = LogisticRegressionTests.referenceGradient(bytes, y, model)
        for k in 0...d {
            #expect(abs(Double(gradient.floats[k]) - reference[k]) <= 1e-4 * max(1, abs(reference[k])), "d \(d) n \(n) coordinate \(k)")
        }
        let fromFloats = try model.gradient(features: try bytes.converted(to: .float32), labels: y)
        for k in 0...d {
            #expect(abs(Double(fromFloats.floats[k]) - reference[k]) <= 1e-4 * max(1, abs(reference[k])), "float rows, coordinate \(k)")
        }
        let rows = try Tensor(int32: try Generator(seed: 4).sample(n, max(n - 1, 1)))
        let flipped = try Tensor(int32: (0..<rows.count).map { _ in Int32(g.below(2)) })
        let listed = try model.gradient(features: bytes, labels: y, rows: rows, overrides: flipped)
        let gathered = try model.gradient(features: try bytes.gatherRows(rows), labels: flipped)
        #expect(listed.floatValues == gathered.floatValues)
    }

    /// uint8 rows go through fixed point, their float32 copies through float:
    /// the two gradients agree to float precision.
    @Test func uint8AndFloatRowsGiveTheSameGradientToFloatPrecision() throws {
        let bytes = try Tensor(zeros: [3, 2], dtype: .uint8)
        for (i, v) in [0, 255, 17, 3, 200, 9].enumerated() { bytes.bytes[i] = UInt8(v) }
        let floats = try bytes.converted(to: .float32)
        let y = try Tensor(int32: [0, 1, 1])
        let model = try Model.binaryLogistic(dimension: 2)
        try model.setParameters(try Tensor([0.001, -0.002, 0.1]))
        let a = try model.gradient(features: bytes, labels: y)
        let b = try model.gradient(features: floats, labels: y)
        for k in 0..<3 { #expect(abs(a.floats[k] - b.floats[k]) <= 1e-6 * max(1, abs(b.floats[k]))) }
    }

    @Test func trainingLearnsAndIsBitIdenticalForASeed() throws {
        let g = Generator(seed: 5)
        let n = 400, d = 3
        var values: [Float] = []
        var labels: [Int32] = []
        for i in 0..<n {
            let label = Int32(i % 2)
            values += (0..<d).map { k in Float(g.normal()) + (k == 0 ? (label == 1 ? 2 : -2) : 0) }
            labels.append(label)
        }
        let x = try Tensor(values, shape: [n, d])
        let y = try Tensor(int32: labels)
        func train(seed: UInt64) throws -> Model {
            let model = try Model.binaryLogistic(dimension: d)
            let rng = Generator(seed: seed)
            for _ in 0..<5 { try model.trainEpoch(features: x, labels: y, batchSize: 16, learningRate: 0.1, generator: rng) }
            return model
        }
        let a = try train(seed: 1), b = try train(seed: 1), c = try train(seed: 2)
        #expect(a.parameters.floatValues == b.parameters.floatValues)
        #expect(a.parameters.floatValues != c.parameters.floatValues)
        let predicted = try a.predict(features: x)
        let accuracy = Double(zip(predicted.int32s, y.int32s).filter { $0 == $1 }.count) / Double(n)
        #expect(accuracy > 0.95)
    }

    @Test func badInputsAreErrors() throws {
        let (x, _, model) = try LogisticRegressionTests.problem(seed: 1)
        #expect(throws: FlipError.self) { try model.gradient(features: x, labels: try Tensor(int32: [Int32](repeating: 2, count: 20))) }
        #expect(throws: FlipError.self) { try model.gradient(features: x, labels: try Tensor(int32: [0, 1])) }
        #expect(throws: FlipError.self) { try model.gradient(features: x, labels: try Tensor(int32: [Int32](repeating: 0, count: 20)), rows: try Tensor(int32: [20])) }
        #expect(throws: FlipError.self) { try Model.binaryLogistic(dimension: 0) }
        #expect(throws: FlipError.self) { try model.setParameters(try Tensor([1, 2])) }
    }
}
