import FlipKit
import LuaHost

/// The Lua functions a server round calls back: the flip policy (argument 2
/// of `round`) and a Lua aggregation rule (argument 3), each under pcall.
enum RoundCallbacks {
    /// Calls policy(epoch, extra) — the native form of a flip policy, which
    /// flipside.context turns into policy(ctx) — and reads its answer: rows
    /// (1-based), labels and optionally the Δ it ranked by, or nil for no flips.
    /// `extra` holds the round, the worker, the attackers' generator and, for an
    /// omniscient attacker, the honest mean (read-only).
    static func flips(_ call: LuaCall, server s: ParameterServer, request: ParameterServer.AttackRequest) throws
        -> (flips: FlipSet, delta: Tensor?) {
        let top = call.count
        try call.protectedCall(function: 2, arguments: 2, results: 3) {
            try call.push(request.epoch)
            lua_createtable_of(call, 0)
            try call.setField("rng") { try call.push(s.attackerGenerator) }
            call.setField("round") { call.push(request.round) }
            call.setField("worker") { call.push(request.worker + 1) }
            if let honestMean = request.honestMean {
                try call.setField("honest_mean") { try call.push(try honestMean.reshaped(s.model.parameters.shape).readOnlyView()) }
            }
        }
        defer { call.pop(call.count - top) }
        if call.isNoneOrNil(top + 1) { return (FlipSet(), nil) }
        do {
            let flips = try AttackEpochMethods.readFlips(call, rows: top + 1, labels: top + 2)
            let delta = try call.objectIfPresent(top + 3, Tensor.self)
            if delta == nil && !call.isNoneOrNil(top + 3) { throw call.argumentError(top + 3, expected: "Tensor or nil") }
            return (flips, delta)
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
