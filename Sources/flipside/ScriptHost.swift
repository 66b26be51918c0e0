import FlipLua
import FlipRunner
import Foundation
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// A VM as every command hands it to a script: the engine as
/// `require "flipside"`, the stdlib on package.path, and, when asked, the sandbox.
enum ScriptHost {
    static func makeVM(settings: Flipside.RunSettings, sandbox: LuaSandbox?) throws -> LuaVM {
        try ScriptVM.make(settings: settings, stdlib: StdlibLocator.find(), sandbox: sandbox)
    }

    /// The default output folder of a script: ./out/<script name without .lua, made safe>.
    static func defaultOutputDirectory(for script: String) -> String {
        "out/" + OutputFolderName.of(script)
    }

    /// `path` made absolute against the working folder.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath
        return path.isEmpty || path == "." ? cwd : cwd + "/" + path
    }

    /// Creates `path` and its missing parents, like `mkdir -p`.
    static func createDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw LuaHostError("cannot create the folder '\(prefix)': \(String(cString: strerror(errno)))")
            }
        }
    }
}
