import ArgumentParser
import FlipKit
import FlipLua

@main
struct FlipsideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flipside",
        abstract: "A lab for label-flipping attacks on distributed learning, scripted in Lua.",
        version: "\(Flipside.version)\nBLAS: \(BLASKernel.current.summary)",
        subcommands: [RunCommand.self, BatchCommand.self, ResultsCommand.self, ReplCommand.self, TestCommand.self,
                      DocsCommand.self, WorkerCommand.self])

    /// The BLAS kernel is chosen before anything else runs: choosing it may
    /// execute the program again.
    static func main() {
        BLASStartup.run()
        main(nil)
    }
}
