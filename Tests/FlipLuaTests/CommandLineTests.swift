import Foundation
import Testing

/// `flipside run` end to end, through the built executable.
@Suite struct CommandLineTests {
    static var executable: URL {
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("flipside")
        if FileManager.default.isExecutableFile(atPath: sibling.path) { return sibling }
        return LuaScriptTests.root.appendingPathComponent(".build/debug/flipside")
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the executable to its end, or kills it after `timeout` seconds (a
    /// hang is then a failed expectation on its status, not a stuck suite).
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                    removing: [String] = [], timeout: Double? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty || !removing.isEmpty {
            var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            for name in removing { merged[name] = nil }
            process.environment = merged
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let timeout {
            let running = RunningProcess(process)
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if running.process.isRunning { kill(running.process.processIdentifier, SIGKILL) }
            }
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A child handed to the timer that may kill it.
    final class RunningProcess: @unchecked Sendable {
        let process: Process
        init(_ process: Process) { self.process = process }
    }

    static func script(_ source: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("script.lua")
        try source.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func executableIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: CommandLineTests.executable.path))
    }

    @Test func scriptErrorsPrintFileLineAndTracebackAndFail() throws {
        let file = try CommandLineTests.script("local x = 1\nlocal function f() error('boom') end\nf()\n")
        let outcome = try CommandLineTests.run(["run", file.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("script.lua:2: boom"))
        #expect(outcome.stderr.contains("stack traceback"))
        #expect(outcome.stderr.contains("script.lua:3: in main chunk"))
    }

    @Test func syntaxErrorsAreReported() throws {
        let file = try CommandLineTests.script("local = 3\n")
        let outcome = try CommandLineTests.run(["run", file.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("script.lua:1:"))
    }

    @Test func argumentsParametersAndSeedReachTheScript() throws {
        let file = try CommandLineTests.script("""
            local fs = require "flipside"
            print(arg[0] == ..., arg[1], arg[2], select('#', ...), fs.params.k, math.type(fs.params.n), fs.params.name, fs.seed)
            print(require("flipside.protocol") ~= nil)
            """)
        // From another working directory, so the stdlib is found wherever the user stands.
        let outcome = try CommandLineTests.run(
            ["run", "--set", "k=0.25", "--set", "n=3", "--set", "name=abc", "--seed", "9", file.path, "one", "two"],
            in: FileManager.default.temporaryDirectory)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "false\tone\ttwo\t2\t0.25\tinteger\tabc\t9\ntrue\n")
    }

    @Test func timeLimitStopsEndlessScripts() throws {
        let file = try CommandLineTests.script("while true do pcall(function() while true do end end) end\n")
        let outcome = try CommandLineTests.run(["run", "--time-limit", "0.3", file.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("time limit"))
    }

    @Test func badOptionsAreRefused() throws {
        let outcome = try CommandLineTests.run(["run", "--set", "novalue", "x.lua"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("--set expects name=value"))
    }
}
