import FlipLua
import FlipRunner
import Foundation
import Testing

/// No output folder derived from a script's file name escapes --out.
@Suite struct OutputFolderNameTests {
    /// Every path under `dir`, relative, sorted; the logs and the stores left out.
    static func files(under dir: URL) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: dir.path)) ?? [])
            .filter { !$0.hasPrefix("out/logs") && !$0.hasPrefix("out/r.sqlite") && !$0.hasPrefix("out/results.sqlite") }.sorted()
    }

    static let writer = "local f = assert(io.open(require('flipside').out .. '/mark.txt', 'w')); f:write('x'); f:close()\n"

    @Test func namesAreOnePathComponentAndUnique() {
        #expect(OutputFolderName.of("a/...lua") == "__")
        #expect(OutputFolderName.of("..lua") == "_")
        #expect(OutputFolderName.of(".lua") == "script")
        #expect(OutputFolderName.of(".hidden.lua") == "_hidden")
        #expect(OutputFolderName.of("a/b c\u{e9}.lua") == "b_c_")
        #expect(OutputFolderName.unique(["a/x.lua", "b/x.lua", "X.lua", "logs.lua"], reserved: ["logs"])
                == ["x", "x-2", "X-3", "logs-2"])
    }

    @Test func runKeepsDotNamedScriptsInsideOut() throws {
        for (name, folder) in [("...lua", "__"), ("..lua", "_"), (".lua", "script")] {
            let dir = try BatchTests.folder([name: OutputFolderNameTests.writer])
            defer { try? FileManager.default.removeItem(at: dir) }
            let outcome = try CommandLineTests.run(["run", "--sandbox", "scripts/\(name)"], in: dir)
            #expect(outcome.status == 0, "\(name): \(outcome.stderr)")
            #expect(OutputFolderNameTests.files(under: dir) == ["out", "out/\(folder)", "out/\(folder)/mark.txt", "scripts", "scripts/\(name)"],
                    "\(name)")
        }
    }

    @Test func batchGivesEachDotNamedScriptItsOwnFolder() throws {
        let dir = try BatchTests.folder(["...lua": OutputFolderNameTests.writer, "..lua": OutputFolderNameTests.writer,
                                         ".lua": OutputFolderNameTests.writer])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try CommandLineTests.run(["batch", "--sandbox", "--db", "out/r.sqlite", "scripts/...lua", "scripts/..lua",
                                                "scripts/.lua"], in: dir)
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(OutputFolderNameTests.files(under: dir).filter { $0.hasSuffix("mark.txt") }
                == ["out/_/mark.txt", "out/__/mark.txt", "out/script/mark.txt"])
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("mark.txt").path))
        // The store is whole: a second batch reads it.
        let again = try CommandLineTests.run(["batch", "--sandbox", "--db", "out/r.sqlite", "scripts/..lua"], in: dir)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    }

    @Test func batchOfAFolderSkipsHiddenFiles() throws {
        let dir = try BatchTests.folder(["...lua": OutputFolderNameTests.writer, ".hidden.lua": OutputFolderNameTests.writer,
                                         "seen.lua": "print('seen')"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try CommandLineTests.run(["batch", "--sandbox", "--db", "out/r.sqlite", "scripts"], in: dir)
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains("loading 1 of 1 scripts"), "\(outcome.stdout)")
        #expect(!OutputFolderNameTests.files(under: dir).contains { $0.hasSuffix("mark.txt") })
    }
}
