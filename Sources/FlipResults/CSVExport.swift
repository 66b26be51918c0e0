import Foundation

/// The store as CSV: one row per run (parameters and scalar metrics as
/// columns), per epoch (metrics as columns), or per flip. Every row says which
/// code made it (code_version, and the hash of its key inputs: key_digest);
/// parameters are `param.NAME` and metrics `metric.NAME`, so no column name
/// repeats. Current runs only, unless the superseded ones are asked for.
public enum CSVExport {
    public enum Table: String, CaseIterable, Sendable {
        case runs, epochs, provenance
    }

    public static func export(_ store: ResultsStore, table: Table, script: String? = nil,
                              includingSuperseded: Bool = false) throws -> String {
        let records = try store.records(script: script, withProvenance: table == .provenance,
                                        includingSuperseded: includingSuperseded)
        let parameterNames = Set(records.flatMap { $0.parameters.keys }).sorted()
        let head = ["run_id", "script", "seed", "code_version", "key_digest", "key_inputs"]
            + (includingSuperseded ? ["superseded"] : []) + parameterNames.map { "param." + $0 }
        func lead(_ r: RunRecord) -> [String] {
            [r.id, r.script, String(r.seed), r.codeVersion, r.keyInputs?.digest ?? "", r.keyInputs?.json ?? ""]
                + (includingSuperseded ? [r.superseded ? "true" : "false"] : [])
                + parameterNames.map { r.parameters[$0]?.description ?? "" }
        }
        var lines: [[String]] = []
        switch table {
        case .runs:
            let metricNames = Set(records.flatMap { $0.metrics.keys }).sorted()
            lines.append(head + ["status", "seconds", "error"] + metricNames.map { "metric." + $0 })
            for r in records {
                lines.append(lead(r) + [r.status.rawValue, "\(r.seconds)", r.error ?? ""]
                             + metricNames.map { r.metrics[$0]?.description ?? "" })
            }
        case .epochs:
            let metricNames = Set(records.flatMap { $0.epochs.flatMap(\.keys) }).sorted()
            lines.append(head + ["epoch"] + metricNames.map { "metric." + $0 })
            for r in records {
                for (n, values) in r.epochs.enumerated() {
                    lines.append(lead(r) + [String(n + 1)] + metricNames.map { values[$0].map { "\($0)" } ?? "" })
                }
            }
        case .provenance:
            lines.append(head + ["epoch", "row", "old_label", "new_label"])
            for r in records {
                for p in r.provenance {
                    lines.append(lead(r) + [String(p.epoch), String(p.row), String(p.oldLabel), String(p.newLabel)])
                }
            }
        }
        return lines.map { $0.map(quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting where needed.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
