import CLua
import CLuaShim

/// Raw, metamethod-free reads of a table argument, usually an options table.
/// A wrong field is reported against the argument: `(field 'lr': number expected, got string)`.
public struct LuaTable {
    public let call: LuaCall
    public let index: Int32
    let argument: Int32
    private var state: OpaquePointer { call.state }

    init(call: LuaCall, index: Int32, argument: Int32) {
        self.call = call
        self.index = index
        self.argument = argument
    }

    /// The error a wrong field of this table raises: `(field 'key': message)`.
    public func fieldError(_ key: String, _ message: String) -> LuaArgumentError {
        LuaArgumentError(argument, "field '\(key)': \(message)")
    }

    /// Pushes t[key], runs `read` with the value's stack index, pops it.
    public func withField<R>(_ key: String, _ read: (Int32) throws -> R) throws -> R {
        flipside_rawgetfield(state, index, key)
        defer { clua_pop(state, 1) }
        return try read(lua_gettop(state))
    }

    /// Refuses a key that is not one of `known` (an options table's declared
    /// fields): `(unknown option 'splt' (did you mean 'split'?))`. Raw reads only.
    public func rejectUnknownKeys(_ known: [String]) throws {
        lua_pushnil(state)
        while lua_next(state, index) != 0 {
            let key: String
            if lua_type(state, -2) == LUA_TSTRING, let text = lua_tolstring(state, -2, nil) {
                key = String(cString: text)
            } else {
                key = "[\(call.typeName(-2)) key]"
            }
            clua_pop(state, 1)
            if !known.contains(key) {
                clua_pop(state, 1)
                throw LuaArgumentError(argument, unknownOptionMessage(key, known: known))
            }
        }
    }

    public func has(_ key: String) -> Bool {
        (try? withField(key) { lua_type(state, $0) != LUA_TNIL }) ?? false
    }

    public func number(_ key: String) throws -> Double? {
        try withField(key) { top in
            switch lua_type(state, top) {
            case LUA_TNIL: return nil
            case LUA_TNUMBER: return lua_tonumberx(state, top, nil)
            default: throw fieldError(key, "number expected, got \(call.typeName(top))")
            }
        }
    }

    public func number(_ key: String, default value: Double) throws -> Double {
        try number(key) ?? value
    }

    public func integer(_ key: String) throws -> Int? {
        try withField(key) { top in
            switch lua_type(state, top) {
            case LUA_TNIL: return nil
            case LUA_TNUMBER:
                var ok: Int32 = 0
                let v = lua_tointegerx(state, top, &ok)
                guard ok != 0 else { throw fieldError(key, "number has no integer representation") }
                return Int(v)
            default: throw fieldError(key, "integer expected, got \(call.typeName(top))")
            }
        }
    }

    public func integer(_ key: String, default value: Int) throws -> Int {
        try integer(key) ?? value
    }

    public func string(_ key: String) throws -> String? {
        try withField(key) { top in
            switch lua_type(state, top) {
            case LUA_TNIL: return nil
            case LUA_TSTRING:
                var length = 0
                let chars = lua_tolstring(state, top, &length)
                return String(decoding: UnsafeRawBufferPointer(start: chars, count: length), as: UTF8.self)
            default: throw fieldError(key, "string expected, got \(call.typeName(top))")
            }
        }
    }

    public func boolean(_ key: String, default value: Bool) throws -> Bool {
        try withField(key) { top in
            switch lua_type(state, top) {
            case LUA_TNIL: return value
            case LUA_TBOOLEAN: return lua_toboolean(state, top) != 0
            default: throw fieldError(key, "boolean expected, got \(call.typeName(top))")
            }
        }
    }

    public func option<T: RawRepresentable & CaseIterable>(_ key: String, default value: T) throws -> T
    where T.RawValue == String {
        guard let word = try string(key) else { return value }
        guard let parsed = T(rawValue: word) else {
            let names = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw fieldError(key, "invalid option '\(word)', expected one of \(names)")
        }
        return parsed
    }

