#if canImport(Glibc)
import Glibc
#endif
import CLua
import CLuaShim

/// The sandbox's replacements for the library functions it keeps in a
/// restricted form. Each throws instead of raising; the functions it wraps
/// are called through `lua_pcall` with arguments already checked.
enum SandboxFunctions {
    nonisolated(unsafe) static let originalsKey = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    static let replacements: [LuaFunction] = [load, loadfile, dofile, open, output, input, lines, remove, rename]

    static func sandbox(_ call: LuaCall) throws -> LuaSandbox {
        guard let sandbox = call.vm?.sandbox else { throw LuaHostError("no sandbox is installed") }
        return sandbox
    }

    /// Pushes the kept library function `name`, e.g. "io.open".
    static func pushOriginal(_ call: LuaCall, _ name: String) {
        lua_rawgetp(call.state, clua_registryindex(), originalsKey)
        flipside_rawgetfield(call.state, -1, name)
        clua_remove(call.state, -2)
    }

    /// Calls the kept function `name` with the values `push` leaves, returning all its results.
    static func callOriginal(_ call: LuaCall, _ name: String, arguments: Int32, _ push: () throws -> Void) throws -> Int32 {
        let top = lua_gettop(call.state)
        pushOriginal(call, name)
        try push()
        try LuaVM.protectedCall(call.state, arguments: arguments, results: LUA_MULTRET)
        return lua_gettop(call.state) - top
    }

    // MARK: files

    static let open = LuaFunction("io.open") { call in
        let path = try call.string(1)
        let mode = try call.string(2, default: "r")
        let reads = mode.hasPrefix("r") && !mode.contains("+")
        let sandbox = try sandbox(call)
        let target = reads ? try sandbox.readablePath(path) : try sandbox.writablePath(path)
        let top = lua_gettop(call.state)
        let results = try callOriginal(call, "io.open", arguments: 2) {
            call.push(target)
            call.push(mode)
        }
        // A file moved into place between the check and the open: Landlock refused it.
        if KernelSandbox.isEnforced && lua_type(call.state, top + 1) == LUA_TNIL
            && lua_tointegerx(call.state, top + 3, nil) == lua_Integer(EACCES) {
            throw sandbox.kernelRefusal(path, writing: !reads)
        }
        return results
    }

    /// io.output(name) opens `name` for writing; a file handle or nothing passes through.
    static let output = LuaFunction("io.output") { call in
        try opening(call, "io.output") { try $0.writablePath($1) }
    }

    /// io.input(name) opens `name` for reading; a file handle or nothing passes through.
    static let input = LuaFunction("io.input") { call in
        try opening(call, "io.input") { try $0.readablePath($1) }
    }

    /// io.lines(name, ...) reads `name`; without a name, the default input.
    static let lines = LuaFunction("io.lines") { call in
        let count = call.count
        if call.type(1) == LUA_TSTRING { _ = try sandbox(call).readablePath(try call.string(1)) }
        return try callOriginal(call, "io.lines", arguments: count) {
            for i in 0..<count { lua_pushvalue(call.state, i + 1) }
        }
    }

    /// Calls the kept `name` with a file name checked by `check`, or with the
    /// handle or nothing it was given.
    private static func opening(_ call: LuaCall, _ name: String, check: (LuaSandbox, String) throws -> String) throws -> Int32 {
        let count = call.count
        if call.type(1) == LUA_TSTRING {
            let target = try check(try sandbox(call), try call.string(1))
            return try callOriginal(call, name, arguments: 1) { call.push(target) }
        }
        return try callOriginal(call, name, arguments: min(count, 1)) {
            if count >= 1 { lua_pushvalue(call.state, 1) }
        }
    }

    static let remove = LuaFunction("os.remove") { call in
        let target = try sandbox(call).writablePath(try call.string(1), followingLink: false)
        return try callOriginal(call, "os.remove", arguments: 1) { call.push(target) }
    }

    static let rename = LuaFunction("os.rename") { call in
        let sandbox = try sandbox(call)
        let from = try sandbox.writablePath(try call.string(1), followingLink: false)
        let to = try sandbox.writablePath(try call.string(2), followingLink: false)
        return try callOriginal(call, "os.rename", arguments: 2) {
            call.push(from)
            call.push(to)
        }
    }
}
