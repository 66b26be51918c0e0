import ArgumentParser
import FlipLua
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "An interactive Lua prompt with the engine loaded as the global flipside.",
        discussion: """
            Values are printed as the standalone lua prints them. An incomplete chunk \
            continues on the next line (prompt '>>'). On a terminal, lines are edited with \
            libedit and kept in ~/.flipside_history, and Tab completes globals, fields \
            and methods (read without running any code); from a pipe, lines are read as they come. \
            Ctrl-C stops a running evaluation; Ctrl-D at the prompt leaves.
            """)

    @OptionGroup var parameters: ParameterOptions

    @Option(help: "Seed, readable as flipside.seed.")
    var seed: Int = 1

    func run() throws {
        let pairs = try parameters.pairs()
        let vm = try ScriptHost.makeVM(settings: .init(parameters: pairs, seed: seed), sandbox: nil)
        try vm.run("flipside = require 'flipside'", name: "=repl")
        try vm.run(ReplEvaluator.source, name: "=repl", results: 1)
        let evaluator = vm.top
        let interactive = isatty(0) != 0
        if interactive {
            print("flipside \(Flipside.version) (Lua 5.4): the engine is the global flipside; Ctrl-D leaves.")
            var reader = EditLineReader(historyFile: ReplSession.historyFile())
            ReplCompletion.install(vm)
            ReplSession(vm: vm, evaluator: evaluator).loop(&reader)
        } else {
            var reader = PlainLineReader()
            ReplSession(vm: vm, evaluator: evaluator).loop(&reader)
        }
    }
}
