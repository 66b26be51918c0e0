import Foundation
import Testing

/// `flipside repl` on a terminal (a pseudo-terminal, so libedit edits the
/// lines) and from a pipe.
@Suite struct ReplTests {
    @Test func evaluatesOnATerminalAndKeepsHistory() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try PseudoTerminal()
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["TERM"] = "dumb"
        let process = try terminal.launch(CommandLineTests.executable, arguments: ["repl"], environment: environment)
        defer { _ = PseudoTerminal.finish(process, seconds: 0) }

        // Each line is typed once its prompt shows; its output, if any, is awaited.
        let exchanges: [(prompt: String, line: String, expected: String?)] = [
            ("> ", "1 + 2", "\n3\r\n"),
            ("> ", "flipside.tensor.zeros(2):sum()", "\n0.0\r\n"),
            ("> ", "local t = require('flipside').tensor.ones(2, 3); return t:size(2), t",
             "\n3\tTensor(float32 [2x3]: 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)\r\n"),
            ("> ", "error('boom')", "stdin:1: boom"),
            ("> ", "for i = 1, 2 do", nil),
            (">> ", "print(i * 10)", nil),
            (">> ", "end", "\n10\r\n20\r\n"),
        ]
        var mark = terminal.start
        for exchange in exchanges {
            guard let afterPrompt = terminal.enter(exchange.line, after: mark, prompt: exchange.prompt) else {
                Issue.record("no prompt '\(exchange.prompt)' before \(exchange.line): \(terminal.transcript)")
                return
            }
            mark = afterPrompt
            guard let expected = exchange.expected else { continue }
            guard let afterResult = terminal.wait(for: expected, after: mark) else {
                Issue.record("\(exchange.line): \(terminal.transcript)")
                return
            }
            mark = afterResult
        }
        #expect(terminal.enter("", after: mark, key: "\u{4}") != nil, "Ctrl-D")
        #expect(PseudoTerminal.finish(process), "Ctrl-D does not leave: \(terminal.transcript)")
        #expect(process.terminationStatus == 0)

        let history = try String(contentsOf: home.appendingPathComponent(".flipside_history"), encoding: .utf8)
        #expect(history.contains("flipside.tensor.zeros(2):sum()"), "\(history)")
        #expect(history.contains("print(i\\040*\\04010)"), "multi-line input is one entry: \(history)")
    }

    /// Tab completes a field, a nested field and a tensor's method on the
    /// line being typed; the completed lines then run.
    @Test func completesWithTab() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try PseudoTerminal()
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["TERM"] = "dumb"
        let process = try terminal.launch(CommandLineTests.executable, arguments: ["repl"], environment: environment)
        defer { _ = PseudoTerminal.finish(process, seconds: 0) }

        let exchanges: [(line: String, expected: String)] = [
            ("flipside.tens\t.zeros(2):sum()", "\n0.0\r\n"),
            ("flipside.tensor.ze\t(3):numel()", "\n3\r\n"),
            ("t = flipside.tensor.ones(2, 2); print('made')", "\nmade\r\n"),
            ("t:num\t()", "\n4\r\n"),
        ]
        var mark = terminal.start
        for exchange in exchanges {
            guard let afterPrompt = terminal.enter(exchange.line, after: mark) else {
                Issue.record("no prompt before \(exchange.line): \(terminal.transcript)")
                return
            }
            guard let afterResult = terminal.wait(for: exchange.expected, after: afterPrompt) else {
                Issue.record("\(exchange.line): \(terminal.transcript)")
                return
            }
            mark = afterResult
        }
        #expect(terminal.enter("", after: mark, key: "\u{4}") != nil, "Ctrl-D")
        #expect(PseudoTerminal.finish(process), "Ctrl-D does not leave: \(terminal.transcript)")
    }

    /// Values print by their contents, and help(f) prints a function's reference entry.
    @Test func showsTablesAndHelps() throws {
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["repl"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("""
            {a = 1, b = {2, 3, {4}}, "x", ["key with space"] = true}
            help(flipside.tensor.zeros)
            help(require("flipside.report").mean)
            help("flipside.Tensor:sum")

            """.utf8))
        try input.fileHandleForWriting.close()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(stdout.hasPrefix("{\"x\", a = 1, b = {2, 3, {…}}, [\"key with space\"] = true}\n"), "\(stdout)")
        #expect(stdout.contains("### `flipside.tensor.zeros(shape, ...)`\n\nA tensor of zeros."), "\(stdout)")
        #expect(stdout.contains("flipside.report.mean(values)\n\nThe mean of a list of numbers"), "\(stdout)")
        #expect(stdout.contains("### `tensor:sum([dim])`"), "\(stdout)")
    }

    @Test func readsLinesFromAPipe() throws {
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["repl"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data("""
            1 + 2
            flipside.tensor.zeros(2):sum()
            for i = 1, 2 do
              print(i)
            end
            nil, "a", 2^53
            x = 1
            error({})
            setmetatable({}, {__tostring = function() error("shown badly") end})
            function broken(

            """.utf8))
        try input.fileHandleForWriting.close()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(stdout == "3\n0.0\n1\n2\nnil\ta\t9.007199254741e+15\n")
        #expect(stderr.contains("(error object is a table value)"))
        #expect(stderr.contains("error calling 'print' (stdin:1: shown badly)"), "a failing __tostring reads as the standalone lua's: \(stderr)")
        #expect(stderr.contains("<eof>"), "an input cut short shows its syntax error: \(stderr)")
    }
}
