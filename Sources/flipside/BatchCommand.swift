import ArgumentParser
import FlipLua
import FlipResults
import Foundation

/// `flipside batch`: every script's grid expanded into runs, each run in its
/// own child process, N at a time, stored as it finishes; a run already stored
/// is not run again. Then a summary and each script's report.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Run folders of scripts: every grid point and seed in its own process, resumable.",
        discussion: """
            A crash, an endless loop or a memory blow-up of one run is recorded as that run's \
            failure and the batch goes on. Rerunning the same batch skips every stored run \
            (add --retry-failed to run the failed ones again); Ctrl-C stops cleanly. \
            With --slurm, writes a Slurm job array that runs the batch in --tasks shards and \
            merges their stores.
            """)

    @Argument(help: "Folders (their *.lua files) and script files.")
    var paths: [String]

    @Option(help: "Runs at a time (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seconds a run may take: the count hook stops its Lua code, the runner kills it 5 s later.")
    var timeout: Double?

    @Option(help: "Memory of each run in MB: its address-space limit; 7/8 of what the run has not mapped at start is its memory budget (see run --memory).")
    var memory: Int?

    @Option(help: "The results store.")
    var db: String = "out/results.sqlite"

    @Option(help: "Folder for reports (one subfolder per script) and run logs.")
    var out: String = "out"

    @OptionGroup var parameters: ParameterOptions

    @Flag(help: "Run again the runs whose failure is stored.")
    var retryFailed = false

    @Option(help: "Run only share i of n of the runs (i from 0), as one task of a cluster array.")
    var shard: String?

    @Flag(help: "Write a Slurm job-array script for this batch instead of running it.")
    var slurm = false

    @Flag(help: "With --slurm: submit the array and its merge step with sbatch.")
    var submit = false

    @Option(help: "With --slurm: array tasks (shards).")
    var tasks: Int = 4

    @Flag(help: "Skip the reports.")
    var noReport = false

    @Flag(help: "Run every script as run --sandbox does, each child restricted by the kernel too; each writes only inside its folder under --out.")
    var sandbox = false

    @OptionGroup var sandboxFlags: SandboxFlags

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be positive") }
        if let memory, !(16...(1 << 30)).contains(memory) { throw ValidationError("--memory must be between 16 and \(1 << 30) (MB)") }
        if tasks < 1 { throw ValidationError("--tasks must be at least 1") }
        _ = try shardSpec()
        _ = try parameters.pairs()
    }

    func shardSpec() throws -> (index: Int, count: Int)? {
        guard let shard else { return nil }
        let parts = shard.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, parts[0] >= 0, parts[0] < parts[1] else {
            throw ValidationError("--shard expects i/n with 0 <= i < n, got '\(shard)'")
        }
        return (parts[0], parts[1])
    }

    func run() throws {
        let scripts = try BatchScripts.collect(paths)
        guard !scripts.isEmpty else { throw ValidationError("no .lua scripts in \(paths.joined(separator: " "))") }
        if slurm {
            try SlurmArray(command: self, scripts: scripts).write()
            return
        }
        if sandbox, !sandboxFlags.withoutLandlock, SandboxSetup.landlock().abi == nil {
            FileHandleOutput.error("flipside batch: \(SandboxSetup.landlockMissing)")
            throw ExitCode(2)
        }
        BatchScheduler.installInterruptHandler()
        let batch = try BatchRun(command: self, scripts: scripts)
        let clean = try batch.execute()
        if batchInterrupted.load(ordering: .relaxed) { throw ExitCode(130) }
        if !clean { throw ExitCode(1) }
    }
}

enum BatchScripts {
    /// The scripts named: files as given, folders' *.lua files in name order
    /// (hidden files left out: a `...lua` nobody sees is not run).
    static func collect(_ paths: [String]) throws -> [String] {
        var scripts: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw ValidationError("\(path): no such file or folder")
            }
            if isFolder.boolValue {
                let files = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter { $0.hasSuffix(".lua") && !$0.hasPrefix(".") }.sorted()
                scripts += files.map { (path as NSString).appendingPathComponent($0) }
            } else {
                scripts.append(path)
            }
        }
        return scripts
    }
}
