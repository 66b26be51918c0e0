import CLua
import CLuaShim
import Foundation

/// What a Lua function's result depends on, as bytes to hash: its bytecode
/// (stripped of debug information, so moving it in its file changes nothing),
/// the functions and data it reaches through upvalues, tables and their
/// metatables, and the Lua
/// modules it reaches (loaded from files: their path and content). A module's
/// content stands for all its code; C functions stand for the engine, whose
/// version the caller adds; an engine object (a tensor) adds what the caller's
/// `content` says it holds. Tables are walked in sorted key
/// order, so the bytes do not depend on Lua's per-state hash seed. Raw reads
/// only: no metamethod runs.
public struct LuaFingerprint {
    /// Bytes of the function's own code and data (modules excluded).
    public var code: [UInt8] = []
    /// Module name → the file it was loaded from, for each module reached.
    public var modules: [String: String] = [:]

    /// At most this many values are visited, and tables and functions nested
    /// at most this deep: past either the key could not cover what `run`
    /// reaches, so the fingerprint fails instead (bulk data belongs in files).
    static let limit = 1_000_000
    static let maxDepth = 200

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(of vm: LuaVM, functionAt index: Int32, content: @escaping (AnyObject) -> [UInt8]? = { _ in nil }) throws {
        let state = vm.state
        var walker = Walker(state: state, moduleNames: LuaFingerprint.loadedModules(state), searchPath: LuaFingerprint.packagePath(state),
                            content: content)
        lua_pushvalue(state, index)
        defer { clua_pop(state, 1) }
        try walker.visit(hashing: true)
        code = walker.bytes
        modules = walker.modules
    }

    /// Table address → module name, from package.loaded.
    static func loadedModules(_ state: OpaquePointer) -> [UnsafeRawPointer: String] {
        var names: [UnsafeRawPointer: String] = [:]
        guard lua_getfield_raw_registry(state, "_LOADED") == LUA_TTABLE else { clua_pop(state, 1); return names }
        lua_pushnil(state)
        while lua_next(state, -2) != 0 {
            if lua_type(state, -2) == LUA_TSTRING, lua_type(state, -1) == LUA_TTABLE, let key = lua_tolstring(state, -2, nil),
               let address = lua_topointer(state, -1) {
                names[address] = String(cString: key)
            }
            clua_pop(state, 1)
        }
        clua_pop(state, 1)
        return names
    }

    /// package.path, read raw.
    static func packagePath(_ state: OpaquePointer) -> String {
        guard lua_getfield_raw_registry(state, "_LOADED") == LUA_TTABLE else { clua_pop(state, 1); return "" }
        flipside_rawgetfield(state, -1, "package")
        var path = ""
        if lua_type(state, -1) == LUA_TTABLE {
            flipside_rawgetfield(state, -1, "path")
            if lua_type(state, -1) == LUA_TSTRING, let text = lua_tolstring(state, -1, nil) { path = String(cString: text) }
            clua_pop(state, 1)
        }
        clua_pop(state, 2)
        return path
    }

