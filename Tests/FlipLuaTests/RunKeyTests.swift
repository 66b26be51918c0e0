import Foundation
import Testing

/// A run's key covers the code its `run` reaches: editing a module it requires
/// runs the grid again and supersedes the old runs; editing only the report
/// (a title) runs nothing.
@Suite struct RunKeyTests {
    @Test func aHelperEditRerunsAndATitleEditDoesNot() throws {
        let dir = try ParameterTests.folder()
        let helper = try ParameterTests.write(dir, "scaler.lua", "return { scale = function(x) return 2 * x end }\n")
        func script(title: String) -> String {
            """
            local scaler = require "scaler"
            local report = require "flipside.report"
            return {
              grid = { x = { 1, 2, 3 } },
              run = function(p) return { y = scaler.scale(p.x) } end,
              report = function(results, ctx) print(\(title.debugDescription) .. " " .. #results) end,
            }
            """
        }
        let path = try ParameterTests.write(dir, "keyed.lua", script(title: "first title"))
        let db = dir.appendingPathComponent("r.sqlite").path
        func run() throws -> String {
            let outcome = try CommandLineTests.run(["run", "--db", db, "--out", dir.appendingPathComponent("out").path, path], in: dir)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            return outcome.stdout
        }
        #expect(try run().contains("3 runs: 3 ran, 0 stored before"))
        #expect(try run().contains("3 runs: 0 ran, 3 stored before"))
        _ = try ParameterTests.write(dir, "keyed.lua", script(title: "another title"))
        let retitled = try run()
        #expect(retitled.contains("3 runs: 0 ran, 3 stored before") && retitled.contains("another title 3"), "\(retitled)")
        _ = try ParameterTests.write(dir, "scaler.lua", "return { scale = function(x) return 3 * x end }\n")
        let edited = try run()
        #expect(edited.contains("3 runs: 3 ran, 0 stored before") && edited.contains("another title 3"), "the report sees current runs only: \(edited)")
        _ = helper
        let export = try CommandLineTests.run(["results", "export", "--db", db, "--all"], in: dir)
        let lines = export.stdout.split(separator: "\n")
        #expect(lines.count == 7, "6 runs and a header: \(export.stdout)")
        #expect(lines.filter { $0.contains(",true,") }.count == 3, "three superseded")
        let current = try CommandLineTests.run(["results", "export", "--db", db], in: dir)
        #expect(current.stdout.split(separator: "\n").count == 4)
        let prune = try CommandLineTests.run(["results", "prune", "--db", db], in: dir)
        #expect(prune.stdout.contains("3 superseded runs removed"), "\(prune.stdout)")
    }

    /// A module reached through another's metatable (a module made of parts) is in the key too.
    @Test func aModuleReachedThroughAMetatableCounts() throws {
        let dir = try ParameterTests.folder()
        _ = try ParameterTests.write(dir, "part.lua", "return { scale = function(x) return 2 * x end }\n")
        _ = try ParameterTests.write(dir, "whole.lua", "return setmetatable({}, { __index = require 'part' })\n")
        let path = try ParameterTests.write(dir, "parts.lua", """
            local whole = require "whole"
            return { grid = { x = { 1, 2 } }, run = function(p) return { y = whole.scale(p.x) } end }
            """)
        let db = dir.appendingPathComponent("r.sqlite").path
        func run() throws -> String {
            try CommandLineTests.run(["run", "--db", db, "--out", dir.appendingPathComponent("out").path, path], in: dir).stdout
        }
        #expect(try run().contains("2 runs: 2 ran"))
        #expect(try run().contains("2 runs: 0 ran"))
        _ = try ParameterTests.write(dir, "part.lua", "return { scale = function(x) return 3 * x end }\n")
        #expect(try run().contains("2 runs: 2 ran"), "the part's edit reruns the grid")
    }
    /// What `run` reaches nested past the walk's depth is a clear error, not a
    /// stack overflow (a linked list 200,000 deep once crashed the process).
    @Test func aDeeplyNestedUpvalueIsAClearError() throws {
        let dir = try ParameterTests.folder()
        let path = try ParameterTests.write(dir, "deep.lua", """
            local list = {}
            for i = 1, 200000 do list = { next = list } end
            return { grid = { x = { 1 } }, run = function(p) return { y = list and p.x } end }
            """)
        let outcome = try CommandLineTests.run(["run", "--db", dir.appendingPathComponent("r.sqlite").path,
                                                "--out", dir.appendingPathComponent("out").path, path], in: dir)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("cannot key the script's run: it reaches tables or functions nested deeper than 200"), "\(outcome.stderr)")
    }
    /// A tensor or generator that `run` closes over is keyed by what it holds:
    /// editing the number a top-level tensor is built from, or a generator's
    /// seed, runs the grid again.
    @Test func aClosedOverTensorOrGeneratorIsKeyedByItsContent() throws {
        let dir = try ParameterTests.folder()
        func script(offset: String, seed: Int) -> String {
            """
            local flipside = require "flipside"
            local w = flipside.tensor.zeros(3) + \(offset)
            local rng = flipside.generator(\(seed))
            return { grid = { x = { 1, 2 } }, run = function(p) return { y = w:sum() * p.x, r = rng:uniform({ 1 }):sum() } end }
            """
        }
        let path = try ParameterTests.write(dir, "closed.lua", script(offset: "0.5", seed: 7))
        let db = dir.appendingPathComponent("r.sqlite").path
        func run() throws -> String {
            try CommandLineTests.run(["run", "--db", db, "--out", dir.appendingPathComponent("out").path, path], in: dir).stdout
        }
        #expect(try run().contains("2 runs: 2 ran"))
        #expect(try run().contains("2 runs: 0 ran"))
        _ = try ParameterTests.write(dir, "closed.lua", script(offset: "0.7", seed: 7))
        #expect(try run().contains("2 runs: 2 ran"), "the tensor's edit reruns the grid")
        _ = try ParameterTests.write(dir, "closed.lua", script(offset: "0.7", seed: 8))
        #expect(try run().contains("2 runs: 2 ran"), "the generator's seed reruns the grid")
        #expect(try run().contains("2 runs: 0 ran"))
    }
}
