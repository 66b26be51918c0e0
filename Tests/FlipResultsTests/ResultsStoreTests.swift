import Foundation
@testable import FlipResults
import GRDB
import Testing

@Suite struct ResultsStoreTests {
    static func temporaryPath(_ name: String = "results.sqlite") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    static func inputs(_ run: String = "abc") -> KeyInputs {
        KeyInputs(code: ["run": run, "module flipside.paper": "def"], engine: "flipside test", settings: ["blas": "x"])
    }

    static func record(seed: Int, k: Double = 0.1, status: RunRecord.Status = .ok, run: String = "abc") -> RunRecord {
        let parameters: [String: RunValue] = ["k": .number(k), "attack": .text("untargeted, \"paper\""), "quick": .boolean(true)]
        return RunRecord(
            id: ContentHash.runKey(inputs: inputs(run), parameters: parameters, seed: seed), script: "fig5", scriptHash: "abc",
            keyInputs: inputs(run), parameters: parameters, seed: seed, codeVersion: "flipside test", status: status,
            error: status == .failed ? "boom" : nil, seconds: 1.5,
            metrics: ["accuracy": .number(0.9), "status": .text("ok")],
            epochs: [["loss": 0.5, "accuracy": 0.8], ["loss": 0.4, "accuracy": 0.85]],
            provenance: [ProvenanceRow(epoch: 1, row: 7, oldLabel: 0, newLabel: 1)])
    }

    @Test func runsRoundTripAndAreReplacedNotDuplicated() throws {
        let store = try ResultsStore(path: try ResultsStoreTests.temporaryPath())
        let first = ResultsStoreTests.record(seed: 1, status: .failed)
        try store.save(first)
        #expect(try store.status(of: first.id) == .failed)
        var second = ResultsStoreTests.record(seed: 1)
        second.seconds = 2
        try store.save(second)
        try store.save(ResultsStoreTests.record(seed: 2))
        let all = try store.records(withProvenance: true)
        #expect(all.count == 2)
        #expect(all.first { $0.id == second.id } == second)
        #expect(try store.counts() == [.ok: 2])
        #expect(try store.status(of: "missing") == nil)
    }

    /// Run time adds the current runs' seconds; the span runs from the earliest start
    /// (finished − seconds) to the last finish; superseded runs count in neither.
    @Test func timingsAddTheCurrentRunsSecondsPerScript() throws {
        let store = try ResultsStore(path: try ResultsStoreTests.temporaryPath())
        try store.save(ResultsStoreTests.record(seed: 1, status: .failed))
        try store.save(ResultsStoreTests.record(seed: 1, run: "changed"))
        try store.save(ResultsStoreTests.record(seed: 2))
        var other = ResultsStoreTests.record(seed: 3)
        other.script = "fig6"
        other.seconds = 40
        try store.save(other)
        let timings = try store.timings()
        #expect(timings.map(\.script) == ["fig5", "fig6"])
        #expect(timings[0].ok == 2 && timings[0].failed == 0 && timings[0].runSeconds == 3)
        #expect(timings[1].runSeconds == 40 && timings[1].spanSeconds >= 40 && timings[1].spanSeconds < 45)
        #expect(timings[0].spanSeconds >= 1.5 && timings[0].spanSeconds < 5)
    }

