import FlipLua
import FlipResults
import LuaHost

/// What `run(params)` returned, read into a record: scalar fields are the
/// run's metrics, `epochs` a list of tables of numbers (one per epoch) and
/// `provenance` a list of {epoch = e, rows = {...}, old = {...}, new = {...}}.
enum RunResult {
    static func read(_ value: LuaValue, into record: inout RunRecord) throws {
        guard case .table(_, let fields) = value else {
            throw GridError("run must return a table of metrics, got \(kind(value))")
        }
        for (name, field) in fields {
            switch name {
            case "epochs": record.epochs = try epochs(field)
            case "provenance": record.provenance = try provenance(field)
            default: record.metrics[name] = try GridPlan.scalar(field, "metric '\(name)'")
            }
        }
    }

    static func kind(_ value: LuaValue) -> String {
        switch value {
        case .none: return "nil"
        case .boolean: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .table: return "table"
        }
    }

    static func epochs(_ value: LuaValue) throws -> [[String: Double]] {
        try value.array.enumerated().map { n, epoch in
            try epoch.fields.mapValues { v in
                switch v {
                case .boolean(let b): return b ? 1 : 0
                default:
                    guard let x = v.number else { throw GridError("epochs[\(n + 1)]: numbers expected, got \(kind(v))") }
                    return x
                }
            }
        }
    }

    static func provenance(_ value: LuaValue) throws -> [ProvenanceRow] {
        var rows: [ProvenanceRow] = []
        for (n, entry) in value.array.enumerated() {
            guard let epoch = entry["epoch"].flatMap(integer) else {
                throw GridError("provenance[\(n + 1)]: field 'epoch' must be an integer")
            }
            let (r, o, w) = (entry["rows"]?.array ?? [], entry["old"]?.array ?? [], entry["new"]?.array ?? [])
            guard r.count == o.count, r.count == w.count else {
                throw GridError("provenance[\(n + 1)]: rows, old and new must have the same length")
            }
            for i in r.indices {
                guard let row = integer(r[i]), let old = integer(o[i]), let new = integer(w[i]) else {
                    throw GridError("provenance[\(n + 1)]: rows, old and new must hold integers")
                }
                rows.append(ProvenanceRow(epoch: epoch, row: row, oldLabel: old, newLabel: new))
            }
        }
        return rows
    }

    /// An integer, or a float with an integral value an Int holds (a NaN or 1e300 is not one).
    static func integer(_ value: LuaValue) -> Int? {
        switch value {
        case .integer(let i): return Int(i)
        case .number(let d) where d == d.rounded() && abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }

    /// A stored run as the table `report` receives.
    static func table(_ r: RunRecord) -> LuaValue {
        var fields: [String: LuaValue] = [
            "id": .string(r.id), "seed": .integer(Int64(r.seed)), "status": .string(r.status.rawValue),
            "seconds": .number(r.seconds), "code_version": .string(r.codeVersion),
            "params": .table(array: [], fields: r.parameters.mapValues(\.luaValue)),
            "metrics": .table(array: [], fields: r.metrics.mapValues(\.luaValue)),
            "epochs": .table(array: r.epochs.map { .table(array: [], fields: $0.mapValues { .number($0) }) }, fields: [:]),
        ]
        if let error = r.error { fields["error"] = .string(error) }
        return .table(array: [], fields: fields)
    }
}

extension RunValue {
    /// The value as Lua sees it.
    var luaValue: LuaValue {
        switch self {
        case .integer(let i): return .integer(Int64(i))
        case .number(let d): return .number(d)
        case .text(let s): return .string(s)
        case .boolean(let b): return .boolean(b)
        }
    }
}

extension RunRecord {
    /// The run failed with `error`: its message, and Lua's traceback when there is one.
    public mutating func fail(_ error: Error) {
        status = .failed
        if let script = error as? LuaScriptError {
            self.error = script.message
            traceback = script.traceback
        } else {
            self.error = "\(error)"
        }
    }
}
