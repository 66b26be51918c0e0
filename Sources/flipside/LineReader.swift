import CEdit

#if canImport(Glibc)
import Glibc
#endif

/// Where the REPL's input comes from.
protocol LineReader {
    /// The next line without its newline, or nil at the end of input.
    mutating func read(prompt: String) -> String?
    /// Keeps a complete input for the next session.
    mutating func remember(_ entry: String)
}

/// A terminal: libedit's line editing, with history kept in a file.
struct EditLineReader: LineReader {
    let historyFile: String?
    static let historyLimit: Int32 = 1000

    init(historyFile: String?) {
        self.historyFile = historyFile
        using_history()
        stifle_history(Self.historyLimit)
        if let historyFile { _ = read_history(historyFile) }
    }

    mutating func read(prompt: String) -> String? {
        guard let line = readline(prompt) else { return nil }
        defer { free(line) }
        return String(cString: line)
    }

    mutating func remember(_ entry: String) {
        guard !entry.allSatisfy(\.isWhitespace) else { return }
        _ = add_history(entry)
        if let historyFile { _ = write_history(historyFile) }
    }
}

/// A pipe or a file: lines as they come, no prompts, no history.
struct PlainLineReader: LineReader {
    mutating func read(prompt: String) -> String? { readLine(strippingNewline: true) }
    mutating func remember(_ entry: String) {}
}