    @Test func runKeysDependOnCodeParametersSeedAndSettings() {
        let p: [String: RunValue] = ["b": .number(0.5), "a": .integer(2)]
        let i = ResultsStoreTests.inputs()
        let key = ContentHash.runKey(inputs: i, parameters: p, seed: 1)
        #expect(key.count == 64, "SHA-256")
        #expect(key == ContentHash.runKey(inputs: i, parameters: ["a": .integer(2), "b": .number(0.5)], seed: 1))
        #expect(key != ContentHash.runKey(inputs: i, parameters: p, seed: 2))
        #expect(key != ContentHash.runKey(inputs: ResultsStoreTests.inputs("abd"), parameters: p, seed: 1))
        #expect(key != ContentHash.runKey(inputs: i, parameters: ["b": .number(0.25), "a": .integer(2)], seed: 1))
        var module = i
        module.code["module flipside.paper"] = "deg"
        var setting = i
        setting.settings["blas"] = "y"
        var engine = i
        engine.engine = "flipside other"
        for changed in [module, setting, engine] { #expect(ContentHash.runKey(inputs: changed, parameters: p, seed: 1) != key) }
        #expect(ContentHash.of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256 of 'abc'")
    }

    @Test func newCodeSupersedesAndPruneRemoves() throws {
        let store = try ResultsStore(path: try ResultsStoreTests.temporaryPath())
        let old = ResultsStoreTests.record(seed: 1)
        try store.save(old)
        try store.save(ResultsStoreTests.record(seed: 2))
        let new = ResultsStoreTests.record(seed: 1, run: "changed")
        try store.save(new)
        #expect(Set(try store.records().map(\.id)) == [new.id, ResultsStoreTests.record(seed: 2).id], "current runs only")
        let all = try store.records(includingSuperseded: true)
        #expect(all.count == 3 && all.first { $0.id == old.id }?.superseded == true)
        #expect(try store.records(ids: [old.id]).count == 1, "asked for by id, a superseded run is still there")
        let csv = try CSVExport.export(store, table: .runs, includingSuperseded: true).split(separator: "\n")
        #expect(csv[0].contains(",superseded,"))
        #expect(csv.count == 4)
        #expect(try store.pruneSuperseded() == 1)
        #expect(try store.records(includingSuperseded: true).count == 2)
    }

    @Test func exportsEveryTableAsCSV() throws {
        let store = try ResultsStore(path: try ResultsStoreTests.temporaryPath())
        try store.save(ResultsStoreTests.record(seed: 3))
        let runs = try CSVExport.export(store, table: .runs).split(separator: "\n")
        let header = runs[0].split(separator: ",").map(String.init)
        #expect(header == ["run_id", "script", "seed", "code_version", "key_digest", "key_inputs", "param.attack", "param.k",
                           "param.quick", "status", "seconds", "error", "metric.accuracy", "metric.status"])
        #expect(Set(header).count == header.count, "no column name repeats (a metric called status is metric.status)")
        #expect(runs[1].contains(",fig5,3,flipside test,\(ResultsStoreTests.inputs().digest),"))
        #expect(runs[1].hasSuffix(",\"untargeted, \"\"paper\"\"\",0.1,true,ok,1.5,,0.9,ok"))
        let epochs = try CSVExport.export(store, table: .epochs).split(separator: "\n")
        #expect(epochs.count == 3)
        #expect(epochs[0].hasSuffix("epoch,metric.accuracy,metric.loss"))
        #expect(epochs[2].hasSuffix(",2,0.85,0.4"))
        let flips = try CSVExport.export(store, table: .provenance).split(separator: "\n")
        #expect(flips[1].hasSuffix(",1,7,0,1"))
    }

    @Test func mergeGathersStores() throws {
        let a = try ResultsStore(path: try ResultsStoreTests.temporaryPath())
        let b = try ResultsStore(path: try ResultsStoreTests.temporaryPath())
        try a.save(ResultsStoreTests.record(seed: 1))
        try b.save(ResultsStoreTests.record(seed: 1))
        try b.save(ResultsStoreTests.record(seed: 2))
        #expect(try a.merge(from: b) == 2)
        #expect(try a.records().count == 2)
    }

    @Test func aFileThatIsNotAStoreIsAnErrorNamingIt() throws {
        let path = try ResultsStoreTests.temporaryPath("garbage.sqlite")
        try Data("this is not sqlite, just text that is long enough to look like a header.....".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ResultsStore(path: path)
            Issue.record("opened a text file as a store")
        } catch let error as ResultsError {
            #expect(error.description.contains("garbage.sqlite: not a flipside results store"))
        }
    }

    /// A store's damage is refused naming the file: bytes overwritten, a table
    /// without a column this code reads.
    @Test func damagedStoresAreRefusedNamingTheFile() throws {
        let path = try ResultsStoreTests.temporaryPath("damaged.sqlite")
        let store = try ResultsStore(path: path)
        for seed in 1...40 { try store.save(ResultsStoreTests.record(seed: seed)) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for i in stride(from: 4096 + 100, to: min(bytes.count, 4096 * 3), by: 7) { bytes[i] = 0xA5 }
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: ResultsError.self) { try ResultsStore(path: path) }
        do { _ = try ResultsStore(path: path) } catch let error as ResultsError {
            #expect(error.description.hasPrefix(path + ": "), "\(error)")
        }
        let other = try ResultsStoreTests.temporaryPath("old.sqlite")
        _ = try ResultsStore(path: other)
        let q = try DatabaseQueue(path: other)
        try q.write { try $0.execute(sql: "ALTER TABLE epochs DROP COLUMN value") }
        do {
            _ = try ResultsStore(path: other)
            Issue.record("opened a store without epochs.value")
        } catch let error as ResultsError {
            #expect(error.description == "\(other): not a flipside results store (table 'epochs' has no column 'value')")
        }
    }

    /// A store that refuses a write says so, naming itself.
    @Test func aRefusedWriteNamesTheStore() throws {
        let path = try ResultsStoreTests.temporaryPath()
        let store = try ResultsStore(path: path)
        try DatabaseQueue(path: path).write {
            try $0.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'no room'); END")
        }
        do {
            try store.save(ResultsStoreTests.record(seed: 1))
            Issue.record("the write went through")
        } catch let error as ResultsError {
            #expect(error.description.hasPrefix("\(path): cannot store the run") && error.description.contains("no room"))
        }
    }

    /// Several processes opening one new store at once: each finds it made, none fails.
    @Test func storesOpenedAtOnceAreCreatedOnce() throws {
        for _ in 0..<5 {
            let path = try ResultsStoreTests.temporaryPath()
            let group = DispatchGroup()
            let failures = Failures()
            for _ in 0..<4 {
                DispatchQueue.global().async(group: group) {
                    do { _ = try ResultsStore(path: path) } catch { failures.add("\(error)") }
                }
            }
            group.wait()
            #expect(failures.all.isEmpty, "\(failures.all)")
        }
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ text: String) { lock.lock(); list.append(text); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
