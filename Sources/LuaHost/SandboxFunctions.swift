import CLua
import CLuaShim

/// The sandbox's replacements for the library functions it keeps in a
/// restricted form. Each throws instead of raising; the functions it wraps
/// are called through `lua_pcall` with arguments already checked.
enum SandboxFunctions {
    nonisolated(unsafe) static let originalsKey = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    static let replacements: [LuaFunction] = [load, loadfile, dofile, open, output, remove, rename]

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
        let target = reads ? path : try sandbox(call).writablePath(path)
        return try callOriginal(call, "io.open", arguments: 2) {
            call.push(target)
            call.push(mode)
        }
    }

    /// io.output(name) opens `name` for writing; a file handle or nothing passes through.
    static let output = LuaFunction("io.output") { call in
        let count = call.count
        if call.type(1) == LUA_TSTRING {
            let target = try sandbox(call).writablePath(try call.string(1))
            return try callOriginal(call, "io.output", arguments: 1) { call.push(target) }
        }
        return try callOriginal(call, "io.output", arguments: min(count, 1)) {
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
