@testable import FlipKit
import Testing

/// Optimizers, determinism, divergence, and the metrics.
@Suite struct TrainingTests {
    /// Three well-separated Gaussian classes in 4 dimensions.
    static func blobs(seed: UInt64, n: Int = 600) throws -> (Tensor, Tensor) {
        let g = Generator(seed: seed)
        var values: [Float] = []
        var labels: [Int32] = []
        for i in 0..<n {
            let c = i % 3
            values += (0..<4).map { k in Float(g.normal()) + (k == c ? 4 : 0) }
            labels.append(Int32(c))
        }
        return (try Tensor(values, shape: [n, 4]), try Tensor(int32: labels))
    }

    static func accuracy(_ model: Model, _ x: Tensor, _ y: Tensor) throws -> Double {
        try ConfusionMatrix(predicted: try model.predict(features: x), truth: y, classes: model.classes).accuracy
    }

    @Test(arguments: ["sgd", "momentum", "adam"])
    func everyOptimizerLearnsAndIsBitIdentical(_ name: String) throws {
        let (x, y) = try TrainingTests.blobs(seed: 1)
        func train(seed: UInt64) throws -> Model {
            let g = Generator(seed: seed)
            let model = try Model.perceptron(inputs: 4, hidden: 16, classes: 3, generator: g)
            let optimizer = try {
                switch name {
                case "sgd": return try Optimizer(.sgd(momentum: 0), learningRate: 0.1)
                case "momentum": return try Optimizer(.sgd(momentum: 0.9), learningRate: 0.02, weightDecay: 1e-4)
                default: return try Optimizer(.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), learningRate: 0.01)
                }
            }()
            for _ in 0..<5 { try model.trainEpoch(features: x, labels: y, batchSize: 32, optimizer: optimizer, generator: g) }
            return model
        }
        let a = try train(seed: 7), b = try train(seed: 7), c = try train(seed: 8)
        #expect(a.parameters.floatValues == b.parameters.floatValues)
        #expect(a.parameters.floatValues != c.parameters.floatValues)
        #expect(try TrainingTests.accuracy(a, x, y) > 0.95)
    }

    @Test func adamMatchesItsDefinitionOnOneStep() throws {
        let model = try Model.binaryLogistic(dimension: 1)
        let optimizer = try Optimizer(.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), learningRate: 0.5)
        try optimizer.step(model: model, gradient: try Tensor([2, -0.001]))
        // After one step m̂ = g and v̂ = g², so each parameter moves by lr·sign(g).
        #expect(abs(model.parameters.floats[0] + 0.5) < 1e-5)
        #expect(abs(model.parameters.floats[1] - 0.5) < 1e-4)
        #expect(throws: FlipError.self) { try optimizer.step(model: try Model.binaryLogistic(dimension: 3), gradient: try Tensor(zeros: [4])) }
    }

    /// Every parameter, in the eight-wide sweep or in its tail, gets exactly the
    /// float of the update rules written one parameter at a time.
    @Test(arguments: ["sgd", "momentum", "adam"])
    func theVectorUpdateIsTheScalarDefinition(_ method: String) throws {
        let count = 19, (lr, decay): (Float, Float) = (0.05, 0.01)
        let optimizer: Optimizer
        switch method {
        case "sgd": optimizer = try Optimizer(.sgd(momentum: 0), learningRate: Double(lr), weightDecay: Double(decay))
        case "momentum": optimizer = try Optimizer(.sgd(momentum: 0.9), learningRate: Double(lr), weightDecay: Double(decay))
        default: optimizer = try Optimizer(.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), learningRate: Double(lr), weightDecay: Double(decay))
        }
        try optimizer.prepare(count: count)
        var p = (0..<count).map { Float($0) * 0.37 - 3 }
        var expected = p
        var (m, v) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
        for t in 1...3 {
            let g = (0..<count).map { Float(($0 * 7 + t * 3) % 11) - 5.5 }
            let scale: Float = 0.25
            p.withUnsafeMutableBufferPointer { optimizer.step($0.baseAddress!, gradient: g, scale: scale, count: count) }
            let (c1, c2) = (Float(1 - _pow(0.9, Double(t))), Float(1 - _pow(0.999, Double(t))))
            for k in 0..<count {
                let gk = g[k] * scale + decay * expected[k]
                switch method {
                case "sgd": expected[k] = expected[k] - lr * gk
                case "momentum":
                    m[k] = Float(0.9) * m[k] + gk
                    expected[k] = expected[k] - lr * m[k]
                default:
                    m[k] = Float(0.9) * m[k] + (1 - Float(0.9)) * gk
                    v[k] = Float(0.999) * v[k] + (1 - Float(0.999)) * gk * gk
                    expected[k] = expected[k] - lr * (m[k] / c1) / ((v[k] / c2).squareRoot() + Float(1e-8))
                }
            }
            #expect(p == expected, "step \(t)")
        }
    }

    @Test func badOptimizerSettingsAreErrors() {
        #expect(throws: FlipError.self) { try Optimizer(.sgd(momentum: 1), learningRate: 0.1) }
        #expect(throws: FlipError.self) { try Optimizer(.sgd(momentum: 0), learningRate: 0) }
        #expect(throws: FlipError.self) { try Optimizer(.sgd(momentum: 0), learningRate: .nan) }
        #expect(throws: FlipError.self) { try Optimizer(.adam(beta1: 0.9, beta2: 1, epsilon: 1e-8), learningRate: 0.1) }
        #expect(throws: FlipError.self) { try Optimizer(.adam(beta1: 0.9, beta2: 0.99, epsilon: 0), learningRate: 0.1) }
        #expect(throws: FlipError.self) { try Optimizer(.sgd(momentum: 0), learningRate: 0.1, weightDecay: -1) }
    }

    @Test func divergenceLeavesNonFiniteParametersNotATrap() throws {
        let (x, y) = try TrainingTests.blobs(seed: 2)
        let model = try Model.softmax(inputs: 4, classes: 3)
        let scaled = try Tensor(x.floats.map { $0 * 1e18 }, shape: x.shape)
        for _ in 0..<3 { try model.trainEpoch(features: scaled, labels: y, batchSize: 8, learningRate: 1e18, generator: Generator(seed: 1)) }
        #expect(!model.isFinite)
    }

    @Test func confusionAccuracyAndMacroF1ByHand() throws {
        let truth = try Tensor(int32: [0, 0, 0, 1, 1, 2])
        let predicted = try Tensor(int32: [0, 0, 1, 1, 2, 2])
        let m = try ConfusionMatrix(predicted: predicted, truth: truth, classes: 4)
        #expect(m.counts == [2, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0])
        #expect(m.accuracy == 4.0 / 6.0)
        // F1: class 0 = 4/5, class 1 = 2/4, class 2 = 2/3; class 3 absent from both.
        #expect(abs(m.macroF1 - (0.8 + 0.5 + 2.0 / 3.0) / 3) < 1e-12)
        #expect(m.f1PerClass[3] == nil)
        #expect(throws: FlipError.self) { try ConfusionMatrix(predicted: predicted, truth: truth, classes: 2) }
        #expect(throws: FlipError.self) { try ConfusionMatrix(predicted: try Tensor(int32: [0]), truth: truth, classes: 3) }
    }

    @Test func gradientGeometry() throws {
        let a = try Tensor([3, 4]), b = try Tensor([-4, 3]), c = try Tensor([6, 8])
        #expect(try GradientGeometry.cosine(a, b) == 0)
        #expect(abs(try GradientGeometry.cosine(a, c) - 1) < 1e-12)
        #expect(throws: FlipError.self) { try GradientGeometry.cosine(a, try Tensor(zeros: [2])) }
        let honest = try Tensor([3, 4, 0, 1], shape: [2, 2])
        #expect(try GradientGeometry.normRatio(attacker: c, honest: honest) == 10 / 3)
        #expect(throws: FlipError.self) { try GradientGeometry.normRatio(attacker: try Tensor([1, 2, 3]), honest: honest) }
    }
}