    /// The file `require(name)` loads along `path` (package.searchpath's rule).
    static func file(of name: String, path: String) -> String? {
        let relative = name.replacingOccurrences(of: ".", with: "/")
        for template in path.split(separator: ";") {
            let candidate = template.replacingOccurrences(of: "?", with: relative)
            if FileManager.default.isReadableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct Walker {
        let state: OpaquePointer
        let moduleNames: [UnsafeRawPointer: String]
        let searchPath: String
        let content: (AnyObject) -> [UInt8]?
        var bytes: [UInt8] = []
        var modules: [String: String] = [:]
        var seen: Set<UnsafeRawPointer> = []
        var visited = 0
        var depth = 0

        mutating func add(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(0)
        }

        /// Visits the value on top of the stack (left there). With `hashing`
        /// off (inside a module, whose file stands for its code) it only looks
        /// for the modules the value reaches.
        mutating func visit(hashing: Bool) throws {
            visited += 1
            guard visited <= LuaFingerprint.limit else {
                throw Failure(description: "it reaches more than \(LuaFingerprint.limit) values")
            }
            let type = lua_type(state, -1)
            switch type {
            case LUA_TNIL: if hashing { add("nil") }
            case LUA_TBOOLEAN: if hashing { add(lua_toboolean(state, -1) != 0 ? "true" : "false") }
            case LUA_TNUMBER:
                guard hashing else { return }
                var isInteger: Int32 = 0
                let i = lua_tointegerx(state, -1, &isInteger)
                add(isInteger != 0 ? "i\(i)" : "n\(lua_tonumberx(state, -1, nil).bitPattern)")
            case LUA_TSTRING:
                guard hashing else { return }
                var length = 0
                if let chars = lua_tolstring(state, -1, &length) {
                    add("s\(length)")
                    bytes.append(contentsOf: UnsafeRawBufferPointer(start: chars, count: length))
                }
            case LUA_TFUNCTION: try nested { try $0.visitFunction(hashing: hashing) }
            case LUA_TTABLE: try nested { try $0.visitTable(hashing: hashing) }
            case LUA_TUSERDATA:
                guard hashing else { return }
                guard firstVisit() else { add("seen userdata"); return }
                add("userdata \(String(cString: flipside_typename(state, -1)))")
                if let object = LuaFingerprint.engineObject(state), let held = content(object) {
                    add("content")
                    bytes.append(contentsOf: held)
                }
            default:
                if hashing { add("userdata \(String(cString: flipside_typename(state, -1)))") }
            }
        }

        /// One level deeper: each level holds a few values on the Lua stack (a C
        /// caller is only promised 20 free slots) and a few Swift frames.
        mutating func nested(_ body: (inout Walker) throws -> Void) throws {
            guard depth < LuaFingerprint.maxDepth else {
                throw Failure(description: "it reaches tables or functions nested deeper than \(LuaFingerprint.maxDepth)")
            }
            guard lua_checkstack(state, 4) != 0 else { throw Failure(description: "no Lua stack left to walk what it reaches") }
            depth += 1
            defer { depth -= 1 }
            try body(&self)
        }

        mutating func firstVisit() -> Bool {
            guard let address = lua_topointer(state, -1) else { return false }
            return seen.insert(address).inserted
        }

        mutating func visitFunction(hashing: Bool) throws {
            guard firstVisit() else { if hashing { add("seen function") }; return }
            if lua_iscfunction(state, -1) != 0 {
                if hashing { add("C function") }
            } else if hashing {
                add("function")
                bytes.append(contentsOf: LuaFingerprint.dump(state))
            }
            var n: Int32 = 1
            while let _ = lua_getupvalue(state, -1, n) {
                defer { clua_pop(state, 1) }
                try visit(hashing: hashing)
                n += 1
            }
        }

        mutating func visitTable(hashing: Bool) throws {
            if let address = lua_topointer(state, -1), let name = moduleNames[address] {
                guard modules[name] == nil, seen.insert(address).inserted else { return }
                if let file = LuaFingerprint.file(of: name, path: searchPath) { modules[name] = file }
                if hashing { add("module \(name)") }
                try visitEntries(hashing: false)
                try visitMetatable(hashing: false)
                return
            }
            guard firstVisit() else { if hashing { add("seen table") }; return }
            if hashing { add("table") }
            try visitEntries(hashing: hashing)
            try visitMetatable(hashing: hashing)
        }

        /// A table's metatable, read raw: what `__index` reaches (a module made
        /// of parts, an object's class) counts as reached.
        mutating func visitMetatable(hashing: Bool) throws {
            guard lua_getmetatable(state, -1) != 0 else { return }
            defer { clua_pop(state, 1) }
            if hashing { add("metatable") }
            try visit(hashing: hashing)
        }

        /// The table's entries in sorted key order (keys of one type: numbers
        /// by value, strings by bytes; others by type name).
        mutating func visitEntries(hashing: Bool) throws {
            var keys: [(sort: String, slot: Int32)] = []
            let table = lua_absindex(state, -1)
            lua_createtable(state, 0, 0)
            let holder = lua_absindex(state, -1)
            defer { lua_settop(state, holder - 1) }
            lua_pushnil(state)
            var slot: Int32 = 0
            while lua_next(state, table) != 0 {
                clua_pop(state, 1)
                slot += 1
                lua_pushvalue(state, -1)
                lua_rawseti(state, holder, lua_Integer(slot))
                keys.append((LuaFingerprint.sortKey(state, -1), slot))
            }
            keys.sort { $0.sort < $1.sort }
            for key in keys {
                lua_rawgeti(state, holder, lua_Integer(key.slot))
                if hashing { add("key"); try visit(hashing: true) }
                lua_rawget(state, table)
                try visit(hashing: hashing)
                clua_pop(state, 1)
            }
        }
    }

    static func sortKey(_ state: OpaquePointer, _ index: Int32) -> String {
        switch lua_type(state, index) {
        case LUA_TNUMBER:
            let n = lua_tonumberx(state, index, nil)
            let ordered = n.sign == .minus ? ~n.bitPattern : n.bitPattern | (1 << 63)
            return "1" + String(ordered, radix: 16).leftPadded(to: 16)
        case LUA_TSTRING:
            var length = 0
            guard let chars = lua_tolstring(state, index, &length) else { return "2" }
            return "2" + UnsafeRawBufferPointer(start: chars, count: length).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        case LUA_TBOOLEAN: return "0" + (lua_toboolean(state, index) != 0 ? "1" : "0")
        default: return "3" + String(cString: flipside_typename(state, index))
        }
    }

    /// The engine object a userdata on top of the stack holds: its slot is
    /// well formed and its metatable the one registered for its type.
    static func engineObject(_ state: OpaquePointer) -> AnyObject? {
        guard lua_rawlen(state, -1) == MemoryLayout<UserdataSlot>.size, let raw = lua_touserdata(state, -1) else { return nil }
        let slot = raw.assumingMemoryBound(to: UserdataSlot.self).pointee
        guard slot.magic == UserdataSlot.magicValue, let key = slot.typeKey, flipside_testudata(state, -1, key) != nil,
              let object = slot.object else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(object).takeUnretainedValue()
    }

    /// The bytecode of the Lua function on top of the stack, without debug information.
    static func dump(_ state: OpaquePointer) -> [UInt8] {
        var out: [UInt8] = []
        withUnsafeMutablePointer(to: &out) { buffer in
            _ = lua_dump(state, { _, data, size, user in
                guard let data, let user else { return 0 }
                user.assumingMemoryBound(to: [UInt8].self).pointee
                    .append(contentsOf: UnsafeRawBufferPointer(start: data, count: size))
                return 0
            }, buffer, 1)
        }
        return out
    }
}

/// registry[name], raw; returns its type.
func lua_getfield_raw_registry(_ state: OpaquePointer, _ name: String) -> Int32 {
    lua_pushstring(state, name)
    return lua_rawget(state, clua_registryindex())
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
