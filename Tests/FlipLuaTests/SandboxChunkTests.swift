import Foundation
import LuaHost
import Testing

/// A precompiled chunk as the script itself is refused under --sandbox in every
/// entry (run, test, batch), and a corrupt one never reaches the interpreter.
@Suite struct SandboxChunkTests {
    /// A chunk that prints `marker` when it runs, as `string.dump` writes it.
    static func binaryChunk(printing marker: String) throws -> [UInt8] {
        let vm = try LuaVM()
        try vm.run("return string.dump(function() print('\(marker)') end)", results: 1)
        return try #require(vm.bytes(at: -1))
    }

    /// The same chunk with its body overwritten: bytecode that would crash liblua.
    static func corruptChunk() throws -> [UInt8] {
        var bytes = try binaryChunk(printing: "corrupt chunk ran")
        for i in 20..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i * 37) }
        return bytes
    }

    static func folder(_ files: [String: [UInt8]]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-chunk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        for (name, bytes) in files {
            try Data(bytes).write(to: dir.appendingPathComponent("scripts/\(name)"))
        }
        return dir
    }

    @Test func runRefusesABinaryScript() throws {
        for bytes in [try SandboxChunkTests.binaryChunk(printing: "binary chunk ran"), try SandboxChunkTests.corruptChunk()] {
            let dir = try SandboxChunkTests.folder(["script.lua": bytes])
            defer { try? FileManager.default.removeItem(at: dir) }
            let outcome = try CommandLineTests.run(["run", "--sandbox", "scripts/script.lua"], in: dir)
            #expect(outcome.status == 1, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("sandbox:") && outcome.stderr.contains("binary chunk"), "\(outcome.stderr)")
            #expect(!outcome.stdout.contains("ran"))
        }
    }

    @Test func unsandboxedRunStillRunsItsOwnBinaryChunk() throws {
        let dir = try SandboxChunkTests.folder(["script.lua": try SandboxChunkTests.binaryChunk(printing: "binary chunk ran")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try CommandLineTests.run(["run", "scripts/script.lua"], in: dir)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "binary chunk ran\n")
    }

    @Test func testRefusesABinaryTestFile() throws {
        let dir = try SandboxChunkTests.folder([
            "test_binary.lua": try SandboxChunkTests.binaryChunk(printing: "binary chunk ran"),
            "test_corrupt.lua": try SandboxChunkTests.corruptChunk(),
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try CommandLineTests.run(["test", "--sandbox", "scripts"], in: dir)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stdout.components(separatedBy: "binary chunk").count == 3, "\(outcome.stdout)")
        #expect(outcome.stdout.hasSuffix("0 passed, 2 failed\n"), "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("ran"))
    }

    @Test func batchRefusesBinaryScripts() throws {
        let dir = try SandboxChunkTests.folder([
            "binary.lua": try SandboxChunkTests.binaryChunk(printing: "binary chunk ran"),
            "corrupt.lua": try SandboxChunkTests.corruptChunk(),
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try CommandLineTests.run(["batch", "--sandbox", "--db", "out/r.sqlite", "--jobs", "2", "scripts"], in: dir)
        #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains("- binary seed=1: sandbox:"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("- corrupt seed=1: sandbox:"), "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("crashed"), "\(outcome.stdout)")
        let logs = try FileManager.default.subpathsOfDirectory(atPath: dir.appendingPathComponent("out/logs").path)
            .filter { $0.hasSuffix(".log") }
        for log in logs {
            let text = try String(contentsOfFile: dir.appendingPathComponent("out/logs/\(log)").path, encoding: .utf8)
            #expect(!text.contains("ran"), "\(log): \(text)")
        }
    }
}
