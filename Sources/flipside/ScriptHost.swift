import FlipLua
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// A VM as every command hands it to a script: the engine as
/// `require "flipside"`, the stdlib on package.path, and, when asked, the sandbox.
enum ScriptHost {
    static func makeVM(settings: Flipside.RunSettings, sandboxed: Bool) throws -> LuaVM {
        let vm = try LuaVM()
        Flipside.install(in: vm, settings: settings, stdlib: StdlibLocator.find())
        if sandboxed {
            guard let out = settings.outputDirectory else { throw LuaHostError("a sandboxed run needs an output folder") }
            vm.applySandbox(try LuaSandbox(outputDirectory: out))
        }
        return vm
    }

    /// The default output folder of a script: ./out/<script name without .lua, made safe>.
    static func defaultOutputDirectory(for script: String) -> String {
        "out/" + OutputFolderName.of(script)
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
