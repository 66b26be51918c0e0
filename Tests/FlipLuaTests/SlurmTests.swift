import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `flipside batch --slurm --submit` against a real one-node Slurm cluster
/// started by the test (Debian's slurm-wlm and munge, as root): an array of
/// 4 tasks each runs its shard, and the merge step gathers every run.
@Suite struct SlurmTests {
    static let available = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/slurmctld")
        && FileManager.default.isExecutableFile(atPath: "/usr/sbin/munged")

    static func shell(_ arguments: [String], environment: [String: String] = [:], in dir: URL? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let dir { process.currentDirectoryURL = dir }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test(.enabled(if: available, "needs root and Debian's slurm-wlm and munge (scripts/setup-debian.sh --tests)"))
    func anArrayOfFourTasksRunsAndMerges() throws {
        let dir = try BatchTests.folder([
            "grid.lua": "return { grid = { x = { 1, 2, 3, 4, 5, 6, 7, 8 } }, seeds = 2, run = function(p) return { value = p.x * p.seed } end }",
        ])
        let cluster = dir.appendingPathComponent("cluster").path
        let helper = LuaScriptTests.root.appendingPathComponent("scripts/cluster/slurm-one-node.sh").path
        let (started, log) = try SlurmTests.shell(["bash", helper, "start", cluster])
        #expect(started == 0, "\(log)")
        defer { _ = try? SlurmTests.shell(["bash", helper, "stop", cluster]) }
        guard started == 0 else { return }
        let env = ["SLURM_CONF": cluster + "/slurm.conf"]
        let (submitted, output) = try SlurmTests.shell(
            [CommandLineTests.executable.path, "batch", "--slurm", "--submit", "--tasks", "4", "--jobs", "1", "--db", "out/r.sqlite", "scripts"],
            environment: env, in: dir)
        #expect(submitted == 0, "\(output)")
        #expect(output.contains("submitted array job"), "\(output)")
        let merged = dir.appendingPathComponent("out/slurm/merge.log").path
        let deadline = Date().addingTimeInterval(180)
        var text = ""
        while Date() < deadline {
            text = String(decoding: FileManager.default.contents(atPath: merged) ?? Data(), as: UTF8.self)
            if text.contains(" failed") { break }
            usleep(250_000)
        }
        #expect(text.contains("16 runs merged"), "\(text)")
        for task in 0..<4 {
            let shard = String(decoding: FileManager.default.contents(atPath: dir.appendingPathComponent("out/slurm/task-\(task).log").path) ?? Data(), as: UTF8.self)
            #expect(shard.contains("4 runs in"), "task \(task): \(shard)")
        }
        let csv = try CommandLineTests.run(["results", "export", "--db", "out/r.sqlite"], in: dir)
        #expect(csv.stdout.split(separator: "\n").dropFirst().filter { $0.contains(",ok,") }.count == 16)
    }
}
