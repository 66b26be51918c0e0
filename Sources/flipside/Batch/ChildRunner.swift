import Foundation
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// A `flipside worker` child: started from the runner's main thread (the
/// child dies with that thread), with its output in a log file and a wall
/// clock limit enforced from outside.
final class ChildRunner {
    let process = Process()
    let logPath: String
    let messagePath: String
    let started = Date()
    let deadline: Date?
    private(set) var killedForTime = false

    init(arguments: [String], logPath: String, messagePath: String, timeout: Double?) throws {
        self.logPath = logPath
        self.messagePath = messagePath
        deadline = timeout.map { Date().addingTimeInterval($0 + 5) }
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw LuaHostError("cannot create the log \(logPath): \(String(cString: strerror(errno)))")
        }
        unlink(messagePath)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: ChildRunner.executable)
        process.arguments = ["worker"] + arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["FLIPSIDE_PARENT_PID"] = String(getpid())
        process.environment = environment
        try process.run()
        try log.close()
    }

    static var executable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }

    var isRunning: Bool { process.isRunning }

    /// Kills the child once it is past its deadline; true if it did.
    func enforceDeadline() -> Bool {
        guard let deadline, process.isRunning, Date() > deadline else { return false }
        killedForTime = true
        kill(process.processIdentifier, SIGKILL)
        return true
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Why the child ended without a message, in words.
    func failureReason(timeout: Double?, memory: Int?) -> String {
        let tail = ChildRunner.tail(of: logPath)
        var reason: String
        if killedForTime {
            reason = "killed after the \(timeout.map { String(format: "%g", $0) } ?? "?") s time limit"
        } else if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            reason = "crashed: signal \(signal) (\(String(cString: strsignal(signal))))"
            if let memory, signal == SIGABRT || signal == SIGSEGV || signal == SIGKILL { reason += "; memory limit \(memory) MB" }
        } else if process.terminationStatus == LuaVM.watchdogStatus {
            reason = "stopped by the watchdog: its code did not return within \(String(format: "%g", Watchdog.grace)) s "
                + "after the \(timeout.map { String(format: "%g", $0) } ?? "?") s time limit"
        } else {
            reason = "exited with status \(process.terminationStatus) without a result"
        }
        return tail.isEmpty ? reason : reason + "\n" + tail
    }

    /// The last lines of a log, for a failure's reason.
    static func tail(of path: String, lines: Int = 8) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        let text = String(decoding: data.suffix(4000), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines).joined(separator: "\n")
    }
}
