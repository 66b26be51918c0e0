import FlipLua
import Foundation
import Testing

/// No `--set` is silently ignored: values are Lua literals, a name the script
/// never reads (or does not declare) is an error naming it, a grid axis
/// cannot be overridden, and a script's own folder is on package.path.
@Suite struct ParameterTests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-params-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func valuesAreLuaLiterals() {
        #expect(RunParameters.value("true") == .boolean(true))
        #expect(RunParameters.value("3") == .integer(3))
        #expect(RunParameters.value("0x10") == .integer(16))
        #expect(RunParameters.value("1e-3") == .number(0.001))
        #expect(RunParameters.value("\"3\"") == .text("3"))
        #expect(RunParameters.value("'a b'") == .text("a b"))
        #expect(RunParameters.value("inf") == .text("inf"))
        #expect(RunParameters.value("fashion-mnist") == .text("fashion-mnist"))
        #expect(throws: ParameterError.self) { try RunParameters.check([("raw", "False")]) }
        #expect(throws: ParameterError.self) { try RunParameters.check([("raw", "TRUE")]) }
    }

    @Test func aPlainScriptThatNeverReadsAParameterFails() throws {
        let dir = try ParameterTests.folder()
        let script = try ParameterTests.write(dir, "plain.lua", "local P = require('flipside').params\nprint(P.epochs or 1)\n")
        let bad = try CommandLineTests.run(["run", "--set", "epcohs=3", script], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--set epcohs: the script never reads a parameter 'epcohs' (did you mean 'epochs'?)"), "\(bad.stderr)")
        let good = try CommandLineTests.run(["run", "--set", "epochs=3", script], in: dir)
        #expect(good.status == 0 && good.stdout == "3\n", "\(good.stderr)")
        let wrongCase = try CommandLineTests.run(["run", "--set", "raw=False", script], in: dir)
        #expect(wrongCase.status != 0 && wrongCase.stderr.contains("a boolean is written true or false"), "\(wrongCase.stderr)")
        let late = try CommandLineTests.run(["run", script, "--set", "epochs=3"], in: dir)
        #expect(late.stderr.contains("warning: '--set' comes after the script"), "\(late.stderr)")
    }

    /// pairs(flipside.params) walks the given values, and its `next` refuses a
    /// bad key or a non-table as Lua's own does (it once crashed on the latter).
    @Test func pairsOverTheParametersIsRawNext() throws {
        let dir = try ParameterTests.folder()
        let script = try ParameterTests.write(dir, "pairs.lua", """
            local P = require('flipside').params
            for name, value in pairs(P) do print(name .. "=" .. tostring(value)) end
            local next_, t = pairs(P)
            print(pcall(next_, t, "not a key"))
            print(pcall(next_, 5))
            """)
        let outcome = try CommandLineTests.run(["run", "--set", "epochs=3", script], in: dir)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "epochs=3\nfalse\tinvalid key to 'next'\nfalse\tbad argument #1 to '?' (table expected, got number)\n", "\(outcome.stdout)")
    }

    @Test func theQuickstartRefusesAMisspeltParameter() throws {
        let quickstart = LuaScriptTests.root.appendingPathComponent("scripts/quickstart.lua").path
        let misspelt = try CommandLineTests.run(["run", "--set", "epcohs=3", quickstart])
        #expect(misspelt.status == 1 && misspelt.stderr.contains("unknown parameter 'epcohs' (did you mean 'epochs'?)"), "\(misspelt.stderr)")
        let wrongCase = try CommandLineTests.run(["run", "--set", "raw=False", quickstart])
        #expect(wrongCase.status != 0 && wrongCase.stderr.contains("a boolean is written true or false"), "\(wrongCase.stderr)")
        let zero = try CommandLineTests.run(["run", "--set", "raw=0", quickstart])
        #expect(zero.status == 1 && zero.stderr.contains("parameter 'raw' must be a boolean, got 0"), "\(zero.stderr)")
    }

    @Test func declaredParametersAreTypedAndNamed() throws {
        let dir = try ParameterTests.folder()
        let script = try ParameterTests.write(dir, "declared.lua", """
            local P = require("flipside.declare").params { { "raw", "boolean", "raw pixels", default = false } }
            print(P.raw)
            """)
        for (value, message) in [("0", "parameter 'raw' must be a boolean, got 0"), ("yes", "parameter 'raw' must be a boolean")] {
            let outcome = try CommandLineTests.run(["run", "--set", "raw=\(value)", script], in: dir)
            #expect(outcome.status == 1 && outcome.stderr.contains(message), "\(outcome.stderr)")
        }
        let misspelt = try CommandLineTests.run(["run", "--set", "rwa=true", script], in: dir)
        #expect(misspelt.stderr.contains("unknown parameter 'rwa' (did you mean 'raw'?)"), "\(misspelt.stderr)")
        #expect(try CommandLineTests.run(["run", "--set", "raw=true", script], in: dir).stdout == "true\n")
        #expect(try CommandLineTests.run(["run", script], in: dir).stdout == "false\n")
    }

    /// A renamed parameter given by its old name says what it is called now.
    @Test func aRenamedParameterNamesItsNewName() throws {
        let dir = try ParameterTests.folder()
        let script = try ParameterTests.write(dir, "renamed.lua", """
            local P = require("flipside.declare").params { { "variant", "string", "the rule", default = "paper", formerly = "rule" } }
            print(P.variant)
            """)
        let old = try CommandLineTests.run(["run", "--set", "rule=exact", script], in: dir)
        #expect(old.status == 1 && old.stderr.contains("--set rule: the parameter is now 'variant'"), "\(old.stderr)")
        #expect(try CommandLineTests.run(["run", "--set", "variant=exact", script], in: dir).stdout == "exact\n")
    }

    @Test func aDataScriptRefusesUnknownAndAxisParametersBeforeAnyRun() throws {
        let dir = try ParameterTests.folder()
        _ = try ParameterTests.write(dir, "beside.lua", "return { scale = 2 }\n")
        let script = try ParameterTests.write(dir, "grid.lua", """
            local scale = require("beside").scale
            return {
              params = { { "offset", "number", "added to every value", default = 0 } },
              grid = { x = { 1, 2 } },
              run = function(p) return { y = scale * p.x + (p.offset or 0) } end,
            }
            """)
        let db = dir.appendingPathComponent("r.sqlite").path
        let elsewhere = FileManager.default.temporaryDirectory
        for (set, message) in [("x=5", "--set x: 'x' is an axis of the script's grid"),
                               ("ofset=1", "--set ofset: the script never reads a parameter 'ofset' (did you mean 'offset'?)")] {
            let outcome = try CommandLineTests.run(["run", "--db", db, "--set", set, script], in: elsewhere)
            #expect(outcome.status == 1 && outcome.stderr.contains(message), "\(outcome.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db), "nothing stored")
        }
        let declared = try CommandLineTests.run(["run", "--db", db, "--set", "offset=1", script], in: elsewhere)
        #expect(declared.status == 0 && declared.stdout.contains("2 runs: 2 ran"), "\(declared.stderr)")
    }
}
