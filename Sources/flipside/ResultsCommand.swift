import ArgumentParser
import FlipResults
import FlipRunner
import Foundation

struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Read the results store.",
        subcommands: [Export.self, Summary.self, Merge.self, Prune.self])

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the superseded runs: those whose script, parameters and seed were run again under other key inputs.")

        @Option(help: "The results store.")
        var db: String = "out/results.sqlite"

        func run() throws {
            let n = try ResultsCommand.open(db).pruneSuperseded()
            print("\(n) superseded runs removed from \(db)")
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Gather the runs of other stores (a cluster batch's shards) into one.")

        @Option(help: "The store to merge into (created if missing).")
        var db: String = "out/results.sqlite"

        @Argument(help: "Stores to merge from.")
        var sources: [String]

        func run() throws {
            let target = try ResultsStore(path: db)
            var total = 0
            for source in sources {
                let n = try target.merge(from: try ResultsCommand.open(source))
                print("\(source): \(n) runs")
                total += n
            }
            print("\(total) runs merged into \(db)")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a table of the store as CSV: runs (parameters and metrics), epochs, or provenance.")

        @Option(help: "The results store.")
        var db: String = "out/results.sqlite"

        @Option(help: "runs, epochs or provenance.")
        var table: String = "runs"

        @Option(help: "Only the runs of this script (its file name without .lua).")
        var script: String?

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        @Flag(help: "Include the superseded runs (a column says which).")
        var all = false

        func run() throws {
            guard let which = CSVExport.Table(rawValue: table) else {
                throw ValidationError("--table must be one of \(CSVExport.Table.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let store = try ResultsCommand.open(db)
            let csv = try CSVExport.export(store, table: which, script: script, includingSuperseded: all)
            if let output {
                try Data(csv.utf8).write(to: URL(fileURLWithPath: output))
            } else {
                print(csv, terminator: "")
            }
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the stored runs per script and status, and how long they took.",
            discussion: "run time adds up the runs' own seconds; span is from the first run's start to the last run's end (a batch's wall time when it ran in one go).")

        @Option(help: "The results store.")
        var db: String = "out/results.sqlite"

        func run() throws {
            let timings = try ResultsCommand.open(db).timings()
            func line(_ name: String, _ ok: Int, _ failed: Int, _ run: Double, _ span: String) -> String {
                func right(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
                return name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%6d %7d", ok, failed)
                    + right(RunProgress.duration(run), 11) + right(span, 11)
            }
            print("script                          ok  failed   run time       span")
            for t in timings { print(line(t.script, t.ok, t.failed, t.runSeconds, RunProgress.duration(t.spanSeconds))) }
            if timings.count > 1 {
                print(line("total", timings.map(\.ok).reduce(0, +), timings.map(\.failed).reduce(0, +),
                           timings.map(\.runSeconds).reduce(0, +), ""))
            }
        }
    }

    static func open(_ path: String) throws -> ResultsStore {
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path): no such results store") }
        do { return try ResultsStore(path: path) } catch let error as ResultsError { throw ValidationError(error.description) }
    }
}
