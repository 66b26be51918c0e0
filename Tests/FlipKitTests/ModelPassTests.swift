@testable import FlipKit
import Testing

/// Subsets, label overrides, per-sample losses, layers and penultimate features.
@Suite struct ModelPassTests {
    static func problem(seed: UInt64) throws -> (Tensor, Tensor, Model) {
        let g = Generator(seed: seed)
        let x = try ModelGradientTests.features(g, n: 300, d: 6)
        let y = try ModelGradientTests.labels(g, n: 300, classes: 3)
        return (x, y, try Model.perceptron(inputs: 6, hidden: 8, classes: 3, generator: g))
    }

    @Test func overriddenLabelsGiveThePoisonedGradient() throws {
        let (x, y, model) = try ModelPassTests.problem(seed: 1)
        let rows = try Tensor(int32: try Generator(seed: 2).sample(300, 270))
        let flipped = try y.gatherRows(rows)
        for j in stride(from: 0, to: flipped.count, by: 3) { flipped.int32s[j] = (flipped.int32s[j] + 1) % 3 }
        let poisoned = try model.gradient(features: x, labels: y, rows: rows, overrides: flipped)
        let direct = try model.gradient(features: try x.gatherRows(rows), labels: flipped)
        let honest = try model.gradient(features: x, labels: y, rows: rows)
        #expect(poisoned.floatValues == direct.floatValues)
        #expect(poisoned.floatValues != honest.floatValues)
        #expect(throws: FlipError.self) { try model.gradient(features: x, labels: y, rows: rows, overrides: try Tensor(int32: [0])) }
        #expect(throws: FlipError.self) { try model.gradient(features: x, labels: y, overrides: try Tensor(int32: [Int32](repeating: 3, count: 300))) }
    }

    /// A block's products do not depend on where its rows came from: listed
    /// rows (a shard, a shuffled epoch, the attacker's subset) give the numbers
    /// of the same rows gathered and stored in order, bit for bit, at widths and
    /// class counts where OpenBLAS's result for a row depends on the rows that
    /// share its call.
    @Test(arguments: [(37, 2), (785, 12), (3072, 10), (64, 40)])
    func listedRowsGiveTheNumbersOfGatheredRows(_ size: (Int, Int)) throws {
        let (d, classes) = size
        let g = Generator(seed: UInt64(d + classes))
        let x = try ModelGradientTests.features(g, n: 203, d: d)
        let y = try ModelGradientTests.labels(g, n: 203, classes: classes)
        let model = try Model.softmax(inputs: d, classes: classes)
        try model.setParameters(try Tensor((0..<model.parameterCount).map { _ in Float(0.1 * g.normal()) },
                                           shape: model.parameters.shape))
        let rows = try Tensor(int32: try Generator(seed: 9).sample(203, 150))
        let gathered = try x.gatherRows(rows)
        let listed = try model.gradient(features: x, labels: y, rows: rows)
        #expect(listed.floatValues == (try model.gradient(features: gathered, labels: try y.gatherRows(rows))).floatValues)
        let delta = try Tensor((0..<model.parameterCount).map { _ in Float(g.normal()) }, shape: model.parameters.shape)
        let scores = try GreedyMulticlass.scores(features: x, subset: rows, delta: delta)
        let inOrder = try GreedyMulticlass.scores(features: gathered, subset: try Tensor(int32: (0..<150).map(Int32.init)), delta: delta)
        #expect(scores.floatValues == inOrder.floatValues)
        let binary = try Model.binaryLogistic(dimension: d)
        try binary.setParameters(try Tensor((0...d).map { _ in Float(0.1 * g.normal()) }))
        let y01 = try Tensor(int32: (0..<203).map { _ in Int32(g.below(2)) })
        #expect(try binary.losses(features: x, labels: y01, rows: rows).floatValues
            == (try binary.losses(features: gathered, labels: try y01.gatherRows(rows))).floatValues)
    }

    @Test func perSampleLossesAverageToTheLoss() throws {
        let (x, y, model) = try ModelPassTests.problem(seed: 3)
        let each = try model.losses(features: x, labels: y)
        let mean = each.floats.reduce(0.0) { $0 + Double($1) } / 300
        #expect(abs(mean - (try model.loss(features: x, labels: y))) < 1e-5)
        #expect(each.floats.allSatisfy { $0 >= 0 })
    }

    @Test func theLastLayerOnPenultimateFeaturesIsTheModel() throws {
        let (x, y, model) = try ModelPassTests.problem(seed: 4)
        let h = try model.penultimateFeatures(features: x)
        #expect(h.shape == [300, 8])
        #expect(h.floats.allSatisfy { $0 >= 0 })
        let last = try Model.softmax(inputs: 8, classes: 3)
        try last.setParameters(try model.layer(2))
        #expect(try last.predict(features: h).int32Values == (try model.predict(features: x)).int32Values)
        #expect(abs(try last.loss(features: h, labels: y) - (try model.loss(features: x, labels: y))) < 1e-6)
        #expect(try model.layer(1).shape == [8, 7])
        #expect(throws: FlipError.self) { try model.layer(3) }
        try model.setLayer(2, try Tensor(zeros: [3, 9]))
        #expect(try model.layer(2).floatValues.allSatisfy { $0 == 0 })
    }

    @Test func cloneIsIndependent() throws {
        let (x, y, model) = try ModelPassTests.problem(seed: 5)
        let copy = try model.clone()
        try model.trainEpoch(features: x, labels: y, batchSize: 32, learningRate: 0.1, generator: Generator(seed: 1))
        #expect(copy.parameters.floatValues != model.parameters.floatValues)
        #expect(copy.summary == model.summary)
    }

    @Test func regressionsExposeTheirInputsAsFeatures() throws {
        let (x, _, _) = try ModelPassTests.problem(seed: 6)
        let model = try Model.softmax(inputs: 6, classes: 3)
        #expect(try model.penultimateFeatures(features: x).floatValues == x.floatValues)
        #expect(try Model.binaryLogistic(dimension: 6).layer(1).shape == [1, 7])
    }
}
