import ArgumentParser
import FlipLua
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Write the Lua API reference (api.md) and LuaCATS stubs (flipside.lua) for lua-language-server.")

    @Option(help: ArgumentHelp("The folder to write into.", valueName: "dir"))
    var out = "docs"

    func run() throws {
        try ScriptHost.createDirectory(out + "/stdlib")
        guard let stdlib = StdlibLocator.find() else { throw LuaHostError("the stdlib folder was not found") }
        for (name, contents) in ReferenceDocuments.files(stdlib: try StdlibReference.load(stdlib: stdlib)) {
            let path = out + "/" + name
            guard let file = fopen(path, "w") else {
                throw LuaHostError("cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
            let written = contents.utf8CString.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count - 1, file) }
            let closed = fclose(file)
            guard written == contents.utf8.count, closed == 0 else { throw LuaHostError("cannot write '\(path)'") }
            print("wrote \(path)")
        }
    }
}
