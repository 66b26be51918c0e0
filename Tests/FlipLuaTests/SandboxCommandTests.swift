import Foundation
import Testing

/// `flipside run --sandbox` and `--out` end to end.
@Suite struct SandboxCommandTests {
    @Test func sandboxedRunWritesItsOutputFolderAndNothingElse() throws {
        let file = try CommandLineTests.script("""
            local fs = require "flipside"
            local f = assert(io.open(fs.out .. "/result.txt", "w")); f:write(fs.tensor.ones(3):sum()); f:close()
            print(os.execute, io.popen, debug, package.loadlib)
            print(pcall(io.open, fs.out .. "/../escape.txt", "w"))
            os.execute("touch escaped")
            """)
        let dir = file.deletingLastPathComponent()
        let outcome = try CommandLineTests.run(["run", "--sandbox", file.path], in: dir)
        #expect(outcome.status == 1)
        #expect(outcome.stdout.hasPrefix("nil\tnil\tnil\tnil\nfalse\tio.open: sandbox: "), "\(outcome.stdout)")
        #expect(outcome.stderr.contains("attempt to call a nil value (field 'execute')"))
        let result = dir.appendingPathComponent("out/script/result.txt")
        #expect(try String(contentsOf: result, encoding: .utf8) == "3")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/escape.txt").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("escaped").path))
    }

    @Test func outNamesTheOutputFolder() throws {
        let file = try CommandLineTests.script("print(require('flipside').out)\n")
        let out = file.deletingLastPathComponent().appendingPathComponent("results/run1").path
        let outcome = try CommandLineTests.run(["run", "--out", out, file.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == out + "\n")
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: out, isDirectory: &isFolder) && isFolder.boolValue)
    }
}
