import Foundation
import Testing

/// A script that raises a value which is not a string still prints a message line.
@Suite struct ErrorObjectTests {
    static func stderr(of source: String) throws -> String {
        let file = try CommandLineTests.script(source)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let outcome = try CommandLineTests.run(["run", file.path])
        #expect(outcome.status == 1)
        return outcome.stderr
    }

    @Test func eachErrorObjectHasAMessageLine() throws {
        let cases: [(String, String)] = [
            ("error({})", "flipside: (error object is a table value)\nstack traceback:"),
            ("error(nil)", "flipside: (error object is a nil value)\nstack traceback:"),
            ("error(true)", "flipside: (error object is a boolean value)\nstack traceback:"),
            ("error(setmetatable({}, { __tostring = function() return 'a custom error' end }))",
             "flipside: a custom error\nstack traceback:"),
            ("error(setmetatable({}, { __tostring = function() error('tostring broke') end }))",
             "flipside: (error object is a table value; its __tostring failed: "),
            ("error(setmetatable({}, { __tostring = function() return {} end }))",
             "flipside: (error object is a table value; its __tostring failed: '__tostring' must return a string)"),
        ]
        for (source, expected) in cases {
            let stderr = try ErrorObjectTests.stderr(of: source + "\n")
            #expect(stderr.hasPrefix(expected), "\(source): \(stderr)")
        }
    }

    @Test func aBatchRecordsTheMessage() throws {
        let dir = try BatchTests.folder(["tables.lua": "return { run = function(p) error({ code = 3 }) end }"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try CommandLineTests.run(["batch", "--db", "out/r.sqlite", "scripts"], in: dir)
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("- tables seed=1: (error object is a table value)"), "\(outcome.stdout)")
    }
}
