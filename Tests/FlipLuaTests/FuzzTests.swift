import Foundation
import Testing

/// Calls every engine function and method with random arguments from a seeded
/// generator (Tests/fuzz/driver.lua), in a child process with a 1.5 GB
/// address-space limit so that an allocation too large fails instead of
/// swapping. A crash is a signal exit, reported with the seed and the last
/// call logged; every failure must be a Lua error carrying a string.
/// FLIPSIDE_FUZZ_SEED and FLIPSIDE_FUZZ_CALLS change the run.
@Suite struct FuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seed = Int(environment["FLIPSIDE_FUZZ_SEED"] ?? "") ?? 1
    static let calls = Int(environment["FLIPSIDE_FUZZ_CALLS"] ?? "") ?? 100_000
    static let wallLimit: TimeInterval = 600

    struct Summary {
        var values: [String: Int] = [:]
        init?(_ line: Substring) {
            let words = line.split(separator: " ")
            guard words.first == "calls" else { return nil }
            for i in stride(from: 0, to: words.count - 1, by: 2) { values[String(words[i])] = Int(words[i + 1]) }
        }
    }

    @Test func everyCallFailsCleanlyOrSucceeds() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("calls.log").path
        let driver = LuaScriptTests.root.appendingPathComponent("Tests/fuzz/driver.lua").path

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"ulimit -v 1500000 && exec "$0" "$@""#,
                             CommandLineTests.executable.path, "run", driver, "\(FuzzTests.seed)", "\(FuzzTests.calls)", log]
        let output = folder.appendingPathComponent("stdout"), errors = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let deadline = Date().addingTimeInterval(FuzzTests.wallLimit)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        let hung = process.isRunning
        if hung { process.interrupt(); kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()

        let stdout = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        let lastCall = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
            .split(separator: "\n").last { !$0.contains(" kind ") }.map(String.init) ?? "(no call logged)"
        let context = "seed \(FuzzTests.seed), last call: \(lastCall)"
        guard !hung else {
            Issue.record("the fuzz run did not finish in \(Int(FuzzTests.wallLimit)) s; \(context)")
            return
        }
        guard process.terminationReason == .exit else {
            Issue.record("crash: signal \(process.terminationStatus); \(context)\n\(stderr.prefix(2000))")
            return
        }
        #expect(process.terminationStatus == 0, "\(context)\n\(stderr.prefix(2000))")
        guard let summary = stdout.split(separator: "\n").compactMap(Summary.init).last else {
            Issue.record("no summary: \(stdout.suffix(500))")
            return
        }
        let count = summary.values["calls"] ?? 0
        #expect(count >= FuzzTests.calls)
        #expect(summary.values["non-string"] == 0, "\(stdout.prefix(2000))")
        let targets = summary.values["targets"] ?? 0
        #expect(targets > 100, "the driver found the engine's functions")
        #expect((summary.values["succeeded"] ?? 0) >= targets - 5, "most targets get past their checks: \(stdout.prefix(1000))")
        print("fuzz: \(count) calls, 0 crashes, \(summary.values["errors"] ?? 0) Lua errors, \(summary.values["ok"] ?? 0) returned, seed \(FuzzTests.seed)")
    }
}
