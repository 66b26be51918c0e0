@testable import FlipKit
import Testing

/// The attack epoch owns K, the budget, Δ, the check and the provenance.
@Suite struct AttackEpochTests {
    static func data() throws -> (x: Tensor, y: Tensor) {
        let g = Generator(seed: 31)
        let x = try Tensor((0..<120 * 4).map { _ in Float(g.normal()) }, shape: [120, 4])
        return (x, try Tensor(int32: (0..<120).map { _ in Int32(g.below(3)) }))
    }

    @Test func theSubsetAndBudgetAreTheEpochsOwn() throws {
        let (x, y) = try AttackEpochTests.data()
        let model = try Model.softmax(inputs: 4, classes: 3)
        let subset = try AttackEpoch.drawSubset(rows: 120, fraction: 0.25, generator: Generator(seed: 4))
        #expect(subset.int32Values == (try Generator(seed: 4).sample(120, 30)), "K is the generator's sample")
        let epoch = try AttackEpoch(model: model, features: x, labels: y, subset: subset, budgetFraction: 0.29)
        #expect(epoch.budget == 8, "⌊0.29 · 30⌋")
        let inside = subset.int32Values
        let outside = Int32((0..<120).first { !inside.contains(Int32($0)) }!)
        #expect(throws: FlipError.self) { try epoch.apply(FlipSet(rows: [outside], labels: [0])) }
        let nine = Array(inside.prefix(9))
        #expect(throws: FlipError.self) { try epoch.apply(FlipSet(rows: nine, labels: nine.map { (y.int32s[Int($0)] + 1) % 3 })) }
        #expect(epoch.answer == nil, "a refused answer records nothing")
        let eight = Array(inside.prefix(8))
        let poisoned = try epoch.apply(FlipSet(rows: eight, labels: eight.map { (y.int32s[Int($0)] + 1) % 3 }))
        #expect(zip(poisoned.int32Values, y.int32Values).filter { $0 != $1 }.count == 8)
        #expect(y.int32Values.count == 120, "the honest labels stay")
    }

    @Test func aNonFiniteDeltaIsRefusedAndNothingApplied() throws {
        let (x, y) = try AttackEpochTests.data()
        let model = try Model.softmax(inputs: 4, classes: 3)
        let epoch = try AttackEpoch(model: model, features: x, labels: y, subset: try Tensor(int32: [0, 1, 2, 3]), budgetFraction: 1)
        let bad = try Tensor(zeros: model.parameters.shape)
        bad.floats[3] = .nan
        #expect(throws: FlipError("the policy's delta is not finite (nan at element 4): the model or Δ diverged")) {
            try epoch.apply(FlipSet(rows: [0], labels: [(y.int32s[0] + 1) % 3]), usedDelta: bad)
        }
        #expect(epoch.answer == nil)
        #expect(throws: FlipError("delta is not finite (nan at element 4): the model or Δ diverged")) {
            try GreedyMulticlass.scores(features: x, subset: try Tensor(int32: [0]), delta: bad.reshaped([3, 5]))
        }
        #expect(throws: FlipError.self) {
            try GreedyBinary.scores(features: x, subset: try Tensor(int32: [0]), delta: try Tensor([1, 2, .infinity, 4, 5]))
        }
    }

    @Test func deltaAndItsLayersInBothModes() throws {
        let (x, y) = try AttackEpochTests.data()
        let model = try Model.perceptron(inputs: 4, hidden: 6, classes: 3, generator: Generator(seed: 5))
        for mode in DirectionMode.allCases {
            let lazy = try AttackEpoch(model: model, features: x, labels: y, subset: try Tensor(int32: [0, 1]), budgetFraction: 1, mode: mode)
            let whole = try AttackEpoch(model: model, features: x, labels: y, subset: try Tensor(int32: [0, 1]), budgetFraction: 1, mode: mode)
            let layer = try lazy.layerDelta(2)
            let delta = try whole.delta()
            #expect(layer.floatValues == (try model.layer(2, of: delta).floatValues), "\(mode): the layer alone, the same bits")
            let expected = mode == .float ? try model.gradient(features: x, labels: y)
                                          : try model.gradientDirection(features: x, labels: y).direction
            #expect(delta.floatValues == expected.floatValues.map { -$0 })
            #expect(delta.isReadOnly)
        }
    }

    @Test func theEpochMeasuresTheModelAsItBegan() throws {
        let (x, y) = try AttackEpochTests.data()
        let model = try Model.softmax(inputs: 4, classes: 3)
        let epoch = try AttackEpoch(model: model, features: x, labels: y, subset: try Tensor(int32: [0, 1, 2]), budgetFraction: 1)
        let before = try epoch.floatGradient().floatValues
        model.parameters.floats[0] = 5
        #expect(try epoch.delta().floats.allSatisfy(\.isFinite))
        #expect(try epoch.model.gradient(features: x, labels: y).floatValues == before)
    }

    @Test func provenanceSaysWhenTheFloatGradientUnderflowed() throws {
        // Two separable raw-scale points, margins of 200: every float32 residual is 0.
        let x = try Tensor([255, 0, 0, 255], shape: [2, 2])
        let y = try Tensor(int32: [1, 0])
        let model = try Model.binaryLogistic(dimension: 2)
        model.parameters.floats[0] = 200 / 255
        model.parameters.floats[1] = -200 / 255
        let epoch = try AttackEpoch(model: model, features: x, labels: y, subset: try Tensor(int32: [0, 1]), budgetFraction: 1)
        #expect(try epoch.floatGradient().floats.allSatisfy { $0 == 0 })
        let s = try GreedyBinary.scores(features: x, subset: epoch.subset, delta: try epoch.delta())
        #expect(s[0] > 0 && s[1] < 0, "the robust Δ still ranks the points")
        let flips = try GreedyBinary.choose(features: x, labels: y, subset: epoch.subset, delta: try epoch.delta(), budget: 2, variant: .exact)
        #expect(flips.rows.count == 2)
        _ = try epoch.apply(flips)
        let p = try #require(try epoch.provenance())
        #expect(p.underflow && p.gradientNorm == 0)
        #expect(p.logGradientNorm < -190 && p.logScale < -190)
        #expect(p.objectiveAfter < p.objectiveBefore, "the objective, in double, moves where the float one cannot")
        #expect(p.objectiveDelta == "robust")
    }
}
