import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `flipside batch` on folders of scripts: failures of every kind are
/// recorded and the rest completes; a runner killed with SIGKILL resumes
/// with exactly one result per run.
@Suite(.serialized) struct BatchTests {
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        for (name, source) in files {
            try source.write(to: dir.appendingPathComponent("scripts/\(name)"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    /// Rows of the runs table as CSV lines (header dropped).
    static func storedRuns(_ dir: URL) throws -> [String] {
        let csv = try CommandLineTests.run(["results", "export", "--db", "out/r.sqlite"], in: dir)
        return csv.stdout.split(separator: "\n").dropFirst().map(String.init)
    }

    @Test func failingScriptsAreRecordedAndTheOthersComplete() throws {
        let dir = try BatchTests.folder([
            "good.lua": "return { grid = { x = { 1, 2, 3 } }, run = function(p) return { value = p.x } end }",
            "errors.lua": "return { run = function(p) error('no luck here') end }",
            "loops.lua": "return { run = function(p) while true do end end }",
            "crashes.lua": "local pid = io.open('/proc/self/stat'):read('n')\nos.execute('kill -9 ' .. pid)\nreturn {}",
            "plain.lua": "print('a plain script')",
            "blows_up.lua": "return { run = function(p) local t = {} for i = 1, 1e9 do t[i] = require('flipside').tensor.ones({1000, 1000}) end end }",
        ])
        let result = try CommandLineTests.run(["batch", "--timeout", "3", "--memory", "600", "--db", "out/r.sqlite", "--jobs", "2", "scripts"], in: dir)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let out = result.stdout
        #expect(out.contains("errors seed=1: ") && out.contains("no luck here"), "\(out)")
        #expect(out.contains("loops seed=1: time limit of 3.0 s exceeded"), "\(out)")
        #expect(out.contains("crashes seed=1: the script could not be loaded: crashed: signal 9"), "\(out)")
        // --memory 600 gives 7/8 of what is not mapped yet to tensors and Lua: a tensor too many is refused by the budget
        #expect(out.contains("blows_up seed=1: ") && out.contains("MB this process may use"), "\(out)")
        let runs = try BatchTests.storedRuns(dir)
        #expect(runs.filter { $0.contains(",good,") && $0.contains(",ok,") }.count == 3)
        #expect(runs.filter { $0.contains(",plain,") && $0.contains(",ok,") }.count == 1)
        #expect(runs.filter { $0.contains(",failed,") }.count == 4, "\(runs)")
        let again = try CommandLineTests.run(["batch", "--timeout", "3", "--db", "out/r.sqlite", "scripts"], in: dir)
        #expect(again.stdout.contains("0 runs to do"), "\(again.stdout)")
        #expect(try BatchTests.storedRuns(dir).count == runs.count)
    }

    @Test func aSandboxedBatchRefusesEscapesAndKeepsWritesInTheScriptsFolder() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-escape-\(UUID().uuidString)").path
        let dir = try BatchTests.folder([
            "good.lua": """
                local plot = require "flipside.plot"
                return { grid = { x = { 1, 2 } }, run = function(p) return { value = p.x } end,
                  report = function(results, ctx)
                    plot.figure { file = ctx.out .. "/fig", series = { { name = "v", x = { 1, 2 }, y = { 3, 4 } } } }
                  end }
                """,
            "escapes.lua": "return { run = function(p) assert(io.open('\(outside)', 'w')) end }",
            "spawns.lua": "os.execute('true')",
        ])
        let result = try CommandLineTests.run(["batch", "--sandbox", "--db", "out/r.sqlite", "--jobs", "2", "scripts"], in: dir)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("escapes seed=1: ") && result.stdout.contains("sandbox:"), "\(result.stdout)")
        #expect(result.stdout.contains("spawns seed=1: "), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: outside))
        let runs = try BatchTests.storedRuns(dir)
        #expect(runs.filter { $0.contains(",good,") && $0.contains(",ok,") }.count == 2, "\(runs)")
        let figure = dir.appendingPathComponent("out/good/fig").path
        #expect(FileManager.default.fileExists(atPath: figure + ".gp") && FileManager.default.fileExists(atPath: figure + ".dat"),
                "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: figure + ".png"), "no process, so no gnuplot")
    }

    @Test func aRunnerKilledMidBatchResumesWithOneResultPerRun() throws {
        let slow = """
            local flipside = require "flipside"
            return { grid = { x = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 } },
              run = function(p) local t0 = flipside.clock() while flipside.clock() - t0 < 0.3 do end return { value = p.x } end }
            """
        let dir = try BatchTests.folder(["slow.lua": slow])
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["batch", "--jobs", "2", "--db", "out/r.sqlite", "scripts"]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try? BatchTests.storedRuns(dir).count) ?? 0 < 3 { usleep(50_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let partial = try BatchTests.storedRuns(dir).count
        #expect(partial >= 3 && partial < 12, "stored \(partial) before the kill")
        let resumed = try CommandLineTests.run(["batch", "--jobs", "2", "--db", "out/r.sqlite", "scripts"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stdout)")
        let runs = try BatchTests.storedRuns(dir)
        #expect(runs.count == 12)
        #expect(runs.allSatisfy { $0.contains(",ok,") })
        #expect(Set(runs.map { $0.prefix(32) }).count == 12, "one result per run")
    }
}
