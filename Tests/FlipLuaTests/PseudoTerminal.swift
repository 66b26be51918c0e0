import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal pair: a child process gets the terminal side as its
/// standard streams, the test types and reads on the controlling side.
final class PseudoTerminal {
    let controller: Int32
    let terminal: FileHandle
    private(set) var transcript = ""

    // Linux's <asm-generic/ioctls.h>: posix_openpt, unlockpt and ptsname are
    // these under the hood, and Swift's Glibc module does not declare them.
    static let unlockRequest: UInt = 0x4004_5431  // TIOCSPTLCK
    static let numberRequest: UInt = 0x8004_5430  // TIOCGPTN

    init() throws {
        controller = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard controller >= 0, ioctl(controller, Self.unlockRequest, &unlock) == 0,
            ioctl(controller, Self.numberRequest, &number) == 0
        else { throw CocoaError(.fileReadUnknown) }
        let fd = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw CocoaError(.fileReadUnknown) }
        terminal = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    deinit { close(controller) }

    /// Starts `executable` on the terminal side; closes this process's copy of it.
    func launch(_ executable: URL, arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = terminal
        try process.run()
        try terminal.close()
        return process
    }

    /// Types `line` and Enter once `prompt` shows after `mark` and line
    /// editing is on (text typed ahead meets the terminal in another mode,
    /// and an early Ctrl-D is lost); returns where that prompt ended.
    func enter(_ line: String, after mark: String.Index, prompt: String = "> ", key: String = "\r") -> String.Index? {
        guard let promptEnd = wait(for: prompt, after: mark), waitForRawMode() else { return nil }
        type(line + key)
        return promptEnd
    }

    /// Waits until the program reads keys one by one (line editing on):
    /// libedit switches the terminal out of canonical mode around its prompt.
    func waitForRawMode(seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var modes = termios()
        while Date() < deadline {
            guard tcgetattr(controller, &modes) == 0 else { return false }
            if modes.c_lflag & tcflag_t(ICANON) == 0 { return true }
            usleep(5_000)
        }
        return false
    }

    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(controller, $0.baseAddress, $0.count) }
    }

    /// Reads until the output after `mark` contains `expected` or `seconds`
    /// pass; returns where the first match ends, or nil.
    func wait(for expected: String, after mark: String.Index, seconds: Double = 20) -> String.Index? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let match = transcript[mark...].range(of: expected) { return match.upperBound }
            guard Date() < deadline else { return nil }
            var poller = pollfd(fd: controller, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) >= 0 else { return nil }
            guard poller.revents & Int16(POLLIN) != 0 else {
                if poller.revents != 0 { return nil }
                continue
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(controller, &buffer, buffer.count)
            guard n > 0 else { return nil }
            transcript += String(decoding: buffer[..<n], as: UTF8.self)
        }
    }

    var start: String.Index { transcript.startIndex }

    /// Waits up to `seconds` for `process` to exit; kills it if it does not.
    static func finish(_ process: Process, seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }
}
