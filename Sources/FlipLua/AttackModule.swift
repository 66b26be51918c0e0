import FlipKit
import LuaHost

/// flipside.attack: the greedy rules and the threat model's checks.
/// Row indices are 1-based dataset rows.
enum AttackModule {
    static func register(in vm: LuaVM) {
        vm.registerType(AttackEpoch.self, name: "flipside.AttackEpoch", methods: AttackEpochMethods.methods) { e in
            "AttackEpoch(\(e.number): \(e.subset.count) attacker rows, budget \(e.budget), \(e.mode.rawValue) Δ)"
        }
    }

    /// The arguments both greedy rules take: (x, y, subset, delta, budget [, variant]).
    static func greedyArguments(_ call: LuaCall) throws
        -> (x: Tensor, y: Tensor, subset: Tensor, delta: Tensor, budget: Int, variant: GreedyVariant) {
        let x = try call.tensor(1)
        return (x, try call.tensor(2), try call.rowIndices(3, limit: x.rows), try call.tensor(4),
                try call.integer(5, in: 0...Int.max), try call.option(6, GreedyVariant.self, default: .exact))
    }

    /// A rule's choice as Lua sees it: 1-based rows and their new labels.
    static func pushFlips(_ call: LuaCall, _ flips: FlipSet) throws -> Int32 {
        try call.pushOneBased(flips.rows)
        try call.push(try Tensor(int32: flips.labels))
        return 2
    }

    static let functions: [LuaFunction] = [
        LuaFunction("budget") { call in
            let fraction = try call.number(1)
            let n = try call.integer(2, in: 0...Int.max)
            do { call.push(try Budget.floorFraction(fraction, of: n)) } catch let e as FlipError {
                throw LuaArgumentError(1, e.description)
            }
            return 1
        },
        LuaFunction("scores") { call in
            let x = try call.tensor(1)
            let subset = try call.rowIndices(2, limit: x.rows)
            let s = try GreedyBinary.scores(features: x, subset: subset, delta: try call.tensor(3))
            try call.push(try Tensor(s))
            return 1
        },
        // greedy_binary(x, y, subset, delta, budget [, variant]) -> rows, labels
        LuaFunction("greedy_binary") { call in
            let a = try greedyArguments(call)
            return try pushFlips(call, try GreedyBinary.choose(features: a.x, labels: a.y, subset: a.subset, delta: a.delta,
                                                               budget: a.budget, variant: a.variant))
        },
        // class_scores(x, subset, delta) -> [m, C], s_nc = <(x_n, 1), delta_c>
        LuaFunction("class_scores") { call in
            let x = try call.tensor(1)
            let subset = try call.rowIndices(2, limit: x.rows)
            try call.push(try GreedyMulticlass.scores(features: x, subset: subset, delta: try call.tensor(3)))
            return 1
        },
        // greedy_multiclass(x, y, subset, delta, budget [, variant [, model]]) -> rows, labels
        LuaFunction("greedy_multiclass") { call in
            let a = try greedyArguments(call)
            let model = try call.objectIfPresent(7, Model.self)
            if a.variant == .paper && model == nil {
                throw LuaArgumentError(7, "the 'paper' rule needs the model (Model expected, got \(call.typeName(7)))")
            }
            return try pushFlips(call, try GreedyMulticlass.choose(model: model, features: a.x, labels: a.y, subset: a.subset,
                                                                   delta: a.delta, budget: a.budget, variant: a.variant))
        },
        // epoch{model, data, subset | k and rng, b, direction, number} -> AttackEpoch
        LuaFunction("epoch") { call in
            try call.push(try AttackEpochOptions.read(call, try call.table(1)))
            return 1
        },
        // apply(y, subset, rows, labels, budget, classes) -> poisoned copy of y
        LuaFunction("apply") { call in
            let y = try call.tensor(1)
            let subset = try call.rowIndices(2, limit: y.count)
            let rows = try call.integers(3, what: "row").map { $0 >= 1 ? $0 - 1 : -1 }
            let labels = try call.integers(4, what: "label")
            let budget = try call.integer(5, in: 0...Int.max)
            let classes = try call.integer(6, in: 2...Int(Int32.max))
            let flips = FlipSet(rows: rows, labels: labels)
            try call.push(try FlipValidator.apply(labels: y, subset: subset, flips: flips, budget: budget, classes: classes))
            return 1
        },
    ]
}
