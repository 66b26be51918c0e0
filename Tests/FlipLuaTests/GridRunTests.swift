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
}
