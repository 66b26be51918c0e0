@testable import FlipKit
import Testing

@Suite struct GreedyMulticlassTests {
    /// Σ_n s[n, y_n] in double: the part of the attacker's objective the labels change.
    static func objective(_ s: Tensor, _ labels: [Int32]) -> Double {
        labels.enumerated().reduce(0) { $0 + Double(s.floats[$1.offset * s.rowLength + Int($1.element)]) }
    }

    /// The smallest objective over every relabelling changing at most `budget` labels.
    static func bruteForce(_ s: Tensor, _ y: [Int32], budget: Int) -> Double {
        let (m, c) = (s.rows, s.rowLength)
        var best = Double.infinity
        var labels = [Int32](repeating: 0, count: m)
        func visit(_ i: Int, changes: Int) {
            if changes > budget { return }
            if i == m {
                best = min(best, objective(s, labels))
                return
            }
            for k in 0..<c {
                labels[i] = Int32(k)
                visit(i + 1, changes: changes + (Int32(k) != y[i] ? 1 : 0))
            }
        }
        visit(0, changes: 0)
        return best
    }

    enum Attack: CaseIterable { case untargeted, targeted }

    /// A random instance: features, labels, the attacker's rows, a model, and Δ.
    static func instance(_ g: Generator, classes c: Int, attack: Attack) throws -> (Tensor, Tensor, Tensor, Model, Tensor) {
        let (n, d) = (6 + g.below(4), 2)
        let x = try Tensor((0..<n * d).map { _ in Float(g.normal()) }, shape: [n, d])
        let y = try Tensor(int32: (0..<n).map { _ in Int32(g.below(c)) })
        let subset = try Tensor(int32: try g.sample(n, 1 + g.below(5)))
        let model = try Model.softmax(inputs: d, classes: c)
        try model.setParameters(try Tensor((0..<c * (d + 1)).map { _ in Float(g.normal()) }))
        let delta: Tensor
        switch attack {
        case .untargeted:
            delta = try Tensor.elementwise(.mul, try model.gradient(features: x, labels: y), scalar: -1)
        case .targeted:
            let target = try Tensor((0..<c * (d + 1)).map { _ in Float(g.normal()) }, shape: [c, d + 1])
            delta = try Tensor.elementwise(.sub, model.parameters, target)
        }
        return (x, y, subset, model, delta)
    }

    @Test(arguments: Attack.allCases)
    func exactReachesTheBruteForceOptimum(_ attack: Attack) throws {
        let g = Generator(seed: attack == .untargeted ? 31 : 32)
        var beatenPaper = 0
        for trial in 0..<2000 {
            let c = 3 + trial % 2
            let (x, y, subset, model, delta) = try GreedyMulticlassTests.instance(g, classes: c, attack: attack)
            let budget = g.below(subset.count + 1)
            let s = try GreedyMulticlass.scores(features: x, subset: subset, delta: delta)
            let honest = subset.int32s.map { y.int32s[Int($0)] }
            let exact = try GreedyMulticlass.choose(model: model, features: x, labels: y, subset: subset, delta: delta,
                                                    budget: budget, variant: .exact)
            let poisoned = try FlipValidator.apply(labels: y, subset: subset, flips: exact, budget: budget, classes: c)
            let after = subset.int32s.map { poisoned.int32s[Int($0)] }
            let optimum = GreedyMulticlassTests.bruteForce(s, honest, budget: budget)
            let reached = GreedyMulticlassTests.objective(s, after)
            #expect(abs(reached - optimum) <= 1e-5 * max(1, abs(optimum)), "trial \(trial): \(reached) vs \(optimum)")
            let paper = try GreedyMulticlass.choose(model: model, features: x, labels: y, subset: subset, delta: delta,
                                                    budget: budget, variant: .paper)
            let paperLabels = try FlipValidator.apply(labels: y, subset: subset, flips: paper, budget: budget, classes: c)
            let paperValue = GreedyMulticlassTests.objective(s, subset.int32s.map { paperLabels.int32s[Int($0)] })
            #expect(paperValue >= optimum - 1e-5 * max(1, abs(optimum)))
            if paperValue > optimum + 1e-6 { beatenPaper += 1 }
        }
        #expect(beatenPaper > 0, "the printed rule is sometimes suboptimal")
    }

