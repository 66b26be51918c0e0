import ArgumentParser
import FlipKit
import FlipLua
import FlipRunner
import FlipResults
import Foundation
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua script with the engine available as require \"flipside\".",
        discussion: """
            Options come before the script; everything after it is passed to the script \
            as `arg` and `...`, as the standalone lua does.

            A script that returns a table with a function `run(params)` is data: its whole \
            grid (`grid`, `seeds`) runs on --jobs threads, each run is stored in --db \
            (runs already stored are not run again), then `report(results, context)` \
            draws its figures into --out.
            """)

    @OptionGroup var parameters: ParameterOptions

    @Option(help: "Seed of the run, readable as flipside.seed.")
    var seed: Int = 1

    @Option(help: "Stop the script with an error after this many seconds.")
    var timeLimit: Double?

    @Option(help: ArgumentHelp(
        "Memory in MB that tensors and Lua heaps may hold together; beyond it an allocation is a Lua error (default: 15/16 of the memory available at start, or $FLIPSIDE_MEMORY).",
        valueName: "MB"))
    var memory: Int?

    @Option(help: "Threads for a script's grid (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Results store of a script's grid.")
    var db: String = "out/results.sqlite"

    @Option(help: ArgumentHelp(
        "The run's output folder, readable as flipside.out, where a data script's report draws (default: out/<script name>; created with --out, --sandbox or a report).",
        valueName: "dir"))
    var out: String?

    @Flag(help: "Run a script written by someone else: no processes, native code or debug library, no binary chunks, writes only inside the output folder, reads only from the script's folder, the stdlib, the datasets and --allow-read, no network; enforced by the kernel (Landlock) too.")
    var sandbox = false

    @OptionGroup var sandboxFlags: SandboxFlags

    @Argument(help: "The Lua script to run.")
    var script: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments passed to the script.")
    var scriptArguments: [String] = []

    /// Options of flipside's own written after the script name reach the script
    /// as arguments; say so, since that is rarely what was meant.
    static func warnAboutOptions(in arguments: [String]) {
        let own = ["--set", "--seed", "--jobs", "--time-limit", "--memory", "--db", "--out", "--sandbox"]
        for argument in arguments where own.contains(where: { argument == $0 || argument.hasPrefix($0 + "=") }) {
            FileHandleOutput.error("flipside: warning: '\(argument)' comes after the script, so the script gets it as an argument; flipside's options go before the script")
        }
    }

    func validate() throws {
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be positive") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let memory, !(16...(1 << 30)).contains(memory) { throw ValidationError("--memory must be between 16 and \(1 << 30) (MB)") }
    }

    func run() throws {
        Watchdog.enable(for: timeLimit)
        let pairs = try parameters.pairs()
        RunCommand.warnAboutOptions(in: scriptArguments)
        if let memory { MemoryBudget.setLimit(bytes: memory << 20) }
        let stdlib = StdlibLocator.find()
        let output = out ?? ScriptHost.defaultOutputDirectory(for: script)
        if out != nil || sandbox { try ScriptHost.createDirectory(output) }
        let setup = sandbox ? SandboxSetup(output: output, scripts: [script], flags: sandboxFlags) : nil
        let vm: LuaVM
        var store: ResultsStore?
        do {
            vm = try ScriptHost.makeVM(
                settings: .init(parameters: pairs, seed: seed, outputDirectory: output, script: script), sandbox: try setup?.luaSandbox())
            if let setup {
                // A data script's grid stores its runs: the store is opened before the kernel closes the rest.
                store = try ResultsStore(path: db, keepingJournal: true)
                try setup.enforceInKernel(alsoWriting: store?.files ?? [])
            }
        } catch let error as LuaSandboxError {
            FileHandleOutput.error("flipside: \(error.description)")
            throw ExitCode(1)
        }
        vm.setGlobal("arg") { vm in
            ScriptArguments.push(on: vm, script: script, arguments: scriptArguments)
        }
        if let timeLimit { vm.setTimeLimit(seconds: timeLimit) }
        do {
            let results = try vm.runFile(script, arguments: scriptArguments, results: 1)
            if results == 1 && ScriptSession.isDataScript(vm) {
                vm.clearLimits()  // the limit applies to each run of the grid
                try runGrid(in: vm, parameters: pairs, stdlib: stdlib, output: output, store: store)
            } else if let unread = RunParameters.of(vm) {
                do { try unread.requireAllUsed() } catch let error as ParameterError { throw GridError(error.description) }
            }
        } catch let error as LuaScriptError {
            fflush(nil)
            FileHandleOutput.error("flipside: \(error.traceback.isEmpty ? error.message : error.traceback)")
            throw ExitCode(1)
        } catch let error as GridError {
            FileHandleOutput.error("flipside: \(error.description)")
            throw ExitCode(1)
        }
    }

    /// The script returned a table: run its grid, store it, report.
    func runGrid(in vm: LuaVM, parameters: [(String, String)], stdlib: String?, output: String, store: ResultsStore?) throws {
        guard let source = FileManager.default.contents(atPath: script) else {
            throw GridError("cannot read \(script)")
        }
        var configuration = GridRunner.Configuration(
            scriptPath: script, parameters: parameters, jobs: jobs, timeLimit: timeLimit, storePath: db,
            outputFolder: output, stdlib: stdlib, codeVersion: CodeVersion.describe(stdlib: stdlib), sandbox: vm.sandbox)
        configuration.store = store
        let summary = try GridRunner(configuration).run(in: vm, source: String(decoding: source, as: UTF8.self))
        print(String(format: "%d runs: %d ran, %d stored before, %d failed; %.1f s", summary.total, summary.ran,
                     summary.cached, summary.failed.count, summary.seconds)
              + (summary.elsewhere > 0 ? "; \(summary.elsewhere) run by other runners of the store" : ""))
        for line in summary.unstored { FileHandleOutput.error("flipside: not stored: \(line)") }
        if !summary.failed.isEmpty || !summary.unstored.isEmpty { throw ExitCode(1) }
    }
}
