import FlipLua
import Foundation
import LuaHost

/// Runs Lua test files, each in a fresh VM with the engine, the stdlib (and
/// so `require "flipside.check"`), the file's own folder on package.path and
/// a fresh temporary folder as TEST_TMP, which is also the output folder.
struct LuaTestRunner {
    var settings: Flipside.RunSettings
    /// Sandboxed runs: the folders files may read.
    var readable: [String]?
    var timeLimit: Double?

    enum Outcome {
        case passed(seconds: Double)
        case failed(message: String)
    }

    /// `test_*.lua` under each folder (recursively, sorted) and each file as given.
    static func collect(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw LuaHostError("no such file or folder: \(path)")
            }
            guard isFolder.boolValue else {
                files.append(path)
                continue
            }
            let found = (fm.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []).filter { relative in
                let name = relative.split(separator: "/").last.map(String.init) ?? relative
                return name.hasPrefix("test_") && name.hasSuffix(".lua")
            }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            files += found.sorted().map { path == "." ? $0 : prefix + $0 }
        }
        return files
    }

    /// Runs `file` with a fresh TEST_TMP, or with `scratch` (made and removed by the caller).
    /// The line (or lines) `flipside test` prints for one file; true when it passed.
    static func report(_ file: String, _ outcome: Outcome) -> Bool {
        switch outcome {
        case .passed(let seconds):
            print("ok    \(file) (\(String(format: "%.2f", seconds)) s)")
            return true
        case .failed(let message):
            let indented = message.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n      ")
            print("FAIL  \(file)\n      \(indented)")
            return false
        }
    }

    func run(_ file: String, scratch given: String? = nil) -> Outcome {
        let fm = FileManager.default
        let scratch = given ?? fm.temporaryDirectory.path + "/flipside-test-\(UUID().uuidString)"
        defer { if given == nil { try? fm.removeItem(atPath: scratch) } }
        let start = LuaVM.monotonicSeconds()
        do {
            try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            var settings = self.settings
            settings.outputDirectory = scratch
            let rails = try readable.map { try LuaSandbox(outputDirectory: scratch, readableDirectories: $0) }
            let vm = try ScriptHost.makeVM(settings: settings, sandbox: rails)
            let folder = (file as NSString).deletingLastPathComponent
            vm.prependPackagePath(folder.isEmpty ? "." : folder)
            vm.setGlobal("TEST_TMP") { $0.push(scratch) }
            if let timeLimit { vm.setTimeLimit(seconds: timeLimit) }
            try vm.runFile(file)
            return .passed(seconds: LuaVM.monotonicSeconds() - start)
        } catch let error as LuaScriptError {
            return .failed(message: error.traceback.isEmpty ? error.message : error.traceback)
        } catch {
            return .failed(message: "\(error)")
        }
    }
}
