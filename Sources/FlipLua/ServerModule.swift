import FlipKit
import LuaHost

/// An aggregation as a Lua value.
final class AggregatorBox {
    let aggregator: Aggregator
    /// Bucketing's stream, from the options' `rng`.
    let generator: Generator?
    init(_ aggregator: Aggregator, generator: Generator?) {
        self.aggregator = aggregator
        self.generator = generator
    }
}

/// flipside.server: aggregation rules and the parameter server. Flip policies
/// and Lua aggregation rules are called back, protected, during a round.
enum ServerModule {
    static func register(in vm: LuaVM) {
        vm.registerType(AggregatorBox.self, name: "flipside.Aggregator", methods: aggregatorMethods) { box in
            (box.aggregator.steps.map(\.name) + [box.aggregator.rule.name]).joined(separator: " → ")
        }
        vm.registerType(ParameterServer.self, name: "flipside.Server", methods: serverMethods) { s in
            "Server(\(s.shards.count) workers, \(s.attackers.count) attacking, \(s.aggregator.rule.name), \(s.rounds) rounds)"
        }
    }

    static let functions: [LuaFunction] = [
        // aggregator{rule = "krum", f = 1, steps = {{"clip", 5}}}
        LuaFunction("aggregator") { call in
            let options = try call.table(1)
            try options.requireDeclared(ServerReference.aggregatorOptions.fields)
            try call.push(AggregatorBox(try AggregatorOptions.read(call, 1, options), generator: try options.object("rng", Generator.self)))
            return 1
        },
        // stack(list of tensors) -> [n, P]
        LuaFunction("stack") { call in
            let tensors = try TensorModule.tensorList(call, 1)
            try call.push(try call.blaming(1) { try Aggregator.stack(tensors) })
            return 1
        },
        LuaFunction("new") { call in
            try call.push(try ServerOptions.read(call, try call.table(1)))
            return 1
        },
    ]

    static let aggregatorMethods: [LuaFunction] = [
        // aggregate(stack [, reference]) -> vector, {selected, iterations, converged}
        LuaFunction("aggregate") { call in
            let box = try call.object(1, AggregatorBox.self)
            let stack = try call.tensor(2)
            let reference = try call.objectIfPresent(3, Tensor.self)
            let result = try call.blaming(2) { try box.aggregator.aggregate(stack, reference: reference, generator: box.generator) }
            try call.push(result.vector)
            pushDiagnostics(call, result)
            return 2
        },
        LuaFunction("name") { call in call.push(try call.object(1, AggregatorBox.self).aggregator.rule.name); return 1 },
    ]

    static func pushDiagnostics(_ call: LuaCall, _ result: AggregationResult) {
        lua_createtable_of(call, 0)
        if let selected = result.selectedWorkers { call.setField("selected") { call.pushArray(selected.map { $0 + 1 }) } }
        if let iterations = result.iterations { call.setField("iterations") { call.push(iterations) } }
        if let converged = result.converged { call.setField("converged") { call.push(converged) } }
        if let weights = result.weights { call.setField("weights") { call.pushArray(weights) } }
    }

    static func server(_ call: LuaCall) throws -> ParameterServer { try call.object(1, ParameterServer.self) }

    static let serverMethods: [LuaFunction] = [
        // round([policy [, rule]]) -> record
        LuaFunction("round") { call in
            let s = try server(call)
            let policy = try callback(call, 2, "policy")
            let rule = try callback(call, 3, "rule")
            let record = try s.round(
                policy: policy ? { request in try RoundCallbacks.flips(call, server: s, request: request) } : nil,
                customRule: rule ? { stack in try RoundCallbacks.aggregate(call, stack: stack) } : nil)
            try pushRecord(call, record)
            call.setField("direction") { call.push(s.direction.rawValue) }
            return 1
        },
        LuaFunction("model") { call in try call.push(try server(call).model); return 1 },
        LuaFunction("rounds") { call in call.push(try server(call).rounds); return 1 },
        LuaFunction("workers") { call in call.push(try server(call).shards.count); return 1 },
        LuaFunction("attackers") { call in call.pushArray(try server(call).attackers.sorted().map { $0 + 1 }); return 1 },
    ]

    /// True when argument `i` is a function, false when nil or absent.
    static func callback(_ call: LuaCall, _ i: Int32, _ what: String) throws -> Bool {
        if call.isNoneOrNil(i) { return false }
        guard call.type(i) == LUA_FUNCTION_TYPE else {
            throw LuaArgumentError(i, "\(what) function expected, got \(call.typeName(i))")
        }
        return true
    }

    static func pushRecord(_ call: LuaCall, _ r: RoundRecord) throws {
        lua_createtable_of(call, 0)
        call.setField("round") { call.push(r.round) }
        call.setField("norms") { call.pushArray(r.workerNorms) }
        call.setField("attackers") { call.pushArray(r.attackers.map { $0 + 1 }) }
        call.setField("flips") { call.pushArray(r.flips) }
        if let ratio = r.normRatio { call.setField("norm_ratio") { call.push(ratio) } }
        if let cosine = r.cosineToHonest { call.setField("cosine") { call.push(cosine) } }
        if let loss = r.honestLoss { call.setField("honest_loss") { call.push(loss) } }
        call.setField("status") { call.push(r.status) }
        call.setField("aggregation") { pushDiagnostics(call, r.aggregate) }
        if let detection = r.detection {
            call.setField("detection") {
                lua_createtable_of(call, 0)
                call.setField("excluded") { call.pushArray(detection.excluded.map { $0 + 1 }) }
                if let rate = detection.truePositiveRate { call.setField("true_positive_rate") { call.push(rate) } }
                if let rate = detection.falsePositiveRate { call.setField("false_positive_rate") { call.push(rate) } }
            }
        }
        if r.sampled { call.setField("sampled") { call.pushArray(r.workers.map { $0 + 1 }) } }
        if let attack = r.gradientAttack {
            call.setField("gradient_attack") {
                lua_createtable_of(call, 0)
                call.setField("name") { call.push(attack.name) }
                if let scale = attack.scale { call.setField("scale") { call.push(scale) } }
                if let copied = attack.copied { call.setField("copied") { call.push(copied + 1) } }
            }
        }
        if !r.provenance.isEmpty {
            try call.setField("provenance") {
                lua_createtable_of(call, 0)
                for (worker, p) in r.provenance {
                    try AttackEpochMethods.pushProvenance(call, p)
                    lua_rawseti_of(call, -2, worker + 1)
                }
            }
        }
    }
}
