import Foundation
import LuaHost
import Testing

/// A sandboxed VM against the ways out a hostile script would try first.
@Suite struct SandboxTests {
    /// A folder holding `out/` (the output folder), `outside/` and links from one to the other.
    final class Layout {
        let root: URL
        var out: String { root.appendingPathComponent("out").path }
        var outside: String { root.appendingPathComponent("outside").path }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-sandbox-\(UUID().uuidString)")
            let fm = FileManager.default
            try fm.createDirectory(atPath: root.appendingPathComponent("out/sub").path, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: root.appendingPathComponent("outside").path, withIntermediateDirectories: true)
            try "secret".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
            try "return 'text module'".write(toFile: outside + "/textmod.lua", atomically: true, encoding: .utf8)
            try fm.createSymbolicLink(atPath: out + "/to_outside", withDestinationPath: outside)
            try fm.createSymbolicLink(atPath: out + "/secret_link", withDestinationPath: outside + "/secret.txt")
            try fm.createSymbolicLink(atPath: out + "/dangling", withDestinationPath: outside + "/not_yet.txt")
            try fm.createSymbolicLink(atPath: out + "/inner_link", withDestinationPath: out + "/sub")
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        func sandboxedVM() throws -> LuaVM {
            let vm = try LuaVM()
            vm.applySandbox(try LuaSandbox(outputDirectory: out))
            vm.setGlobal("OUT") { $0.push(out) }
            vm.setGlobal("OUTSIDE") { $0.push(outside) }
            return vm
        }

