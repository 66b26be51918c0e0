import FlipKit
import LuaHost

/// flipside.metrics: classification metrics from predictions, and the
/// geometry of gradients (cosine, norms, the attacker/honest norm ratio).
enum MetricsModule {
    /// Predictions, labels, and the class count (argument 3, or the largest label seen + 1).
    static func labelled(_ call: LuaCall) throws -> ConfusionMatrix {
        let predicted = try call.tensor(1)
        let truth = try call.tensor(2)
        let classes = call.isNoneOrNil(3) ? ConfusionMatrix.classCount(predicted, truth) : try call.integer(3, in: 1...ConfusionMatrix.maxClasses)
        return try ConfusionMatrix(predicted: predicted, truth: truth, classes: classes)
    }

    static func pushConfusion(_ call: LuaCall, _ m: ConfusionMatrix) throws {
        let t = try Tensor(int32: m.counts.map { Int32(clamping: $0) }, shape: [m.classes, m.classes])
        try call.push(t)
    }

    static let functions: [LuaFunction] = [
        LuaFunction("accuracy") { call in
            let m = try labelled(call)
            guard m.total > 0 else { throw FlipError("accuracy of an empty set") }
            call.push(m.accuracy)
            return 1
        },
        LuaFunction("macro_f1") { call in
            let m = try labelled(call)
            guard m.total > 0 else { throw FlipError("macro-F1 of an empty set") }
            call.push(m.macroF1)
            return 1
        },
        // confusion(predicted, labels [, classes]) -> int32 [C, C], rows = true class
        LuaFunction("confusion") { call in try pushConfusion(call, try labelled(call)); return 1 },
        LuaFunction("cosine") { call in
            let a = try call.tensor(1)
            let b = try call.tensor(2)
            call.push(try GradientGeometry.cosine(a, b))
            return 1
        },
        // norms(stack) -> table of the Euclidean norm of each row
        LuaFunction("norms") { call in
            call.pushArray(try GradientGeometry.rowNorms(try call.tensor(1)))
            return 1
        },
        // norm_ratio(attacker, honest): mean attacker norm / mean honest norm (rows are workers)
        LuaFunction("norm_ratio") { call in
            let a = try call.tensor(1)
            let h = try call.tensor(2)
            call.push(try GradientGeometry.normRatio(attacker: a, honest: h))
            return 1
        },
    ]
}