    @Test(arguments: Attack.allCases)
    func binaryExactReachesTheOptimumEndToEnd(_ attack: Attack) throws {
        let g = Generator(seed: attack == .untargeted ? 41 : 42)
        for _ in 0..<2000 {
            let (n, d) = (8, 3)
            let x = try Tensor((0..<n * d).map { _ in Float(g.normal()) }, shape: [n, d])
            let y = try Tensor(int32: (0..<n).map { _ in Int32(g.below(2)) })
            let model = try Model.binaryLogistic(dimension: d)
            try model.setParameters(try Tensor((0...d).map { _ in Float(g.normal()) }))
            let delta = attack == .untargeted
                ? try Tensor.elementwise(.mul, try model.gradient(features: x, labels: y), scalar: -1)
                : try Tensor.elementwise(.sub, model.parameters, try Tensor((0...d).map { _ in Float(g.normal()) }))
            let subset = try Tensor(int32: try g.sample(n, 1 + g.below(n)))
            let budget = g.below(subset.count + 1)
            let s = try GreedyBinary.scores(features: x, subset: subset, delta: delta)
            let honest = subset.int32s.map { y.int32s[Int($0)] }
            let flips = try GreedyBinary.choose(features: x, labels: y, subset: subset, delta: delta, budget: budget, variant: .exact)
            let poisoned = try FlipValidator.apply(labels: y, subset: subset, flips: flips, budget: budget, classes: 2)
            let reached = GreedyBinary.objective(scores: s, labels: subset.int32s.map { poisoned.int32s[Int($0)] })
            #expect(reached == GreedyBinaryTests.bruteForceOptimum(s, honest, budget: budget))
        }
    }

    /// Algorithm 1 by hand on three points, C = 3, uniform probabilities:
    /// Z_min = min_c s − mean(s) = (−5/3, −2.3, −1), so with p = 2 the printed
    /// rule visits point 2 (c* = 3) and point 1, whose c* = 2 is already its
    /// label: one flip. The exact rule ranks gains (0, −3.5, −2): points 2 and 3.
    @Test func handWorkedAlgorithmOne() throws {
        let s = try Tensor([1, -2, 0, 0.5, 0.4, -3, -1, 0, 1], shape: [3, 3])
        let p = try Tensor([Float](repeating: 1.0 / 3, count: 9), shape: [3, 3])
        let y = try Tensor(int32: [1, 0, 2])
        let paper = try GreedyMulticlass.select(scores: s, honestLabels: y, probabilities: p, budget: 2, variant: .paper)
        #expect(paper.positions == [1] && paper.labels == [2])
        let exact = try GreedyMulticlass.select(scores: s, honestLabels: y, probabilities: nil, budget: 2, variant: .exact)
        #expect(exact.positions == [1, 2] && exact.labels == [2, 0])
        // Probabilities change the printed rule's order: with point 2 confident in
        // class 3, Z_min = (−2 − 1, −3 + 3, −1 − 1) = (−3, 0, −2), so the budget of
        // one goes to point 1, whose best label is its own: no flip at all.
        let skewed = try Tensor([1, 0, 0, 0, 0, 1, 0, 0, 1], shape: [3, 3])
        let wasted = try GreedyMulticlass.select(scores: s, honestLabels: y, probabilities: skewed, budget: 1, variant: .paper)
        #expect(wasted.positions.isEmpty)
        #expect(throws: FlipError.self) { try GreedyMulticlass.select(scores: s, honestLabels: y, probabilities: nil, budget: 1, variant: .paper) }
    }

    @Test func scoresAreErrorsOnBadShapes() throws {
        let x = try Tensor([1, 2, 3, 4], shape: [2, 2])
        #expect(throws: FlipError.self) { try GreedyMulticlass.scores(features: x, subset: try Tensor(int32: [0]), delta: try Tensor(zeros: [3])) }
        #expect(throws: FlipError.self) { try GreedyMulticlass.scores(features: x, subset: try Tensor(int32: [2]), delta: try Tensor(zeros: [3, 3])) }
        let s = try GreedyMulticlass.scores(features: x, subset: try Tensor(int32: [1]), delta: try Tensor([1, 0, 0, 0, 1, 5], shape: [2, 3]))
        #expect(s.floatValues == [3, 9])
    }
}