        /// A precompiled chunk, made by an unrestricted VM.
        func writeBinaryChunk(_ name: String) throws -> String {
            let vm = try LuaVM()
            try vm.run("return string.dump(function() return 'binary code ran' end)", results: 1)
            let bytes = try #require(vm.bytes(at: -1))
            let path = outside + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    static func failure(_ vm: LuaVM, _ source: String) -> String? {
        do {
            try vm.run(source, name: "=escape")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func processesNativeCodeAndDebugAreGone() throws {
        let vm = try Layout().sandboxedVM()
        try vm.run("""
            assert(os.execute == nil and io.popen == nil and os.exit == nil, "process functions")
            assert(package.loadlib == nil and package.cpath == "", "native loading")
            assert(debug == nil and package.loaded.debug == nil, "debug library")
            assert(string.dump == nil and getmetatable("").__index.dump == nil, "string.dump")
            assert(os.tmpname == nil and os.setlocale == nil, "os.tmpname, os.setlocale")
            assert(#package.searchers == 2, "two searchers")
            assert(os.getenv("HOME") ~= nil or true)
            """)
        #expect(SandboxTests.failure(vm, "require 'debug'")?.contains("module 'debug' not found") == true)
        #expect(SandboxTests.failure(vm, "debug.sethook(function() end, 'l')")?.contains("attempt to index a nil value") == true)
        #expect(SandboxTests.failure(vm, "os.execute('touch /tmp/flipside-escaped')") != nil)
        #expect(SandboxTests.failure(vm, "io.popen('id')") != nil)
    }

    @Test func cModulesCannotBeRequired() throws {
        let vm = try Layout().sandboxedVM()
        let message = SandboxTests.failure(vm, """
            package.cpath = '/usr/lib/x86_64-linux-gnu/lib?.so;/usr/local/lib/lua/5.4/?.so'
            require 'lua5.4'
            """)
        #expect(message?.contains("module 'lua5.4' not found") == true)
        #expect(message?.contains(".so") == false)
    }

    @Test func binaryChunksAreRefusedEverywhere() throws {
        let layout = try Layout()
        let chunk = try layout.writeBinaryChunk("chunk.luac")
        _ = try layout.writeBinaryChunk("binmod.lua")
        let vm = try layout.sandboxedVM()
        vm.setGlobal("CHUNK") { $0.push(chunk) }
        try vm.run("""
            local f = assert(io.open(CHUNK, "rb")); local bytes = f:read("a"); f:close()
            local fn, err = load(bytes)
            assert(fn == nil and err:find("attempt to load a binary chunk"), tostring(err))
            fn, err = load(bytes, "x", "b")
            assert(fn == nil and err:find("binary chunk"), "mode 'b' is not honoured")
            local sent = false
            fn, err = load(function() if sent then return nil end sent = true return bytes end)
            assert(fn == nil and err:find("binary chunk"), tostring(err))
            fn, err = loadfile(CHUNK)
            assert(fn == nil and err:find("binary chunk"), tostring(err))
            assert(not pcall(dofile, CHUNK), "dofile ran a binary chunk")
            package.path = OUTSIDE .. "/?.lua"
            local ok, msg = pcall(require, "binmod")
            assert(not ok and msg:find("binary chunk"), tostring(msg))
            assert(require("textmod") == "text module", "text modules still load")
            assert(load("return 1 + 1")() == 2)
            assert(load("return x", "env", "t", { x = 5 })() == 5, "environments still work")
            assert(select(2, dofile(OUTSIDE .. "/textmod.lua") ) == nil)
            """)
    }

    @Test func writesStayInsideTheOutputFolder() throws {
        let layout = try Layout()
        let vm = try layout.sandboxedVM()
        try vm.run("""
            local f = assert(io.open(OUT .. "/result.txt", "w")); f:write("ok"); f:close()
            f = assert(io.open(OUT .. "/sub/../sub/nested.txt", "a")); f:write("ok"); f:close()
            f = assert(io.open(OUT .. "/inner_link/through_link.txt", "w")); f:close()
            assert(io.open(OUTSIDE .. "/secret.txt", "r"):read("a") == "secret", "reads are allowed")
            for line in io.lines(OUTSIDE .. "/secret.txt") do assert(line == "secret") end
            io.input(OUTSIDE .. "/secret.txt"); assert(io.read("a") == "secret"); io.input(io.stdin)
            io.output(OUT .. "/through_output.txt"); io.write("ok"); io.close(); io.output(io.stdout)
            assert(os.rename(OUT .. "/result.txt", OUT .. "/renamed.txt"))
            assert(os.remove(OUT .. "/renamed.txt"))
            """)
        let escapes = [
            "io.open(OUT .. '/../escape.txt', 'w')",
            "io.open(OUT .. '/sub/../../escape.txt', 'w')",
            "io.open(OUT .. '/to_outside/escape.txt', 'w')",
            "io.open(OUT .. '/secret_link', 'a')",
            "io.open(OUT .. '/secret_link', 'r+')",
            "io.open(OUT .. '/dangling', 'w')",
            "io.open(OUTSIDE .. '/secret.txt', 'w+')",
            "io.open('/tmp/flipside-escaped.txt', 'wb')",
            "io.output(OUTSIDE .. '/escape.txt')",
            "os.remove(OUTSIDE .. '/secret.txt')",
            "os.remove(OUT .. '/to_outside/secret.txt')",
            "os.rename(OUT .. '/to_outside/secret.txt', OUT .. '/stolen.txt')",
            "io.output(OUT .. '/to_outside/escape.txt')",
            "os.remove(OUT)",
            "os.rename(OUTSIDE .. '/secret.txt', OUT .. '/stolen.txt')",
            "os.rename(OUT .. '/sub', OUTSIDE .. '/moved')",
            "io.open(OUT, 'w')",
        ]
        for escape in escapes {
            let message = SandboxTests.failure(vm, escape)
            #expect(message?.contains("sandbox:") == true, "\(escape): \(message ?? "allowed")")
        }
        let fm = FileManager.default
        #expect(!fm.fileExists(atPath: layout.root.appendingPathComponent("escape.txt").path))
        #expect(!fm.fileExists(atPath: layout.outside + "/escape.txt"))
        #expect(!fm.fileExists(atPath: layout.outside + "/not_yet.txt"))
        #expect(try String(contentsOfFile: layout.outside + "/secret.txt", encoding: .utf8) == "secret")
        #expect(fm.fileExists(atPath: layout.out + "/sub/through_link.txt"))
    }

    @Test func bindingsCanAskTheSandbox() throws {
        let layout = try Layout()
        let sandbox = try LuaSandbox(outputDirectory: layout.out + "/sub/..")
        #expect(sandbox.outputDirectory == URL(fileURLWithPath: layout.out).resolvingSymlinksInPath().path)
        #expect(throws: LuaSandboxError.self) { try sandbox.writablePath(layout.outside + "/x") }
        #expect(try sandbox.writablePath(layout.out + "/sub/x").hasSuffix("/out/sub/x"))
    }
}
