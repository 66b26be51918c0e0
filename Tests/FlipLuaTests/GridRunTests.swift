import Foundation
import Testing

/// What a data script's `run` returns is checked before it is stored: a value
/// no column can hold is that run's error, never a crash.
@Suite struct GridRunTests {
    @Test func unrepresentableProvenanceIsTheRunsError() throws {
        let dir = try BatchTests.folder([
            "bad.lua": """
                return { grid = { e = { 1e300, 0/0, 2.5, 3 } },
                  run = function(p) return { provenance = { { epoch = p.e, rows = { 1 }, old = { 0 }, new = { 1 } } } } end }
                """,
        ])
        let result = try CommandLineTests.run(["run", "--db", "out/r.sqlite", "scripts/bad.lua"], in: dir)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("4 runs: 4 ran, 0 stored before, 3 failed"), "\(result.stdout)")
        #expect(result.stdout.contains("field 'epoch' must be an integer"), "\(result.stdout)")
    }

    /// Copying a result holds two stack slots per level of nesting: a table
    /// 20 deep overran the 20 slots a C caller is promised and corrupted the
    /// heap ("free(): invalid pointer" when the state closed).
    @Test func deeplyNestedResultsAreTheRunsError() throws {
        let dir = try BatchTests.folder([
            "deep.lua": """
                return { grid = { depth = { 20, 31, 40 } },
                  run = function(p)
                    local top = {}
                    local level = top
                    for i = 1, p.depth do level.next = {} level = level.next end
                    return { value = 1, nested = top }
                  end }
                """,
        ])
        let result = try CommandLineTests.run(["run", "--db", "out/r.sqlite", "--jobs", "1", "scripts/deep.lua"], in: dir, timeout: 60)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("3 runs: 3 ran, 0 stored before, 3 failed"), "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("metric 'nested' must be a number, string or boolean"), "\(result.stdout)")
        #expect(result.stdout.contains("tables nested deeper than 32"), "\(result.stdout)")
    }

    /// A plan is built in memory before anything runs: a grid of 10^12 runs is
    /// refused with its size instead of growing until memory runs out.
    @Test func aGridTooLargeToPlanIsRefusedWithItsSize() throws {
        let dir = try BatchTests.folder([
            "huge.lua": """
                local values = {} for i = 1, 10000 do values[i] = i end
                return { grid = { a = values, b = values, c = values }, seeds = 3, run = function(p) return { value = 1 } end }
                """,
            "points.lua": """
                local points = {} for i = 1, 20000 do points[i] = { x = i } end
                return { grid = points, seeds = 100, run = function(p) return { value = 1 } end }
                """,
        ])
        let huge = try CommandLineTests.run(["run", "--db", "out/r.sqlite", "scripts/huge.lua"], in: dir, timeout: 60)
        #expect(huge.status == 1)
        #expect(huge.stderr.contains("huge: the grid has 10000 × 10000 × … values × 3 seeds, more than the 1000000 runs a script may plan"),
                "\(huge.stderr)")
        let points = try CommandLineTests.run(["run", "--db", "out/r.sqlite", "scripts/points.lua"], in: dir, timeout: 60)
        #expect(points.status == 1)
        #expect(points.stderr.contains("points: the grid has 20000 points × 100 seeds, more than the 1000000 runs"), "\(points.stderr)")
        let plan = try CommandLineTests.run(["batch", "--db", "out/b.sqlite", "scripts/huge.lua"], in: dir, timeout: 60)
        #expect(plan.stdout.contains("more than the 1000000 runs a script may plan"), "\(plan.stdout)\(plan.stderr)")
    }
}
