import ArgumentParser

@main
struct FlipsideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flipside",
        abstract: "A lab for label-flipping attacks on distributed learning, scripted in Lua.",
        version: "0.2.0",
        subcommands: [RunCommand.self, BatchCommand.self, ResultsCommand.self, ReplCommand.self, TestCommand.self,
                      DocsCommand.self, WorkerCommand.self])
}
