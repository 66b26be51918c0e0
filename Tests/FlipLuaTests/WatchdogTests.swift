import Foundation
import LuaHost
import Testing

/// The time limit holds whatever the script does: what the count hook cannot
/// stop (Lua runs message handlers and finalizers with hooks off; a C function
/// runs no Lua instructions), the watchdog ends within the grace period.
@Suite struct WatchdogTests {
    /// The four escapes, each as the body of a function.
    static let escapes: [String: String] = [
        "handler": "xpcall(error, function() while true do end end)",
        "finalizer": "setmetatable({}, { __gc = function() while true do end end }); collectgarbage(); while true do end",
        "coroutine": "LOOP()",
        "native": "string.rep('a', 30000):find('.-.-.-.-b')",
    ]

    /// A script running `body`, with the loop of the coroutine case created while it loads.
    static func source(_ body: String, data: Bool) -> String {
        let loop = "local LOOP = coroutine.wrap(function() while true do end end)\n"
        return data ? loop + "return { run = function(p) \(body) end }\n" : loop + "print('started'); io.stdout:flush()\n\(body)\n"
    }

    static let limit = 2.0

    static func timed(_ arguments: [String], in dir: URL) throws -> (CommandLineTests.Outcome, Double) {
        let start = Date()
        let outcome = try CommandLineTests.run(arguments, in: dir, timeout: 20)
        return (outcome, Date().timeIntervalSince(start))
    }

    @Test(arguments: ["handler", "finalizer", "coroutine", "native"])
    func runStopsEachEscape(_ name: String) throws {
        let dir = try BatchTests.folder(["\(name).lua": WatchdogTests.source(WatchdogTests.escapes[name]!, data: false)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let (outcome, seconds) = try WatchdogTests.timed(["run", "--sandbox", "--time-limit", "2", "scripts/\(name).lua"], in: dir)
        #expect(seconds < WatchdogTests.limit + 5, "\(name): \(seconds) s")
        #expect(outcome.status == 1 || outcome.status == LuaVM.watchdogStatus, "\(name): \(outcome.status)")
        #expect(outcome.stderr.contains("time limit of 2"), "\(name): \(outcome.stderr)")
        #expect(outcome.stdout == "started\n", "\(name): what was printed stays")
    }

    @Test(arguments: ["handler", "finalizer", "coroutine", "native"])
    func testStopsEachEscape(_ name: String) throws {
        let dir = try BatchTests.folder(["test_\(name).lua": WatchdogTests.source(WatchdogTests.escapes[name]!, data: false),
                                         "test_z_next.lua": "print('the next file ran')"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let (outcome, seconds) = try WatchdogTests.timed(["test", "--sandbox", "--time-limit", "2", "scripts"], in: dir)
        #expect(seconds < WatchdogTests.limit + 5 + 1, "\(name): \(seconds) s")
        #expect(outcome.status == 1, "\(name): \(outcome.status)")
        #expect(outcome.stdout.contains("time limit of 2"), "\(name): \(outcome.stdout)\(outcome.stderr)")
        // Each sandboxed file is a process of its own: the next one runs.
        #expect(outcome.stdout.contains("the next file ran\nok    scripts/test_z_next.lua"), "\(outcome.stdout)")
        #expect(outcome.stdout.hasSuffix("1 passed, 1 failed\n"), "\(outcome.stdout)")
    }

    @Test func batchStopsEachEscapeAndRecordsIt() throws {
        var files: [String: String] = [:]
        for (name, body) in WatchdogTests.escapes { files["\(name).lua"] = WatchdogTests.source(body, data: true) }
        let dir = try BatchTests.folder(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (outcome, seconds) = try WatchdogTests.timed(["batch", "--sandbox", "--timeout", "2", "--jobs", "4", "--db", "out/r.sqlite", "scripts"],
                                                   in: dir)
        #expect(outcome.status == 1)
        for name in WatchdogTests.escapes.keys {
            let line = outcome.stdout.split(separator: "\n").first { $0.hasPrefix("- \(name) seed=1: ") } ?? ""
            #expect(line.contains("time limit of 2") || line.contains("stopped by the watchdog"), "\(name): \(outcome.stdout)")
        }
        // Loading takes well under a second; the four runs go side by side.
        #expect(seconds < WatchdogTests.limit + 5 + 3, "\(seconds) s")
    }

    @Test func runsStoredBeforeTheWatchdogStayStored() throws {
        let dir = try BatchTests.folder(["grid.lua": """
            return { grid = { x = { 1, 2, 3 } }, run = function(p)
              if p.x == 3 then string.rep('a', 30000):find('.-.-.-.-b') end
              return { value = p.x }
            end }
            """])
        defer { try? FileManager.default.removeItem(at: dir) }
        let (outcome, seconds) = try WatchdogTests.timed(["run", "--time-limit", "2", "--jobs", "1", "--db", "out/r.sqlite", "scripts/grid.lua"],
                                                         in: dir)
        #expect(outcome.status == LuaVM.watchdogStatus, "\(outcome.stdout)\(outcome.stderr)")
        #expect(seconds < WatchdogTests.limit + 6)
        #expect(try BatchTests.storedRuns(dir).filter { $0.contains(",ok,") }.count == 2)
    }
}
