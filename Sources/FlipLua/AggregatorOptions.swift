import FlipKit
import LuaHost

/// Reads an aggregation from an options table:
/// rule = "mean" | "median" | "trimmed_mean" | "krum" | "multi_krum" |
/// "geometric_median" | "centered_clipping" | "bulyan" | "fltrust" | "foolsgold" | "lfighter" | "pca", with f, m, tolerance,
/// iterations, smoothing, tau, confidence, source, window as the rule needs, and steps = { {"clip", threshold}, {"nnm", f}, {"arc", f}, {"bucket", s} }
/// applied in order before the rule.
enum AggregatorOptions {

    static func required(_ o: LuaTable, _ key: String) throws -> Int {
        guard let v = try o.integer(key) else { throw o.fieldError(key, "integer expected, got nil") }
        return v
    }

    /// Each rule and the settings it reads; any other aggregation setting given with it
    /// would be ignored, so it is refused.
    static let rules: [(name: String, reads: [String])] = [
        ("mean", []), ("median", []), ("trimmed_mean", ["f"]), ("krum", ["f"]), ("multi_krum", ["f", "m"]),
        ("geometric_median", ["tolerance", "iterations", "smoothing"]), ("centered_clipping", ["tau", "iterations"]),
        ("bulyan", ["f"]), ("fltrust", []), ("foolsgold", ["confidence"]), ("lfighter", []), ("pca", ["source", "window"]),
    ]
    static let ruleNames = rules.map(\.name)
    static let settings = Set(rules.flatMap(\.reads)).sorted()

    static func rule(_ o: LuaTable, name: String) throws -> AggregationRule {
        if let read = rules.first(where: { $0.name == name })?.reads {
            for key in settings where !read.contains(key) && o.has(key) {
                throw o.fieldError(key, "rule '\(name)' takes no '\(key)'")
            }
        }
        switch name {
        case "mean": return .mean
        case "median": return .median
        case "trimmed_mean": return .trimmedMean(f: try required(o, "f"))
        case "krum": return .krum(f: try required(o, "f"))
        case "bulyan": return .bulyan(f: try required(o, "f"))
        case "fltrust": return .flTrust
        case "lfighter": return .lfighter
        case "pca": return .pcaDetection(sourceClass: try o.integer("source"), window: try o.integer("window", default: 1))
        case "foolsgold": return .foolsGold(confidence: try o.number("confidence", default: 1))
        case "multi_krum": return .multiKrum(f: try required(o, "f"), m: try required(o, "m"))
        case "geometric_median":
            return .geometricMedian(tolerance: try o.number("tolerance", default: 1e-6),
                                    maxIterations: try o.integer("iterations", default: 100),
                                    smoothing: try o.number("smoothing", default: 1e-8))
        case "centered_clipping":
            guard let tau = try o.number("tau") else { throw o.fieldError("tau", "number expected, got nil") }
            return .centeredClipping(tau: tau, iterations: try o.integer("iterations", default: 1))
        default:
            let known = ruleNames.map { "'\($0)'" }.joined(separator: ", ")
            throw o.fieldError("rule", "invalid option '\(name)', expected one of \(known)")
        }
    }

    static func steps(_ o: LuaTable) throws -> [PreAggregation] {
        try o.withField("steps") { top in
            if o.call.isNoneOrNil(top) { return [] }
            guard o.call.type(top) == LUA_TABLE_TYPE else {
                throw o.fieldError("steps", "table expected, got \(o.call.typeName(top))")
            }
            let list = o.nested(at: top)
            return try list.mapElements { n, element in
                guard o.call.type(element) == LUA_TABLE_TYPE else {
                    throw o.fieldError("steps", "step \(n): table {name, value} expected, got \(o.call.typeName(element))")
                }
                let step = list.nested(at: element)
                let name = try step.withElement(1) { o.call.type($0) == LUA_STRING_TYPE ? try o.call.string($0) : nil }
                let value = try step.withElement(2) { o.call.type($0) == LUA_NUMBER_TYPE ? try o.call.number($0) : nil }
                switch (name, value) {
                case ("clip", let v?): return .normClip(threshold: v)
                case ("nnm", let v?) where v == v.rounded() && abs(v) < 1e9: return .nearestNeighbourMixing(f: Int(v))
                case ("arc", let v?) where v == v.rounded() && abs(v) < 1e9: return .adaptiveClipping(f: Int(v))
                case ("bucket", let v?) where v == v.rounded() && abs(v) < 1e9: return .bucketing(s: Int(v))
                default:
                    throw o.fieldError("steps", "step \(n): {\"clip\", threshold}, {\"nnm\", f}, {\"arc\", f} or {\"bucket\", s} expected")
                }
            }
        }
    }

    /// The aggregation described by `o`, or plain mean when `rule` is not a string.
    static func read(_ call: LuaCall, _ argument: Int32, _ o: LuaTable) throws -> Aggregator {
        let name = try o.withField("rule") { top in call.type(top) == LUA_STRING_TYPE ? try call.string(top) : nil } ?? "mean"
        let parsed = try rule(o, name: name)
        let steps = try steps(o)
        return try call.blaming(argument) { try Aggregator(rule: parsed, steps: steps) }
    }
}
