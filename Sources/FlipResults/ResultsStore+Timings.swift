import GRDB

/// How long a script's current runs took, from the store: the runs' own seconds added up,
/// and the span from the first run's start to the last run's end (a batch's wall time
/// when it ran in one go; pauses between resumptions count in it).
public struct ScriptTiming: Sendable, Equatable {
    public let script: String
    public let ok: Int
    public let failed: Int
    public let runSeconds: Double
    public let spanSeconds: Double
}

extension ResultsStore {
    /// One timing per script with current runs, by script name.
    public func timings() throws -> [ScriptTiming] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT script, SUM(status = 'ok') AS ok, SUM(status != 'ok') AS failed, SUM(seconds) AS seconds,
                       MAX(julianday(finished)) * 86400 - MIN(julianday(finished) * 86400 - seconds) AS span
                FROM runs WHERE superseded = 0 GROUP BY script ORDER BY script
                """).map {
                ScriptTiming(script: $0["script"], ok: $0["ok"], failed: $0["failed"],
                             runSeconds: $0["seconds"], spanSeconds: max(0, ($0["span"] as Double?) ?? 0))
            }
        }
    }
}
