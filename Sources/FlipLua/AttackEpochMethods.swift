import FlipKit
import LuaHost

/// The methods of flipside.AttackEpoch: what stdlib/flipside/context.lua
/// shows a flip policy, and the check and provenance of its answer.
enum AttackEpochMethods {
    static func epoch(_ call: LuaCall) throws -> AttackEpoch { try call.object(1, AttackEpoch.self) }

    static let methods: [LuaFunction] = [
        LuaFunction("delta") { call in try call.push(try epoch(call).delta()); return 1 },
        LuaFunction("layer_delta") { call in
            let e = try epoch(call)
            let i = try call.integer(2)
            try call.push(try call.blaming(2) { try e.layerDelta(i) })
            return 1
        },
        LuaFunction("subset") { call in try call.pushOneBased(try epoch(call).subset.int32Values); return 1 },
        LuaFunction("budget") { call in call.push(try epoch(call).budget); return 1 },
        LuaFunction("number") { call in call.push(try epoch(call).number); return 1 },
        LuaFunction("direction") { call in call.push(try epoch(call).mode.rawValue); return 1 },
        LuaFunction("model") { call in try call.push(try epoch(call).model.clone()); return 1 },
        LuaFunction("data") { call in
            let e = try epoch(call)
            lua_createtable_of(call, 0)
            try call.setField("x") { try call.push(e.features.readOnlyView()) }
            try call.setField("y") { try call.push(e.labels.readOnlyView()) }
            call.setField("classes") { call.push(e.classes) }
            return 1
        },
        // apply(rows, labels [, delta]) -> poisoned copy of the labels, flips
        LuaFunction("apply") { call in
            let e = try epoch(call)
            let flips = try readFlips(call, rows: 2, labels: 3)
            let used = try call.objectIfPresent(4, Tensor.self)
            if used == nil && !call.isNoneOrNil(4) { throw call.argumentError(4, expected: "Tensor or nil") }
            try call.push(try call.blaming(2) { try e.apply(flips, usedDelta: used) })
            call.push(flips.rows.count)
            return 2
        },
        LuaFunction("provenance") { call in
            guard let p = try epoch(call).provenance() else { call.pushNil(); return 1 }
            try pushProvenance(call, p)
            return 1
        },
    ]

    /// A policy's answer: 1-based rows and their labels (tensors or tables).
    static func readFlips(_ call: LuaCall, rows: Int32, labels: Int32) throws -> FlipSet {
        let rows = try call.integers(rows, what: "row").map { $0 >= 1 ? $0 - 1 : -1 }
        return FlipSet(rows: rows, labels: try call.integers(labels, what: "label"))
    }

    static func pushProvenance(_ call: LuaCall, _ p: Provenance) throws {
        lua_createtable_of(call, 0)
        try call.setField("rows") { try call.pushOneBased(p.rows) }
        try call.setField("old") { try call.push(try Tensor(int32: p.oldLabels)) }
        try call.setField("new") { try call.push(try Tensor(int32: p.newLabels)) }
        call.setField("objective_before") { call.push(p.objectiveBefore) }
        call.setField("objective_after") { call.push(p.objectiveAfter) }
        call.setField("objective_delta") { call.push(p.objectiveDelta) }
        call.setField("deviation") { call.push(p.deviation) }
        if let cosine = p.cosine { call.setField("cosine") { call.push(cosine) } }
        call.setField("gradient_norm") { call.push(p.gradientNorm) }
        call.setField("log_gradient_norm") { call.push(p.logGradientNorm) }
        call.setField("log_scale") { call.push(p.logScale) }
        call.setField("underflow") { call.push(p.underflow) }
    }
}