    public func object<T: AnyObject>(_ key: String, _ type: T.Type) throws -> T? {
        try withField(key) { top in
            if lua_type(state, top) == LUA_TNIL { return nil }
            do {
                return try call.object(top, T.self)
            } catch let error as LuaArgumentError {
                throw fieldError(key, error.message)
            }
        }
    }

    /// The sequence t[1..#t] as numbers.
    public func numbers() throws -> [Double] {
        let n = lua_rawlen(state, index)
        var values: [Double] = []
        // #t is a border, which can lie far beyond the elements the table holds.
        values.reserveCapacity(Int(min(n, 1 << 16)))
        for i in 0..<n {
            lua_rawgeti(state, index, lua_Integer(i + 1))
            defer { clua_pop(state, 1) }
            guard lua_type(state, -1) == LUA_TNUMBER else {
                throw LuaArgumentError(argument, "element \(i + 1): number expected, got \(call.typeName(-1))")
            }
            values.append(lua_tonumberx(state, -1, nil))
        }
        return values
    }

    /// A sequence field as numbers.
    public func numbers(_ key: String) throws -> [Double]? {
        try withField(key) { top in
            switch lua_type(state, top) {
            case LUA_TNIL: return nil
            case LUA_TTABLE:
                do {
                    return try LuaTable(call: call, index: top, argument: argument).numbers()
                } catch let error as LuaArgumentError {
                    throw fieldError(key, error.message)
                }
            default: throw fieldError(key, "table expected, got \(call.typeName(top))")
            }
        }
    }
}

extension LuaTable {
    /// True when t[1] is a table.
    public func firstElementIsTable() -> Bool {
        lua_rawgeti(call.state, index, 1)
        defer { clua_pop(call.state, 1) }
        return lua_type(call.state, -1) == LUA_TTABLE
    }

    /// Pushes t[n], runs `read` with its stack index, pops it.
    public func withElement<R>(_ n: Int, _ read: (Int32) throws -> R) throws -> R {
        lua_rawgeti(call.state, index, lua_Integer(n))
        defer { clua_pop(call.state, 1) }
        return try read(lua_gettop(call.state))
    }
}

/// Small raw stack operations for binding code that does not import CLua.
public func lua_rawlen_of(_ call: LuaCall, _ index: Int32) -> UInt64 { UInt64(lua_rawlen(call.state, index)) }
public func lua_pushvalue_of(_ call: LuaCall, _ index: Int32) { lua_pushvalue(call.state, index) }
public func lua_createtable_of(_ call: LuaCall, _ n: Int) { lua_createtable(call.state, Int32(clamping: n), 0) }
public func lua_rawseti_of(_ call: LuaCall, _ table: Int32, _ n: Int) { lua_rawseti(call.state, table, lua_Integer(n)) }

extension LuaTable {
    /// The table at stack index `top` (a field or element of this one), read as
    /// part of the same argument: its errors name this table's argument.
    public func nested(at top: Int32) -> LuaTable {
        LuaTable(call: call, index: lua_absindex(call.state, top), argument: argument)
    }

    /// The raw length #t: a border, not a count of elements, so loops over
    /// 1...count must not reserve that much memory first (see `mapElements`).
    public var count: Int { Int(lua_rawlen(call.state, index)) }

    /// `read` applied to t[1], t[2], ..., t[#t] in order. Grows as it goes: a
    /// border can be 2^40 in a table of 41 entries, and `read` refuses the
    /// first nil long before.
    public func mapElements<R>(_ read: (_ n: Int, _ element: Int32) throws -> R) throws -> [R] {
        var results: [R] = []
        var n = 1
        while n <= count {
            results.append(try withElement(n) { try read(n, $0) })
            n += 1
        }
        return results
    }
}
public func lua_setmetatable_of(_ call: LuaCall, _ index: Int32) { _ = lua_setmetatable(call.state, index) }
/// Pushes a raw `next` written in C (a __pairs iterator): its errors never cross a Swift frame.
public func push_raw_next_of(_ call: LuaCall) { flipside_push_raw_next(call.state) }
