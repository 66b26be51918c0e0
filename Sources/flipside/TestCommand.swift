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

    @OptionGroup var parameters: ParameterOptions

    @Option(help: "Seed, readable as flipside.seed.")
    var seed: Int = 1

    @Option(help: "Stop a test file with an error after this many seconds.")
    var timeLimit: Double?

    @Flag(help: "Run each file sandboxed, as run --sandbox does; its output folder is its TEST_TMP.")
    var sandbox = false

    @OptionGroup var sandboxFlags: SandboxFlags

    @Option(help: .hidden)
    var scratch: String?

    @Argument(help: "Test files and folders.")
    var paths: [String] = []

    func validate() throws {
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be positive") }
    }

    func run() throws {
        Watchdog.enable(for: timeLimit)
        let pairs = try parameters.pairs()
        let roots = paths.isEmpty ? [access("Tests/lua", R_OK) == 0 ? "Tests/lua" : "."] : paths
        let files: [String]
        do { files = try LuaTestRunner.collect(roots) } catch {
            FileHandleOutput.error("flipside test: \(error)")
            throw ExitCode(2)
        }
        let runner = LuaTestRunner(settings: .init(parameters: pairs, seed: seed), readable: nil, timeLimit: timeLimit)
        if sandbox, let scratch {
            try runSandboxedChild(runner, files: files, scratch: scratch)
            return
        }
        var passed = 0, failed = 0
        if sandbox {
            if !sandboxFlags.withoutLandlock, SandboxSetup.landlock().abi == nil {
                FileHandleOutput.error("flipside test: \(SandboxSetup.landlockMissing)")
                throw ExitCode(2)
            }
            (passed, failed) = SandboxedTestFiles(files: files, arguments: childArguments()).run()
        } else {
            for file in files {
                if LuaTestRunner.report(file, runner.run(file)) { passed += 1 } else { failed += 1 }
                fflush(nil)
            }
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }

    /// What a child running one sandboxed file is told, besides --scratch and the file.
    func childArguments() -> [String] {
        ["test", "--sandbox", "--seed", String(seed)] + parameters.arguments
            + (timeLimit.map { ["--time-limit", String($0)] } ?? []) + sandboxFlags.arguments
    }

    /// A child of a sandboxed `flipside test`: one file, restricted by the kernel
    /// to writing in `scratch`, its TEST_TMP. Exits 1 when the file failed.
    func runSandboxedChild(_ runner: LuaTestRunner, files: [String], scratch: String) throws {
        guard files.count == 1, let file = files.first else { throw ValidationError("--scratch runs one file") }
        var runner = runner
        let setup = SandboxSetup(output: scratch, scripts: [file], flags: sandboxFlags)
        do {
            try setup.enforceInKernel()
        } catch {
            FileHandleOutput.error("flipside test: \(error)")
            throw ExitCode(2)
        }
        runner.readable = setup.readable
        if !LuaTestRunner.report(file, runner.run(file, scratch: scratch)) { throw ExitCode(1) }
    }
}
