import Foundation
@testable import FlipResults
import Testing

@Suite struct ResultsStoreTests {
    static func temporaryPath(_ name: String = "results.sqlite") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    static func record(seed: Int, k: Double = 0.1, status: RunRecord.Status = .ok) -> RunRecord {
        let parameters: [String: RunValue] = ["k": .number(k), "attack": .text("untargeted, \"paper\""), "quick": .boolean(true)]
        return RunRecord(
            id: ContentHash.runKey(scriptHash: "abc", parameters: parameters, seed: seed), script: "fig5", scriptHash: "abc",
            parameters: parameters, seed: seed, codeVersion: "flipside test", status: status,
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

    @Test func runKeysDependOnScriptParametersAndSeed() {
        let p: [String: RunValue] = ["b": .number(0.5), "a": .integer(2)]
        let key = ContentHash.runKey(scriptHash: "s", parameters: p, seed: 1)
        #expect(key.count == 32)
        #expect(key == ContentHash.runKey(scriptHash: "s", parameters: ["a": .integer(2), "b": .number(0.5)], seed: 1))
        #expect(key != ContentHash.runKey(scriptHash: "s", parameters: p, seed: 2))
        #expect(key != ContentHash.runKey(scriptHash: "t", parameters: p, seed: 1))
        #expect(key != ContentHash.runKey(scriptHash: "s", parameters: ["b": .number(0.25), "a": .integer(2)], seed: 1))
    }

    @Test func exportsEveryTableAsCSV() throws {
        let store = try ResultsStore(path: try ResultsStoreTests.temporaryPath())
        try store.save(ResultsStoreTests.record(seed: 3))
        let runs = try CSVExport.export(store, table: .runs).split(separator: "\n")
        #expect(runs[0] == "run_id,script,seed,param.attack,param.k,param.quick,status,seconds,code_version,error,accuracy,status")
        #expect(runs[1].contains(",fig5,3,\"untargeted, \"\"paper\"\"\",0.1,true,ok,1.5,flipside test,,0.9,ok"))
        let epochs = try CSVExport.export(store, table: .epochs).split(separator: "\n")
        #expect(epochs.count == 3)
        #expect(epochs[0].hasSuffix("epoch,accuracy,loss"))
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
}
