import Foundation
import Testing

/// `flipside run --memory`: a script that asks for more than the budget gets a
/// Lua error it can catch, and the process lives on; garbage is collected
/// before an allocation is refused.
@Suite struct MemoryBudgetTests {
    @Test func tensorsBeyondTheBudgetAreACatchableError() throws {
        let file = try CommandLineTests.script("""
            local flipside = require("flipside")
            local T = flipside.tensor
            local before, limit = flipside.memory()
            local held = T.zeros({1000, 10000})
            print("budget", limit, flipside.memory() - before >= 4e7)
            held = nil
            -- 40,000,000 bytes each, none kept: the budget collects them when it runs short
            for i = 1, 40 do local garbage = T.ones({1000, 10000}) end
            print("garbage collected")
            local kept = {}
            local ok, err = pcall(function() for i = 1, 10 do kept[i] = T.ones({1000, 10000}) end end)
            print(ok, #kept, err)
            kept = nil
            collectgarbage()
            assert(T.ones({1000, 10000}):sum() == 1e7)
            print("usable again")
            """)
        let outcome = try CommandLineTests.run(["run", "--memory", "140", file.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("budget\t\(140 << 20)\ttrue"))
        #expect(outcome.stdout.contains("garbage collected"))
        // 140 MB (MiB) hold three tensors of 40,000,000 bytes beside the Lua heap, not four
        #expect(outcome.stdout.contains("false\t3\t"))
        #expect(outcome.stdout.contains("ones: cannot allocate 40000000 bytes for a tensor of shape [1000, 10000]: tensors and Lua hold"))
        #expect(outcome.stdout.contains("of the 140.0 MB this process may use"))
        #expect(outcome.stdout.contains("usable again"))
    }

    @Test func aLuaHeapBeyondTheBudgetIsACatchableError() throws {
        let file = try CommandLineTests.script("""
            local ok, err = pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end)
            print(ok, err)
            collectgarbage()
            local s = {} for i = 1, 1e5 do s[i] = i end
            print("heap usable again", #s)
            """)
        let outcome = try CommandLineTests.run(["run", "--memory", "64", file.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("false\tnot enough memory"))
        #expect(outcome.stdout.contains("heap usable again\t100000"))
    }

    /// With the Lua heap full to the last byte, an error still gets its own
    /// message: the message and its traceback are built from a reserve.
    @Test func aFullHeapStillBuildsTheErrorMessage() throws {
        let file = try CommandLineTests.script("""
            local fs = require "flipside"
            local ones, shape, t = fs.tensor.ones, { 1000, 1000 }, {}
            local filled = pcall(function() for i = 1, 1e8 do t[i] = {} end end)
            local ok, err = pcall(ones, shape)
            local ok2, err2 = pcall(ones, "x")
            t = nil
            collectgarbage()
            print(filled, ok, err)
            print(ok2, err2)
            """)
        let outcome = try CommandLineTests.run(["run", "--memory", "64", file.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("false\tfalse\tones: cannot allocate 4000000 bytes for a tensor of shape [1000, 1000]: "),
                "\(outcome.stdout)")
        #expect(outcome.stdout.contains("false\tbad argument #1 to 'ones' (shape"), "\(outcome.stdout)")
    }

    /// A binding's own allocations cannot fail halfway (a Lua error then would
    /// jump over Swift frames): it checks the budget before it builds.
    @Test func aTableTooLargeForTheBudgetIsRefusedBeforeItIsBuilt() throws {
        let file = try CommandLineTests.script("""
            local T = require("flipside").tensor
            local big = T.zeros({4000000})
            print(pcall(big.totable, big))
            print(#T.zeros({1000, 3}):totable())
            """)
        let outcome = try CommandLineTests.run(["run", "--memory", "64", file.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("false\t"))
        #expect(outcome.stdout.contains("totable: a table of 4000000 numbers needs about 64000000 bytes: tensors and Lua hold"))
        #expect(outcome.stdout.contains("\n1000\n"))
    }

    /// With the Lua heap at the budget, native functions that push tables and
    /// strings fail as Lua errors or succeed; none takes the process down.
    @Test func nativeCallsAtTheEdgeOfTheBudgetFailCleanly() throws {
        let file = try CommandLineTests.script("""
            local flipside = require "flipside"
            local T = flipside.tensor
            local hog = {}
            print("filled", pcall(function() local i = 0 while true do i = i + 1 hog[i] = string.rep("y", 1000) .. i end end))
            local calls = 0
            for i = 1, 2000 do
              pcall(function() calls = calls + #T.zeros({3, 4}):shape() + #tostring(T.ones(2)) + #T.zeros({2, 2}):totable() end)
            end
            hog = nil
            collectgarbage()
            print("recovered", #T.zeros({3, 4}):totable(), flipside.memory() < 16 * 2^20)
            """)
        let outcome = try CommandLineTests.run(["run", "--memory", "64", file.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("filled\tfalse\tnot enough memory"))
        #expect(outcome.stdout.contains("recovered\t3\ttrue"))
    }

    @Test func anUncaughtMemoryErrorEndsTheRunWithTheBudget() throws {
        let file = try CommandLineTests.script("local t = {} for i = 1, 1e9 do t[i] = i end\n")
        let outcome = try CommandLineTests.run(["run", "--memory", "64", file.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("flipside: not enough memory: tensors and Lua hold"))
        #expect(outcome.stderr.contains("of the 64.0 MB this process may use"))
    }

    @Test func theBudgetComesFromTheEnvironmentWithoutTheOption() throws {
        let file = try CommandLineTests.script("""
            local ok, err = pcall(require("flipside").tensor.ones, {1000, 100000})
            print(ok, err)
            """)
        let outcome = try CommandLineTests.run(["run", file.path], environment: ["FLIPSIDE_MEMORY": "100"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("of the 100.0 MB this process may use"))
    }

    @Test func aBudgetOutOfRangeIsRefused() throws {
        let file = try CommandLineTests.script("print(1)\n")
        for megabytes in ["8", "\(1 << 50)"] {
            let outcome = try CommandLineTests.run(["run", "--memory", megabytes, file.path])
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("--memory must be between 16 and 1073741824 (MB)"))
        }
    }
}
