import CLua
import CLuaShim

extension LuaVM {
    /// Restricts the standard libraries for a script written by someone else:
    /// no processes (os.execute, io.popen, os.exit), no native code
    /// (package.loadlib, C searchers, package.cpath), no debug library, no
    /// binary chunks (load, loadfile, dofile and require read text only;
    /// string.dump is gone), no os.tmpname or os.setlocale, and writes,
    /// removals and renames only inside `sandbox.outputDirectory`.
    /// Call it after the libraries are open and before any script runs.
    public func applySandbox(_ sandbox: LuaSandbox) {
        self.sandbox = sandbox
        SandboxInstaller(state: state).install()
    }
}

/// Rewrites the library tables in place with raw accesses only. The functions
/// it replaces are kept in a registry table the script cannot reach.
struct SandboxInstaller {
    let state: OpaquePointer

    static let removed: [(library: String, field: String)] = [
        ("os", "execute"), ("os", "exit"), ("os", "tmpname"), ("os", "setlocale"),
        ("io", "popen"), ("package", "loadlib"), ("string", "dump"), ("_G", "debug"),
    ]
    static let kept: [(library: String, field: String)] = [
        ("io", "open"), ("io", "output"), ("io", "input"), ("io", "lines"), ("os", "remove"), ("os", "rename"),
    ]

    func install() {
        keepOriginals()
        for (library, field) in Self.removed {
            withLibrary(library) {
                lua_pushnil(state)
                flipside_rawsetfield(state, -2, field)
            }
        }
        withLibrary("package") {
            flipside_rawgetfield(state, -1, "loaded")
            lua_pushnil(state)
            flipside_rawsetfield(state, -2, "debug")
            clua_pop(state, 1)
            lua_pushstring(state, "")
            flipside_rawsetfield(state, -2, "cpath")
            replaceSearchers()
        }
        for function in SandboxFunctions.replacements {
            let parts = function.name.split(separator: ".").map(String.init)
            withLibrary(parts.count == 2 ? parts[0] : "_G") {
                function.push(on: state)
                flipside_rawsetfield(state, -2, function.key)
            }
        }
    }

    /// Runs `body` with the library table `name` on top (the globals for `_G`).
    private func withLibrary(_ name: String, _ body: () -> Void) {
        lua_rawgeti(state, clua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        if name != "_G" {
            flipside_rawgetfield(state, -1, name)
            clua_remove(state, -2)
        }
        if lua_type(state, -1) == LUA_TTABLE { body() }
        clua_pop(state, 1)
    }

    private func keepOriginals() {
        lua_createtable(state, 0, Int32(Self.kept.count + 1))
        for (library, field) in Self.kept {
            withLibrary(library) {
                flipside_rawgetfield(state, -1, field)
                flipside_rawsetfield(state, -3, "\(library).\(field)")
            }
        }
        withLibrary("package") {
            lua_pushvalue(state, -1)
            flipside_rawsetfield(state, -3, "package")
        }
        lua_rawsetp(state, clua_registryindex(), SandboxFunctions.originalsKey)
    }

    /// package.searchers becomes { preload, text-only Lua files }: the C
    /// searchers go, and the Lua searcher is one that refuses binary chunks.
    /// Expects the package table on top.
    private func replaceSearchers() {
        flipside_rawgetfield(state, -1, "searchers")
        guard lua_type(state, -1) == LUA_TTABLE else { clua_pop(state, 1); return }
        lua_createtable(state, 2, 0)
        lua_rawgeti(state, -2, 1)
        lua_rawseti(state, -2, 1)
        SandboxFunctions.searcher.push(on: state)
        lua_rawseti(state, -2, 2)
        flipside_rawsetfield(state, -3, "searchers")
        clua_pop(state, 1)
    }
}
