import FlipKit
import LuaHost

/// Reads flipside.server.new's `gradient_attack` table: kind = "sign_flip" | "ipm" |
/// "alie" | "gaussian" | "mimic" | "min_max" | "min_sum" | "fang_trimmed_mean" |
/// "fang_krum", with epsilon, z, mean, std, perturbation, gamma_init, tolerance, b,
/// threshold, warmup as the kind needs.
enum GradientAttackOptions {
    static let kinds = ["sign_flip", "ipm", "alie", "gaussian", "mimic", "min_max", "min_sum", "fang_trimmed_mean", "fang_krum"]
    static let expectedKinds = "one of " + kinds.map { "'\($0)'" }.joined(separator: ", ")

    /// The attack in field `gradient_attack` of `o`, nil when absent. Errors name the field.
    static func read(_ o: LuaTable) throws -> GradientAttack? {
        let key = "gradient_attack"
        return try o.withField(key) { top in
            if o.call.isNoneOrNil(top) { return nil }
            guard o.call.type(top) == LUA_TABLE_TYPE else {
                throw o.fieldError(key, "table {kind = ...} expected, got \(o.call.typeName(top))")
            }
            do {
                let t = o.nested(at: top)
                try t.requireDeclared(ServerReference.gradientAttackOptions.fields)
                let attack = try parse(t)
                try attack.validate()
                return attack
            } catch let error as LuaArgumentError {
                throw o.fieldError(key, error.message)
            } catch let error as FlipError {
                throw o.fieldError(key, error.description)
            }
        }
    }

    static func parse(_ t: LuaTable) throws -> GradientAttack {
        guard let kind = try t.string("kind") else {
            throw t.fieldError("kind", "\(expectedKinds) expected, got nil")
        }
        let allowed: [String]
        let attack: GradientAttack
        switch kind {
        case "sign_flip": (allowed, attack) = ([], .signFlip)
        case "ipm": (allowed, attack) = (["epsilon"], .ipm(epsilon: try t.number("epsilon", default: GradientAttack.defaultEpsilon)))
        case "alie": (allowed, attack) = (["z"], .alie(z: try t.number("z")))
        case "gaussian":
            (allowed, attack) = (["mean", "std"], .gaussian(mean: try t.number("mean", default: 0), std: try t.number("std", default: 1)))
        case "mimic": (allowed, attack) = (["warmup"], .mimic(warmup: try t.integer("warmup", default: GradientAttack.defaultMimicWarmup)))
        case "min_max", "min_sum":
            let perturbation = try t.option("perturbation", default: GradientAttack.Perturbation.unit)
            let gammaInit = try t.number("gamma_init", default: GradientAttack.defaultGammaInit)
            let tolerance = try t.number("tolerance", default: GradientAttack.defaultTolerance)
            allowed = ["perturbation", "gamma_init", "tolerance"]
            attack = kind == "min_max" ? .minMax(perturbation: perturbation, gammaInit: gammaInit, tolerance: tolerance)
                : .minSum(perturbation: perturbation, gammaInit: gammaInit, tolerance: tolerance)
        case "fang_trimmed_mean": (allowed, attack) = (["b"], .fangTrimmedMean(b: try t.number("b", default: GradientAttack.defaultFangB)))
        case "fang_krum":
            (allowed, attack) = (["threshold"], .fangKrum(threshold: try t.number("threshold", default: GradientAttack.defaultFangThreshold)))
        default:
            throw t.fieldError("kind", "invalid option '\(kind)', expected \(expectedKinds)")
        }
        for field in ServerReference.gradientAttackOptions.fields.map(\.name) where field != "kind" && !allowed.contains(field) && t.has(field) {
            throw t.fieldError(field, "'\(kind)' takes no '\(field)'")
        }
        return attack
    }
}
