import FlipKit
import LuaHost

/// Builds a parameter server from flipside.server.new's options:
/// model, data {x, y}, shards (list of row lists or data.shards tables) or
/// workers (an iid split), batch (64), attackers (1-based workers), b (0),
/// share (1: the fraction of its batch an attacker controls),
/// omniscient (true), direction ("robust" | "float", the attackers' Δ),
/// provenance (false), mode ("gradient" | "local", with local_steps and
/// local_lr), lr (0.1) or optimizer, seed (1) or rng, gradient_attack (see
/// GradientAttackOptions), sample and sample_attackers (client sampling), root
/// (FLTrust's rows), and the
/// aggregation (rule, f, m, ..., steps — see AggregatorOptions).
enum ServerOptions {
    static func read(_ call: LuaCall, _ o: LuaTable) throws -> ParameterServer {
        try o.requireDeclared(ServerReference.serverOptions.fields)
        guard let model = try o.object("model", Model.self) else { throw o.fieldError("model", "Model expected, got nil") }
        let (x, y) = try o.dataset(call)
        let generator = try o.object("rng", Generator.self) ?? Generator(seed: UInt64(bitPattern: Int64(try o.integer("seed", default: Defaults.seed))))
        let shards = try readShards(call, o, rows: x.rows, generator: generator)
        let attackers = try (o.numbers("attackers") ?? []).map { v -> Int in
            guard v == v.rounded(), v >= 1, v <= Double(shards.count) else {
                throw o.fieldError("attackers", "worker \(formatNumber(v)) is not a worker 1..\(shards.count)")
            }
            return Int(v) - 1
        }
        let kind: ParameterServer.MessageKind
        switch try o.string("mode") ?? "gradient" {
        case "gradient": kind = .gradient
        case "local": kind = .localUpdate(steps: try o.integer("local_steps", default: 1), learningRate: try o.number("local_lr", default: Defaults.learningRate))
        case let other: throw o.fieldError("mode", "invalid option '\(other)', expected one of 'gradient', 'local'")
        }
        let optimizer = try o.object("optimizer", Optimizer.self)
        let lr = try o.number("lr")
        if optimizer != nil && lr != nil { throw o.fieldError("lr", "give either 'lr' (plain SGD) or 'optimizer', not both") }
        let gradientAttack = try GradientAttackOptions.read(o)
        let sampling = try readSampling(o, workers: shards.count, attackers: attackers.count)
        let root = try o.withField("root") { top -> Tensor? in
            if call.isNoneOrNil(top) { return nil }
            do { return try call.rowIndices(top, limit: x.rows) } catch let error as LuaArgumentError {
                throw o.fieldError("root", error.message)
            }
        }
        let argument: Int32 = 1
        return try call.blaming(argument) {
            try ParameterServer(
                model: model, features: x, labels: y, shards: shards, attackers: Set(attackers),
                batchSize: try o.integer("batch", default: Defaults.batch), kind: kind,
                aggregator: try AggregatorOptions.read(call, argument, o),
                optimizer: try optimizer ?? Optimizer(.sgd(momentum: 0), learningRate: lr ?? (kind == .gradient ? Defaults.learningRate : 1)),
                budgetFraction: try o.number("b", default: 0), attackerShare: try o.number("share", default: 1), omniscient: try o.boolean("omniscient", default: Defaults.omniscient),
                direction: try o.option("direction", default: Defaults.direction),
                recordsProvenance: try o.boolean("provenance", default: Defaults.provenance),
                gradientAttack: gradientAttack, sampling: sampling, root: root, generator: generator)
        }
    }

    /// `sample` (m workers per round) and `sample_attackers` (a fixed number of them attacking).
    static func readSampling(_ o: LuaTable, workers n: Int, attackers a: Int) throws -> ClientSampling? {
        guard let m = try o.integer("sample") else {
            if o.has("sample_attackers") { throw o.fieldError("sample_attackers", "needs 'sample', the workers per round") }
            return nil
        }
        let sampling = ClientSampling(perRound: m, attackersPerRound: try o.integer("sample_attackers"))
        do { try sampling.validate(workers: n, attackers: a) } catch let error as FlipError {
            throw o.fieldError(sampling.perRound < 1 || sampling.perRound > n ? "sample" : "sample_attackers", error.description)
        }
        return sampling
    }

    /// Shards from `shards` (a list of 1-based row lists, or of tables with a
    /// `rows` field as data.shards returns), or an iid split over `workers`.
    static func readShards(_ call: LuaCall, _ o: LuaTable, rows: Int, generator: Generator) throws -> [Tensor] {
        if let workers = try o.integer("workers") {
            guard !o.has("shards") else { throw o.fieldError("workers", "give either 'workers' or 'shards', not both") }
            let plan = try call.blaming(1) { try Shards.iid(rows: rows, workers: workers, generator: generator.split()) }
            return try plan.map { try Tensor(int32: $0) }
        }
        return try o.withField("shards") { top in
            guard call.type(top) == LUA_TABLE_TYPE else {
                throw o.fieldError("shards", "list of row lists expected (or give 'workers'), got \(call.typeName(top))")
            }
            let list = o.nested(at: top)
            return try list.mapElements { n, element in
                do {
                    if call.type(element) == LUA_TABLE_TYPE && list.nested(at: element).has("rows") {
                        return try list.nested(at: element).withField("rows") { try call.rowIndices($0, limit: rows) }
                    }
                    return try call.rowIndices(element, limit: rows)
                } catch let error as LuaArgumentError {
                    throw o.fieldError("shards", "shard \(n): \(error.message)")
                }
            }
        }
    }
}
