import ArgumentParser
import FlipLua
import Foundation
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run Lua test files, each in a fresh VM, with require \"flipside.check\" for assertions.",
        discussion: """
            A folder stands for every test_*.lua under it; without paths, Tests/lua if it exists, \
            else the current folder. Each file passes when it runs to the end. Prints one line \
            per file and ends with 'N passed, N failed'; the exit status is 1 if any failed.
            """)

    @Option(name: .customLong("set"), help: ArgumentHelp("A parameter the tests read as flipside.params.NAME.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: "Seed, readable as flipside.seed.")
    var seed: Int = 1

    @Option(help: "Stop a test file with an error after this many seconds.")
    var timeLimit: Double?

    @Flag(help: "Run each file sandboxed, as run --sandbox does; its output folder is its TEST_TMP.")
    var sandbox = false

    @OptionGroup var sandboxFlags: SandboxFlags

    @Argument(help: "Test files and folders.")
    var paths: [String] = []

    func validate() throws {
        for p in parameters where !p.contains("=") || p.hasPrefix("=") {
            throw ValidationError("--set expects name=value, got '\(p)'")
        }
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be positive") }
    }

    func run() throws {
        Watchdog.enable(for: timeLimit)
        let pairs = parameters.map { p -> (String, String) in
            let i = p.firstIndex(of: "=")!  // validate() guarantees an '='
            return (String(p[..<i]), String(p[p.index(after: i)...]))
        }
        let roots = paths.isEmpty ? [access("Tests/lua", R_OK) == 0 ? "Tests/lua" : "."] : paths
        let files: [String]
        do { files = try LuaTestRunner.collect(roots) } catch {
            FileHandleOutput.error("flipside test: \(error)")
            throw ExitCode(2)
        }
        var runner = LuaTestRunner(settings: .init(parameters: pairs, seed: seed), sandbox: nil, timeLimit: timeLimit)
        if sandbox {
            // One kernel restriction for the whole command: every file's TEST_TMP lies in one root.
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-tests-\(UUID().uuidString)").path
            let setup = SandboxSetup(output: root, scripts: files, flags: sandboxFlags)
            do {
                try ScriptHost.createDirectory(root)
                try setup.enforceInKernel()
            } catch {
                FileHandleOutput.error("flipside test: \(error)")
                throw ExitCode(2)
            }
            runner.sandbox = (root, setup.readable)
        }
        var passed = 0, failed = 0
        for file in files {
            switch runner.run(file) {
            case .passed(let seconds):
                passed += 1
                print("ok    \(file) (\(String(format: "%.2f", seconds)) s)")
            case .failed(let message):
                failed += 1
                let indented = message.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n      ")
                print("FAIL  \(file)\n      \(indented)")
            }
            fflush(nil)
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
