import ArgumentParser
import FlipLua

/// `--set name=value`, as every command that runs scripts takes it: one
/// parser, one check (a wrong-case boolean refused), one help text.
struct ParameterOptions: ParsableArguments {
    @Option(name: .customLong("set"),
            help: ArgumentHelp("A parameter scripts read as flipside.params.NAME, its value a Lua literal.", valueName: "name=value"))
    var values: [String] = []

    func validate() throws { _ = try pairs() }

    /// The name=value pairs, checked.
    func pairs() throws -> [(String, String)] {
        let pairs = try values.map { p in
            guard let i = p.firstIndex(of: "="), i != p.startIndex else { throw ValidationError("--set expects name=value, got '\(p)'") }
            return (String(p[..<i]), String(p[p.index(after: i)...]))
        }
        do { try RunParameters.check(pairs) } catch let error as ParameterError { throw ValidationError(error.description) }
        return pairs
    }

    /// The options again, for a child process.
    var arguments: [String] { values.flatMap { ["--set", $0] } }
}
