import FlipKit
import LuaHost

/// Builds an attack epoch from flipside.attack.epoch's options: model, data
/// {x, y}, the attacker's rows (subset, 1-based) or their fraction k drawn
/// from rng, the flip fraction b, direction ("robust" | "float") and the
/// epoch's number.
enum AttackEpochOptions {
    static func read(_ call: LuaCall, _ o: LuaTable) throws -> AttackEpoch {
        try o.requireDeclared(AttackReference.epochOptions.fields)
        guard let model = try o.object("model", Model.self) else { throw o.fieldError("model", "Model expected, got nil") }
        let (x, y) = try o.dataset(call)
        let subset: Tensor
        if o.has("subset") {
            guard !o.has("k") else { throw o.fieldError("k", "give either 'subset' or 'k', not both") }
            subset = try o.withField("subset") { try call.rowIndices($0, limit: x.rows) }
        } else {
            guard let rng = try o.object("rng", Generator.self) else {
                throw o.fieldError("rng", "Generator expected with 'k' (the attacker's rows are drawn from it), got nil")
            }
            let k = try o.number("k", default: 0)
            subset = try call.blaming(1) { try AttackEpoch.drawSubset(rows: x.rows, fraction: k, generator: rng) }
        }
        let b = try o.number("b", default: 0)
        let mode = try o.option("direction", default: Defaults.direction)
        let number = try o.integer("number", default: 1)
        return try call.blaming(1) {
            try AttackEpoch(model: model, features: x, labels: y, subset: subset, budgetFraction: b, mode: mode, number: number)
        }
    }
}
