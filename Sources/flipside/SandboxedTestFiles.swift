import Foundation
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// `flipside test --sandbox`: each file runs in a child process of its own,
/// restricted by the kernel to writing in its TEST_TMP, which this process
/// (unrestricted) makes and removes. A child the watchdog or a signal ended is
/// that file's failure; the next file runs.
struct SandboxedTestFiles {
    var files: [String]
    var arguments: [String]

    /// Runs every file, printing its lines; returns how many passed and failed.
    func run() -> (passed: Int, failed: Int) {
        var passed = 0, failed = 0
        for file in files {
            if runOne(file) { passed += 1 } else { failed += 1 }
            fflush(nil)
        }
        return (passed, failed)
    }

    private func runOne(_ file: String) -> Bool {
        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent("flipside-test-\(UUID().uuidString)").path
        defer { try? fm.removeItem(atPath: scratch) }
        let process = Process()
        let output = Pipe(), errors = Pipe()
        process.executableURL = URL(fileURLWithPath: ChildRunner.executable)
        process.arguments = arguments + ["--scratch", scratch, file]
        process.standardOutput = output
        process.standardError = errors
        do {
            try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            try process.run()
        } catch {
            print("FAIL  \(file)\n      cannot start a sandboxed process: \(error)")
            return false
        }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(printed, terminator: "")
        let status = process.terminationStatus
        if process.terminationReason == .exit && (status == 0 || status == 1) { return status == 0 }
        let reason = process.terminationReason == .uncaughtSignal
            ? "crashed: signal \(status) (\(String(cString: strsignal(status))))"
            : status == LuaVM.watchdogStatus ? "stopped by the watchdog" : "exited with status \(status)"
        let detail = complaint.split(separator: "\n").suffix(6).joined(separator: "\n      ")
        print("FAIL  \(file)\n      \(reason)" + (detail.isEmpty ? "" : "\n      " + detail))
        return false
    }
}
