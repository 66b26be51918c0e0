import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// The results store: one SQLite file holding every run (keyed by the hash of
/// script, parameters and seed), its per-epoch metrics and, when a script asks,
/// the provenance of its flips. A run is written in one transaction, so a
/// runner killed at any moment leaves each run either whole or absent.
public final class ResultsStore: Sendable {
    public let path: String
    /// The files a store kept with its journal touches.
    public var files: [String] { [path, path + "-journal"] }
    let queue: DatabaseQueue

    /// With `keepingJournal`, the store creates no file once open: its rollback
    /// journal (`path-journal`) is made now and truncated after each transaction
    /// instead of removed, and temporary tables stay in memory. A process the
    /// kernel then lets write these two files only can still store runs.
    public init(path: String, keepingJournal: Bool = false) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if keepingJournal {
            let journal = open(path + "-journal", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            guard journal >= 0 else { throw ResultsError("cannot create \(path)-journal: \(String(cString: strerror(errno)))") }
            close(journal)
        }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            if keepingJournal {
                configuration.prepareDatabase { db in
                    try db.execute(sql: "PRAGMA journal_mode = TRUNCATE; PRAGMA temp_store = MEMORY")
                }
            }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try ResultsStore.checkIntegrity(db, path: path)
                try db.inTransaction(.exclusive) {
                    try ResultsStore.createOrMigrate(db)
                    return .commit
                }
                try ResultsStore.checkSchema(db, path: path)
            }
        } catch let error as DatabaseError {
            throw ResultsError("\(path): not a flipside results store (\(error.message ?? error.description))")
        }
    }

    /// The schema's version (PRAGMA user_version) this code writes.
    static let schemaVersion = 3

    /// Creates the tables, or brings an older store up to date, inside the
    /// caller's exclusive transaction: of several runners opening one new
    /// store at once, one creates it and the others find it made.
    static func createOrMigrate(_ db: Database) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        guard version < schemaVersion else { return }
        if try !db.tableExists("runs") {
            try db.execute(sql: """
                CREATE TABLE runs (
                  id TEXT PRIMARY KEY, script TEXT NOT NULL, script_hash TEXT NOT NULL,
                  params TEXT NOT NULL, seed INTEGER NOT NULL, code_version TEXT NOT NULL,
                  status TEXT NOT NULL, error TEXT, traceback TEXT, seconds REAL NOT NULL,
                  metrics TEXT NOT NULL, finished TEXT NOT NULL);
                CREATE INDEX runs_script ON runs(script);
                CREATE TABLE epochs (
                  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                  epoch INTEGER NOT NULL, metric TEXT NOT NULL, value REAL,
                  PRIMARY KEY (run_id, epoch, metric));
                CREATE TABLE provenance (
                  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                  epoch INTEGER NOT NULL, row INTEGER NOT NULL, old_label INTEGER NOT NULL,
                  new_label INTEGER NOT NULL);
                CREATE INDEX provenance_run ON provenance(run_id, epoch);
                """)
        }
        // Version 2: what a run's key covers, and which runs newer code superseded.
        let columns = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(runs)").map { $0["name"] as String })
        if !columns.contains("identity") {
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN identity TEXT;
                ALTER TABLE runs ADD COLUMN key_inputs TEXT;
                ALTER TABLE runs ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX runs_identity ON runs(identity);
                """)
        }
        // Version 3: runners' claims on the runs they are running.
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS claims (id TEXT PRIMARY KEY, owner TEXT NOT NULL, expires REAL NOT NULL)")
        try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
    }

    /// An existing file must be a sound SQLite database (tables and indexes).
    static func checkIntegrity(_ db: Database, path: String) throws {
        let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        guard problems == ["ok"] else {
            throw ResultsError("\(path): the store is damaged (\(problems.prefix(3).joined(separator: "; ")))")
        }
    }

    /// The tables and columns this code reads must all be there.
    static func checkSchema(_ db: Database, path: String) throws {
        let expected = [
            "runs": ["id", "script", "script_hash", "params", "seed", "code_version", "status", "error", "traceback", "seconds",
                     "metrics", "finished", "identity", "key_inputs", "superseded"],
            "epochs": ["run_id", "epoch", "metric", "value"],
            "provenance": ["run_id", "epoch", "row", "old_label", "new_label"],
            "claims": ["id", "owner", "expires"],
        ]
        for (table, names) in expected.sorted(by: { $0.key < $1.key }) {
            let columns = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String })
            guard !columns.isEmpty else { throw ResultsError("\(path): not a flipside results store (no table '\(table)')") }
            for name in names where !columns.contains(name) {
                throw ResultsError("\(path): not a flipside results store (table '\(table)' has no column '\(name)')")
            }
        }
    }

    /// Status of a stored run, nil when it was never stored.
    public func status(of id: String) throws -> RunRecord.Status? {
        try queue.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM runs WHERE id = ?", arguments: [id]).flatMap(RunRecord.Status.init)
        }
    }

    /// Writes `record` whole, replacing an earlier attempt of the same run;
    /// runs of the same script, parameters and seed under other key inputs are
    /// marked superseded (kept, but left out of reports and exports).
    public func save(_ record: RunRecord) throws {
        let identity = ContentHash.identity(script: record.script, parameters: record.parameters, seed: record.seed)
        do {
            try write(record, identity: identity)
        } catch let error as DatabaseError {
            throw ResultsError("\(path): cannot store the run \(record.id.prefix(12)) of \(record.script): \(error.message ?? error.description)")
        }
    }

    private func write(_ record: RunRecord, identity: String) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [record.id])
            try db.execute(sql: "DELETE FROM epochs WHERE run_id = ?", arguments: [record.id])
            try db.execute(sql: "DELETE FROM provenance WHERE run_id = ?", arguments: [record.id])
            try db.execute(sql: """
                INSERT INTO runs (id, script, script_hash, params, seed, code_version, status, error, traceback,
                                  seconds, metrics, finished, identity, key_inputs, superseded)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                """, arguments: [record.id, record.script, record.scriptHash, RunValue.json(record.parameters), record.seed,
                                 record.codeVersion, record.status.rawValue, record.error, record.traceback, record.seconds,
                                 RunValue.json(record.metrics), ISO8601DateFormatter().string(from: Date()), identity,
                                 record.keyInputs?.json])
            try db.execute(sql: "UPDATE runs SET superseded = 1 WHERE identity = ? AND id != ?", arguments: [identity, record.id])
            let epoch = try db.makeStatement(sql: "INSERT INTO epochs (run_id, epoch, metric, value) VALUES (?, ?, ?, ?)")
            for (n, values) in record.epochs.enumerated() {
                for (metric, value) in values.sorted(by: { $0.key < $1.key }) {
                    try epoch.execute(arguments: [record.id, n + 1, metric, value.isFinite ? value : nil])
                }
            }
            let flip = try db.makeStatement(sql: "INSERT INTO provenance (run_id, epoch, row, old_label, new_label) VALUES (?, ?, ?, ?, ?)")
            for p in record.provenance {
                try flip.execute(arguments: [record.id, p.epoch, p.row, p.oldLabel, p.newLabel])
            }
        }
    }

    /// Stored runs, of one script or all: the current ones unless
    /// `includingSuperseded`, or exactly those with the given ids.
    public func records(script: String? = nil, ids: [String]? = nil, withProvenance: Bool = false,
                        includingSuperseded: Bool = false) throws -> [RunRecord] {
        try queue.read { db in
            var sql = "SELECT * FROM runs"
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let script {
                conditions.append("script = ?")
                arguments += [script]
            }
            if ids == nil && !includingSuperseded { conditions.append("superseded = 0") }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY script, params, seed"
            let wanted = ids.map(Set.init)
            return try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row -> RunRecord? in
                let id: String = row["id"]
                if let wanted, !wanted.contains(id) { return nil }
                var record = RunRecord(
                    id: id, script: row["script"], scriptHash: row["script_hash"],
                    parameters: RunValue.table(fromJSON: row["params"]), seed: row["seed"], codeVersion: row["code_version"],
                    status: RunRecord.Status(rawValue: row["status"]) ?? .failed, error: row["error"], traceback: row["traceback"],
                    seconds: row["seconds"], metrics: RunValue.table(fromJSON: row["metrics"]))
                record.keyInputs = (row["key_inputs"] as String?).flatMap { try? JSONDecoder().decode(KeyInputs.self, from: Data($0.utf8)) }
                record.superseded = (row["superseded"] as Int?) == 1
                record.epochs = try ResultsStore.epochs(db, id)
                if withProvenance { record.provenance = try ResultsStore.provenance(db, id) }
                return record
            }
        }
    }

    private static func epochs(_ db: Database, _ id: String) throws -> [[String: Double]] {
        var out: [[String: Double]] = []
        for row in try Row.fetchAll(db, sql: "SELECT epoch, metric, value FROM epochs WHERE run_id = ? ORDER BY epoch", arguments: [id]) {
            let epoch: Int = row["epoch"]
            while out.count < epoch { out.append([:]) }
            out[epoch - 1][row["metric"]] = (row["value"] as Double?) ?? .nan
        }
        return out
    }

    private static func provenance(_ db: Database, _ id: String) throws -> [ProvenanceRow] {
        try Row.fetchAll(db, sql: "SELECT epoch, row, old_label, new_label FROM provenance WHERE run_id = ? ORDER BY epoch, row",
                         arguments: [id]).map { ProvenanceRow(epoch: $0["epoch"], row: $0["row"], oldLabel: $0["old_label"], newLabel: $0["new_label"]) }
    }

    /// How many runs the store holds, per status.
    public func counts(script: String? = nil) throws -> [RunRecord.Status: Int] {
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM runs" + (script == nil ? "" : " WHERE script = ?") + " GROUP BY status",
                                        arguments: script.map { [$0] } ?? [])
            var out: [RunRecord.Status: Int] = [:]
            for row in rows { if let s = RunRecord.Status(rawValue: row["status"]) { out[s] = row["n"] } }
            return out
        }
    }

    // MARK: claims

    /// Claims run `id` for `owner` for `lease` seconds: true unless it is stored
    /// already (ok, or failed when not `rerunningFailed`) or another
    /// owner's claim on it has not expired. Runners sharing a store claim a run
    /// before running it, so each run is run once; a runner that stops renewing
    /// its claims (killed) loses them when they expire.
    /// `isGone(owner)` may say a claim's owner is known to have stopped (a
    /// process of this machine that no longer exists): its claim is taken at once.
    public func claim(_ id: String, owner: String, lease: Double, rerunningFailed: Bool,
                      isGone: (String) -> Bool = { _ in false }) throws -> Bool {
        let now = Date().timeIntervalSince1970
        return try exclusive { db in
            if let status = try String.fetchOne(db, sql: "SELECT status FROM runs WHERE id = ?", arguments: [id]),
               status == RunRecord.Status.ok.rawValue || !rerunningFailed {
                return false
            }
            if let row = try Row.fetchOne(db, sql: "SELECT owner, expires FROM claims WHERE id = ?", arguments: [id]) {
                let holder: String = row["owner"]
                if holder != owner, row["expires"] as Double > now, !isGone(holder) { return false }
            }
            try db.execute(sql: "INSERT OR REPLACE INTO claims (id, owner, expires) VALUES (?, ?, ?)", arguments: [id, owner, now + lease])
            return true
        }
    }

    /// Extends every claim of `owner` by `lease` seconds from now.
    public func renewClaims(owner: String, lease: Double) throws {
        try exclusive { db in
            try db.execute(sql: "UPDATE claims SET expires = ? WHERE owner = ?", arguments: [Date().timeIntervalSince1970 + lease, owner])
        }
    }

    /// Gives up `owner`'s claim on `id` (after storing the run, or not running it).
    public func releaseClaim(_ id: String, owner: String) throws {
        try exclusive { db in try db.execute(sql: "DELETE FROM claims WHERE id = ? AND owner = ?", arguments: [id, owner]) }
    }

    /// A write in an immediate transaction: what it reads no other process changes before it commits.
    private func exclusive<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw ResultsError("\(path): a claim's transaction returned nothing") }
                return result
            }
        } catch let error as DatabaseError {
            throw ResultsError("\(path): \(error.message ?? error.description)")
        }
    }

    /// Removes the superseded runs (their epochs and flips with them); returns how many.
    public func pruneSuperseded() throws -> Int {
        try queue.write { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM runs WHERE superseded = 1")
            for id in ids {
                try db.execute(sql: "DELETE FROM epochs WHERE run_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM provenance WHERE run_id = ?", arguments: [id])
            }
            try db.execute(sql: "DELETE FROM runs WHERE superseded = 1")
            return ids.count
        }
    }

    /// Copies every run of `other` into this store (the merge step of a cluster batch).
    public func merge(from other: ResultsStore) throws -> Int {
        let incoming = try other.records(withProvenance: true, includingSuperseded: true)
        for record in incoming { try save(record) }
        return incoming.count
    }
}

public struct ResultsError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
