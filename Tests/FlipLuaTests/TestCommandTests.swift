import Foundation
import Testing

/// `flipside test` end to end: one line per file, the closing count, the exit status.
@Suite struct TestCommandTests {
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-test-cmd-\(UUID().uuidString)")
        for (name, source) in files {
            let file = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try source.write(to: file, atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func reportsEachFileAndTheCount() throws {
        let dir = try TestCommandTests.folder([
            "test_good.lua": "local check = require 'flipside.check'\ncheck.eq(require('helper').two, 2)\n",
            "helper.lua": "return { two = 2 }\n",
            "nested/test_bad.lua": "local check = require 'flipside.check'\n\ncheck.eq(1, 2, 'one')\n",
            "not_a_test.lua": "error('never run')\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try CommandLineTests.run(["test"], in: dir)
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("FAIL  nested/test_bad.lua") == true, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("nested/test_bad.lua:3: one: expected 2, got 1"))
        #expect(outcome.stdout.contains("stack traceback"))
        #expect(lines.contains { $0.hasPrefix("ok    test_good.lua") })
        #expect(lines.last == "1 passed, 1 failed")
        #expect(!outcome.stdout.contains("never run"))
    }

    @Test func theProjectsLuaTestsPass() throws {
        let outcome = try CommandLineTests.run(["test", "--set", "answer=42", "--seed", "7"], in: LuaScriptTests.root)
        #expect(outcome.status == 0, "\(outcome.stdout)")
        let last = outcome.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last == "\(LuaScriptTests.luaTests.count) passed, 0 failed")
    }

    @Test func sandboxedTestsWriteOnlyIntoTheirFolder() throws {
        let dir = try TestCommandTests.folder([
            "test_inside.lua": "local f = assert(io.open(TEST_TMP .. '/x.txt', 'w')); f:write('x'); f:close()\n",
            "test_outside.lua": "io.open(TEST_TMP .. '/../flipside-escape.txt', 'w')\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try CommandLineTests.run(["test", "--sandbox", dir.path])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("ok    \(dir.path)/test_inside.lua"))
        #expect(outcome.stdout.contains("is outside the output folder"))
        #expect(outcome.stdout.hasSuffix("1 passed, 1 failed\n"))
    }

    @Test func aMissingPathIsAnError() throws {
        let outcome = try CommandLineTests.run(["test", "/nonexistent/flipside-tests"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("no such file or folder"))
    }
}
