import ArgumentParser
import CProcess
import FlipKit
import FlipLua
import FlipRunner
import FlipResults
import Foundation
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// The child-process side of `flipside batch`: plan a script, run one of its
/// runs, or draw its report. Not meant to be called by hand.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "One step of a batch, in its own process (used by flipside batch).",
        shouldDisplay: false)

    @Argument(help: "plan, run or report.")
    var step: String

    @Argument(help: "The script.")
    var script: String

    @OptionGroup var parameters: ParameterOptions

    @Option(help: "Where to write the message for the parent.")
    var message: String?

    @Option(help: "The run to do (JSON of a request), for `run`.")
    var request: String?

    @Option(help: "Seconds before the count hook stops the script.")
    var timeLimit: Double?

    @Option(help: "Address-space limit of this process in MB.")
    var memory: Int?

    @Option(help: "Results store, for `report`.")
    var db: String = "out/results.sqlite"

    @Option(help: "Output folder: where `report` draws, and all a sandboxed step may write.")
    var out: String = "out"

    @Flag(help: "Sandbox the script as run --sandbox does.")
    var sandbox = false

    @OptionGroup var sandboxFlags: SandboxFlags

    /// All a --sandbox step may write into.
    var sandboxOutput: String? { sandbox ? out : nil }

    /// Makes the output folder of a --sandbox step and restricts this process
    /// (Landlock) before any of the script runs; `files` stay writable.
    /// Returns the Lua layer's rules.
    func sandboxIfAsked(alsoWriting files: [String]) throws -> LuaSandbox? {
        guard sandbox else { return nil }
        try ScriptHost.createDirectory(out)
        let setup = SandboxSetup(output: out, scripts: [script], flags: sandboxFlags)
        let rails = try setup.luaSandbox()
        try setup.enforceInKernel(alsoWriting: files)
        return rails
    }

    func run() throws {
        ChildProcess.dieWithParent()
        if let memory { ChildProcess.limitMemory(megabytes: memory) }
        Watchdog.enable(for: timeLimit)
        let pairs = try parameters.pairs()
        let stdlib = StdlibLocator.find()
        let codeVersion = CodeVersion.describe(stdlib: stdlib)
        guard let source = FileManager.default.contents(atPath: script) else { throw ValidationError("cannot read \(script)") }
        let scriptHash = ContentHash.of(String(decoding: source, as: UTF8.self))
        switch step {
        case "plan":
            guard let message else { throw ValidationError("plan needs --message") }
            let channel = try WorkerMessage.Channel(path: message)
            let rails = try sandboxIfAsked(alsoWriting: [message])
            try channel.send(try plan(pairs, stdlib: stdlib, scriptHash: scriptHash, codeVersion: codeVersion, rails: rails))
        case "run":
            guard let message, let request else { throw ValidationError("run needs --message and --request") }
            let wanted = try WorkerMessage.decoder.decode(GridRunner.Request.self, from: Data(request.utf8))
            let channel = try WorkerMessage.Channel(path: message)
            let rails = try sandboxIfAsked(alsoWriting: [message])
            let session = try ScriptSession(scriptPath: script, parameters: pairs, stdlib: stdlib, loadTimeLimit: timeLimit,
                                            sandbox: rails, outputFolder: sandboxOutput)
            let record = session.run(wanted, scriptHash: scriptHash, codeVersion: codeVersion, timeLimit: timeLimit)
            try channel.send(record)
        case "report":
            let store = try ResultsStore(path: db)
            let rails = try sandboxIfAsked(alsoWriting: [])
            let session = try ScriptSession(scriptPath: script, parameters: pairs, stdlib: stdlib, loadTimeLimit: timeLimit,
                                            sandbox: rails, outputFolder: sandboxOutput)
            let plan = try session.plan()
            let runner = GridRunner(.init(scriptPath: script, parameters: pairs, jobs: 1, timeLimit: nil, storePath: db,
                                          outputFolder: out, stdlib: stdlib, codeVersion: codeVersion))
            let ids = runner.requests(plan, inputs: try RunKeys.data(session.vm)).map(\.id)
            try session.report(records: try store.records(ids: ids), description: plan.description, outputFolder: out, storePath: db)
        default:
            throw ValidationError("step must be plan, run or report")
        }
    }

    /// Loads the script under the time limit: a data script gives its runs; a
    /// plain script has run whole by then and gives its outcome.
    func plan(_ pairs: [(String, String)], stdlib: String?, scriptHash: String, codeVersion: String,
              rails: LuaSandbox?) throws -> WorkerMessage.Plan {
        let vm = try ScriptVM.make(settings: .init(parameters: pairs, seed: 1, outputDirectory: sandboxOutput, script: script),
                                   stdlib: stdlib, sandbox: rails)
        if let timeLimit { vm.setTimeLimit(seconds: timeLimit) }
        let started = LuaVM.monotonicSeconds()
        let plainRequest = GridRunner.Request.plain(inputs: RunKeys.plain(scriptHash: scriptHash, stdlib: stdlib), parameters: pairs)
        var plain = RunRecord(id: plainRequest.id, script: GridRunner.Configuration.scriptName(of: script), scriptHash: scriptHash,
                              keyInputs: plainRequest.inputs,
                              parameters: plainRequest.parameters, seed: 1, codeVersion: codeVersion, status: .ok, seconds: 0)
        do {
            try vm.runFile(script, results: 1)
            vm.clearLimits()
            if ScriptSession.isDataScript(vm) {
                let session = try ScriptSession(adopting: vm, scriptPath: script)
                let plan = try session.plan()
                try GridRunner.requireParametersUsed(vm, plan)
                let runner = GridRunner(.init(scriptPath: script, parameters: pairs, jobs: 1, timeLimit: nil, storePath: "",
                                              outputFolder: "", stdlib: stdlib, codeVersion: codeVersion))
                return WorkerMessage.Plan(kind: "data", description: plan.description, scriptHash: scriptHash,
                                          requests: runner.requests(plan, inputs: try RunKeys.data(vm)), hasReport: plan.hasReport, plain: nil)
            }
            try RunParameters.of(vm)?.requireAllUsed()
        } catch {
            plain.fail(error)
        }
        plain.seconds = LuaVM.monotonicSeconds() - started
        return WorkerMessage.Plan(kind: "plain", description: "", scriptHash: scriptHash, requests: [plainRequest],
                                  hasReport: false, plain: plain)
    }
}

/// Process-level settings of a batch child.
enum ChildProcess {
    /// The child dies with its parent, so a killed runner leaves no orphans.
    static func dieWithParent() {
        _ = flipside_die_with_parent()
        // The parent may have gone before the request took effect.
        if let expected = ProcessInfo.processInfo.environment["FLIPSIDE_PARENT_PID"], Int32(expected) != getppid() { exit(1) }
    }

    /// Caps the address space at `megabytes`, and gives the memory budget 7/8 of
    /// what the process has not mapped yet (libraries and BLAS buffers take a
    /// few hundred MB of it from the start), so that a tensor or table too many
    /// is a Lua error before an allocation finds no address space left.
    static func limitMemory(megabytes: Int) {
        let bytes = rlim_t(megabytes) << 20
        var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
        _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        let free = (megabytes << 20) - min(mappedBytes(), megabytes << 20)
        MemoryBudget.setLimit(bytes: max(free / 8 * 7, 1 << 20))
    }

    /// VmSize of this process (0 if /proc is not readable).
    static func mappedBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmSize:") }),
              let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kb << 10
    }
}
