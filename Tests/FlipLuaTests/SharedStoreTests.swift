import FlipResults
import Foundation
import GRDB
import Testing

/// Several runners on one store cooperate: each run is claimed before it
/// runs, so it runs once and is stored once; a runner killed with SIGKILL
/// loses its claims when they expire, and the others (or a restarted one)
/// take its runs over.
@Suite(.serialized) struct SharedStoreTests {
    static let script = """
        return {
          grid = { x = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 } },
          run = function(p)
            local clock = require("flipside").clock
            local t = clock()
            while clock() - t < 0.25 do end
            local f = assert(io.open(os.getenv("COUNT_FILE"), "a"))
            f:write(p.x, "\\n")
            f:close()
            return { y = p.x }
          end,
        }
        """

    static func start(_ dir: URL, batch: Int? = nil) throws -> Process {
        let process = Process()
        process.executableURL = CommandLineTests.executable
        let db = dir.appendingPathComponent("r.sqlite").path
        if let batch {
            process.arguments = ["batch", "--jobs", "2", "--db", db, "--out", dir.appendingPathComponent("out\(batch)").path,
                                 dir.appendingPathComponent("grid.lua").path]
        } else {
            process.arguments = ["run", "--jobs", "2", "--db", db, "--out", dir.appendingPathComponent("out").path,
                                 dir.appendingPathComponent("grid.lua").path]
        }
        var environment = ProcessInfo.processInfo.environment
        environment["COUNT_FILE"] = dir.appendingPathComponent("count").path
        environment["FLIPSIDE_CLAIM_LEASE"] = "2"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func executions(_ dir: URL) -> [String] {
        ((try? String(contentsOf: dir.appendingPathComponent("count"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func stored(_ dir: URL) throws -> [RunRecord] {
        try ResultsStore(path: dir.appendingPathComponent("r.sqlite").path).records(script: "grid")
    }

    @Test func threeRunnersRunEachRunOnce() throws {
        let dir = try ParameterTests.folder()
        _ = try ParameterTests.write(dir, "grid.lua", SharedStoreTests.script)
        let runners = try (0..<3).map { _ in try SharedStoreTests.start(dir) }
        for runner in runners { runner.waitUntilExit() }
        #expect(runners.allSatisfy { $0.terminationStatus == 0 })
        let runs = try SharedStoreTests.stored(dir)
        #expect(runs.count == 12 && runs.allSatisfy { $0.status == .ok })
        let executed = SharedStoreTests.executions(dir)
        #expect(executed.count == 12 && Set(executed).count == 12, "each run executed once: \(executed.sorted())")
    }

    @Test func aKilledRunnersRunsAreTakenOver() throws {
        let dir = try ParameterTests.folder()
        _ = try ParameterTests.write(dir, "grid.lua", SharedStoreTests.script)
        var runners = try (0..<3).map { _ in try SharedStoreTests.start(dir) }
        usleep(600_000)
        kill(runners[0].processIdentifier, SIGKILL)
        runners[0].waitUntilExit()
        runners.append(try SharedStoreTests.start(dir))
        for runner in runners.dropFirst() { runner.waitUntilExit() }
        #expect(runners.dropFirst().allSatisfy { $0.terminationStatus == 0 })
        let runs = try SharedStoreTests.stored(dir)
        #expect(runs.count == 12 && runs.allSatisfy { $0.status == .ok }, "every run stored, once")
        let executed = SharedStoreTests.executions(dir)
        #expect(Set(executed).count == 12, "nothing lost")
        #expect(executed.count <= 14, "at most the killed runner's runs in progress (one per thread) ran again: \(executed.sorted())")
    }

    @Test func twoBatchesOnOneStoreRunEachRunOnce() throws {
        let dir = try ParameterTests.folder()
        _ = try ParameterTests.write(dir, "grid.lua", SharedStoreTests.script)
        let batches = try (1...2).map { try SharedStoreTests.start(dir, batch: $0) }
        for batch in batches { batch.waitUntilExit() }
        #expect(batches.allSatisfy { $0.terminationStatus == 0 })
        let runs = try SharedStoreTests.stored(dir)
        #expect(runs.count == 12 && runs.allSatisfy { $0.status == .ok })
        let executed = SharedStoreTests.executions(dir)
        #expect(executed.count == 12 && Set(executed).count == 12, "each run executed once: \(executed.sorted())")
    }

    /// A store that cannot take a write makes the batch fail with the store's message.
    @Test func aBatchWhoseStoreRefusesWritesFails() throws {
        let dir = try ParameterTests.folder()
        _ = try ParameterTests.write(dir, "grid.lua", "return { grid = { x = { 1, 2 } }, run = function(p) return { y = p.x } end }\n")
        let db = dir.appendingPathComponent("r.sqlite").path
        _ = try ResultsStore(path: db)
        try DatabaseQueue(path: db).write {
            try $0.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'no room left'); END")
        }
        let outcome = try CommandLineTests.run(["batch", "--db", db, "--out", dir.appendingPathComponent("out").path,
                                                dir.appendingPathComponent("grid.lua").path], in: dir)
        #expect(outcome.status != 0)
        #expect(outcome.stdout.contains("not stored") && outcome.stdout.contains("\(db): cannot store the run")
                && outcome.stdout.contains("no room left"), "\(outcome.stdout)")
    }

    /// On a terminal `flipside run` shows a grid's progress as one status line with an ETA, like batch.
    @Test func aGridOnATerminalShowsAStatusLine() throws {
        let dir = try ParameterTests.folder()
        _ = try ParameterTests.write(dir, "grid.lua", "return { grid = { x = { 1, 2, 3 } }, run = function(p) return { y = p.x } end }\n")
        let terminal = try PseudoTerminal()
        let process = try terminal.launch(CommandLineTests.executable,
                                          arguments: ["run", "--db", dir.appendingPathComponent("r.sqlite").path,
                                                      "--out", dir.appendingPathComponent("out").path, dir.appendingPathComponent("grid.lua").path],
                                          environment: ProcessInfo.processInfo.environment)
        #expect(terminal.wait(for: "3 runs: 3 ran", after: terminal.start) != nil, "\(terminal.transcript)")
        #expect(PseudoTerminal.finish(process))
        #expect(terminal.transcript.contains("\r\u{1B}[K3/3 done, 0 failed, 0 left, ETA"), "\(terminal.transcript.debugDescription)")
        #expect(!terminal.transcript.contains("[1/3]"), "no line per run on a terminal")
    }
}
