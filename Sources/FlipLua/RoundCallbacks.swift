import FlipKit
import LuaHost

/// The Lua functions a server round calls back: the flip policy (argument 2
/// of `round`) and a Lua aggregation rule (argument 3), each under pcall.
enum RoundCallbacks {
    /// Calls policy(ctx) and reads its answer: rows (1-based) and labels, or nil for no flips.
    /// ctx holds what protocol.lua's policies read, plus the round and worker; the
    /// server's own data and honest mean are read-only views, the model a copy.
    static func flips(_ call: LuaCall, server s: ParameterServer, request: ParameterServer.AttackRequest) throws -> FlipSet {
        let model = s.model
        let honestMean = try request.honestMean?.reshaped(model.parameters.shape).readOnlyView()
        let delta: Tensor
        if let honestMean {
            delta = try honestMean.clone()
        } else {
            delta = try model.gradient(features: s.features, labels: s.labels, rows: request.batch)
        }
        for k in 0..<delta.count { delta.floats[k] = -delta.floats[k] }
        let top = call.count
        try call.protectedCall(function: 2, arguments: 1, results: 2) {
            lua_createtable_of(call, 0)
            try call.setField("features") { try call.push(s.features.readOnlyView()) }
            try call.setField("labels") { try call.push(s.labels.readOnlyView()) }
            try call.setField("subset") { try call.pushOneBased(request.batch.int32Values) }
            call.setField("budget") { call.push(request.budget) }
            call.setField("classes") { call.push(model.classes) }
            try call.setField("model") { try call.push(try model.clone()) }
            try call.setField("rng") { try call.push(s.attackerGenerator) }
            call.setField("round") { call.push(request.round) }
            call.setField("epoch") { call.push(request.round) }
            call.setField("worker") { call.push(request.worker + 1) }
            try call.setField("delta") { try call.push(delta) }
            if let honestMean { try call.setField("honest_mean") { try call.push(honestMean) } }
        }
        defer { call.pop(call.count - top) }
        if call.isNoneOrNil(top + 1) { return FlipSet() }
        do {
            let rows = try call.integers(top + 1, what: "row").map { $0 >= 1 ? $0 - 1 : -1 }
            return FlipSet(rows: rows, labels: try call.integers(top + 2, what: "label"))
        } catch let error as LuaArgumentError {
            throw FlipError("the flip policy returned \(error.message)")
        }
    }

    /// Calls rule(stack) and returns its tensor. The rule reads the messages
    /// read-only: the round's record is computed from them afterwards.
    static func aggregate(_ call: LuaCall, stack: Tensor) throws -> Tensor {
        let top = call.count
        try call.protectedCall(function: 3, arguments: 1, results: 1) { try call.push(stack.readOnlyView()) }
        defer { call.pop(call.count - top) }
        guard let vector = try call.objectIfPresent(top + 1, Tensor.self) else {
            throw FlipError("the aggregation rule must return a float32 tensor, got \(call.typeName(top + 1))")
        }
        return vector
    }
}
