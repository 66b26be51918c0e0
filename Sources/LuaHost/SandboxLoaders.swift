#if canImport(Glibc)
import Glibc
#endif
import CLua
import CLuaShim

/// load, loadfile, dofile and require's Lua searcher, reading text chunks only:
/// a binary chunk is unchecked bytecode, which can corrupt the interpreter.
extension SandboxFunctions {
    /// Loaded chunk on top, or nil and the message, as `load` answers.
    static func finishLoad(_ call: LuaCall, status: Int32, environment: Int32) -> Int32 {
        guard status == LUA_OK else {
            lua_pushnil(call.state)
            clua_insert(call.state, -2)
            return 2
        }
        if lua_type(call.state, environment) != LUA_TNONE {
            lua_pushvalue(call.state, environment)
            if lua_setupvalue(call.state, -2, 1) == nil { clua_pop(call.state, 1) }
        }
        return 1
    }

    /// load(chunk [, name [, mode [, env]]]): `mode` is always "t".
    static let load = LuaFunction("load") { call in
        let state = call.state
        if call.type(1) == LUA_TSTRING {
            var length = 0
            let chunk = lua_tolstring(state, 1, &length)
            let name = try call.string(2, default: try call.string(1))
            let status = luaL_loadbufferx(state, chunk, length, name, "t")
            return finishLoad(call, status: status, environment: 4)
        }
        guard call.type(1) == LUA_TFUNCTION else { throw call.argumentError(1, expected: "string or function") }
        let name = try call.string(2, default: "=(load)")
        var source: [UInt8] = []
        while let piece = try readPiece(call) {
            source += piece
        }
        let status = source.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { luaL_loadbufferx(state, $0.baseAddress, $0.count, name, "t") }
        }
        return finishLoad(call, status: status, environment: 4)
    }

    /// The next piece from the reader function at argument 1: nil at its end.
    private static func readPiece(_ call: LuaCall) throws -> [UInt8]? {
        let state = call.state
        let top = lua_gettop(state)
        defer { lua_settop(state, top) }
        try call.protectedCall(function: 1, arguments: 0, results: 1) {}
        switch lua_type(state, -1) {
        case LUA_TNIL: return nil
        case LUA_TSTRING:
            var length = 0
            guard let piece = lua_tolstring(state, -1, &length), length > 0 else { return nil }
            return Array(UnsafeRawBufferPointer(start: piece, count: length))
        default: throw LuaScriptError(message: "reader function must return a string", traceback: "")
        }
    }

    /// loadfile([filename [, mode [, env]]]): `mode` is always "t".
    static let loadfile = LuaFunction("loadfile") { call in
        let path = call.isNoneOrNil(1) ? nil : try sandbox(call).readablePath(try call.string(1))
        return finishLoad(call, status: luaL_loadfilex(call.state, path, "t"), environment: 3)
    }

    /// dofile([filename]): a text chunk, run with its errors passed on.
    static let dofile = LuaFunction("dofile") { call in
        let state = call.state
        let path = call.isNoneOrNil(1) ? nil : try sandbox(call).readablePath(try call.string(1))
        lua_settop(state, 0)
        guard luaL_loadfilex(state, path, "t") == LUA_OK else {
            throw LuaScriptError(message: LuaVM.popMessage(state), traceback: "")
        }
        try LuaVM.protectedCall(state, arguments: 0, results: LUA_MULTRET)
        return lua_gettop(state)
    }

    /// require's searcher for Lua files on package.path, loading text only.
    static let searcher = LuaFunction("searcher") { call in
        let name = try call.string(1)
        pushOriginal(call, "package")
        let path = try withPackagePath(call) { $0 }
        clua_pop(call.state, 1)
        var tried: [String] = []
        let file = name.replacingDots()
        for template in path.split(separator: ";", omittingEmptySubsequences: true) {
            let candidate = template.replacingQuestionMarks(with: file)
            guard access(candidate, R_OK) == 0 else {
                tried.append("no file '\(candidate)'")
                continue
            }
            guard (try? sandbox(call).readablePath(candidate)) != nil else {
                tried.append("no file '\(candidate)' that a sandboxed run may read")
                continue
            }
            guard luaL_loadfilex(call.state, candidate, "t") == LUA_OK else {
                let message = LuaVM.popMessage(call.state)
                throw LuaScriptError(
                    message: "error loading module '\(name)' from file '\(candidate)':\n\t\(message)", traceback: "")
            }
            call.push(candidate)
            return 2
        }
        call.push(tried.joined(separator: "\n\t"))
        return 1
    }

    /// package.path of the package table on top.
    private static func withPackagePath<R>(_ call: LuaCall, _ body: (String) throws -> R) throws -> R {
        guard flipside_rawgetfield(call.state, -1, "path") == LUA_TSTRING, let text = clua_tostring(call.state, -1) else {
            clua_pop(call.state, 1)
            throw LuaHostError("'package.path' must be a string")
        }
        let path = String(cString: text)
        clua_pop(call.state, 1)
        return try body(path)
    }
}

private extension String {
    func replacingDots() -> String { String(map { $0 == "." ? "/" : $0 }) }
}

private extension Substring {
    func replacingQuestionMarks(with file: String) -> String {
        split(separator: "?", omittingEmptySubsequences: false).joined(separator: file)
    }
}
