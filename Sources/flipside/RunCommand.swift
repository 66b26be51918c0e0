import ArgumentParser
import FlipLua
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
            """)

    @Option(name: .customLong("set"), help: ArgumentHelp("A parameter the script reads as flipside.params.NAME.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: "Seed of the run, readable as flipside.seed.")
    var seed: Int = 1

    @Option(help: "Stop the script with an error after this many seconds.")
    var timeLimit: Double?

    @Option(help: ArgumentHelp(
        "The run's output folder, readable as flipside.out (default: out/<script name>; created with --out or --sandbox).",
        valueName: "dir"))
    var out: String?

    @Flag(help: "Run a script written by someone else: no processes, native code or debug library, no binary chunks, and writes only inside the output folder.")
    var sandbox = false

    @Argument(help: "The Lua script to run.")
    var script: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments passed to the script.")
    var scriptArguments: [String] = []

    func validate() throws {
        for p in parameters where !p.contains("=") || p.hasPrefix("=") {
            throw ValidationError("--set expects name=value, got '\(p)'")
        }
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be positive") }
    }

    func run() throws {
        let pairs = parameters.map { p -> (String, String) in
            let i = p.firstIndex(of: "=")!  // validate() guarantees an '='
            return (String(p[..<i]), String(p[p.index(after: i)...]))
        }
        let output = out ?? ScriptHost.defaultOutputDirectory(for: script)
        if out != nil || sandbox { try ScriptHost.createDirectory(output) }
        let vm = try ScriptHost.makeVM(
            settings: .init(parameters: pairs, seed: seed, outputDirectory: output), sandboxed: sandbox)
        vm.setGlobal("arg") { vm in
            ScriptArguments.push(on: vm, script: script, arguments: scriptArguments)
        }
        if let timeLimit { vm.setTimeLimit(seconds: timeLimit) }
        do {
            try vm.runFile(script, arguments: scriptArguments)
        } catch let error as LuaScriptError {
            fflush(nil)
            FileHandleOutput.error("flipside: \(error.traceback.isEmpty ? error.message : error.traceback)")
            throw ExitCode(1)
        }
    }
}
