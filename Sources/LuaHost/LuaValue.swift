import CLua
import CLuaShim

/// Plain Lua data copied out of a state or into one: how values cross
/// states (one per thread) and reach Swift code that outlives a call.
/// Tables keep their sequence part and their string keys; anything else
/// (functions, userdata, other keys) is refused with a path to it.
public indirect enum LuaValue: Sendable, Equatable {
    case none
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case table(array: [LuaValue], fields: [String: LuaValue])

    public subscript(_ key: String) -> LuaValue? {
        if case .table(_, let fields) = self { return fields[key] }
        return nil
    }

    public var array: [LuaValue] {
        if case .table(let array, _) = self { return array }
        return []
    }

    public var fields: [String: LuaValue] {
        if case .table(_, let fields) = self { return fields }
        return [:]
    }

    public var number: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    static let maxDepth = 32
}

public struct LuaValueError: Error, CustomStringConvertible {
    public let description: String
}

extension LuaVM {
    /// Copies the value at `index`. `path` names it in errors (e.g. "result.epochs[3]").
    public func value(at index: Int32, path: String = "value") throws -> LuaValue {
        let top = lua_gettop(state)
        do {
            return try LuaVM.copy(state, lua_absindex(state, index), path: path, depth: 0)
        } catch {
            lua_settop(state, top)  // a failure inside a table leaves its traversal's key behind
            throw error
        }
    }

    static func copy(_ L: OpaquePointer, _ index: Int32, path: String, depth: Int) throws -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .none
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(Int64(lua_tointegerx(L, index, nil))) }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            var length = 0
            let chars = lua_tolstring(L, index, &length)
            return .string(String(decoding: UnsafeRawBufferPointer(start: chars, count: length), as: UTF8.self))
        case LUA_TTABLE:
            guard depth < LuaValue.maxDepth else { throw LuaValueError(description: "\(path): tables nested deeper than \(LuaValue.maxDepth) (a cycle?)") }
            // Each level holds a key and a value on the stack: a C caller is only
            // promised 20 free slots, and writing past them corrupts the heap.
            guard lua_checkstack(L, 4) != 0 else { throw LuaValueError(description: "\(path): no Lua stack left to copy it") }
            let n = Int(lua_rawlen(L, index))
            var array: [LuaValue] = []
            array.reserveCapacity(n)
            for i in 0..<n {
                lua_rawgeti(L, index, lua_Integer(i + 1))
                defer { clua_pop(L, 1) }
                array.append(try copy(L, lua_gettop(L), path: "\(path)[\(i + 1)]", depth: depth + 1))
            }
            var fields: [String: LuaValue] = [:]
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                defer { clua_pop(L, 1) }
                let keyType = lua_type(L, -2)
                if keyType == LUA_TNUMBER, lua_isinteger(L, -2) != 0 {
                    let k = lua_tointegerx(L, -2, nil)
                    if k >= 1 && Int(k) <= n { continue }
                }
                guard keyType == LUA_TSTRING else {
                    throw LuaValueError(description: "\(path): only string keys and a sequence can be copied, found a \(String(cString: flipside_typename(L, -2))) key")
                }
                var length = 0
                let chars = lua_tolstring(L, -2, &length)
                let key = String(decoding: UnsafeRawBufferPointer(start: chars, count: length), as: UTF8.self)
                fields[key] = try copy(L, lua_gettop(L), path: "\(path).\(key)", depth: depth + 1)
            }
            return .table(array: array, fields: fields)
        default:
            throw LuaValueError(description: "\(path): a \(String(cString: flipside_typename(L, index))) cannot be copied (numbers, strings, booleans and tables only)")
        }
    }

    /// Pushes a copy of `value`.
    public func push(_ value: LuaValue) {
        switch value {
        case .none: lua_pushnil(state)
        case .boolean(let b): lua_pushboolean(state, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(state, lua_Integer(i))
        case .number(let d): lua_pushnumber(state, d)
        case .string(let s): push(s)
        case .table(let array, let fields):
            // One slot per level of nesting (see copy); growing the stack never raises.
            guard lua_checkstack(state, 3) != 0 else {
                lua_pushnil(state)
                return
            }
            lua_createtable(state, Int32(clamping: array.count), Int32(clamping: fields.count))
            for (i, element) in array.enumerated() {
                push(element)
                lua_rawseti(state, -2, lua_Integer(i + 1))
            }
            for (key, field) in fields.sorted(by: { $0.key < $1.key }) {
                push(field)
                flipside_rawsetfield(state, -2, key)
            }
        }
    }
}

extension LuaVM {
    /// Pushes t[name] (raw) for the table at `index`.
    public func rawField(_ index: Int32, _ name: String) {
        flipside_rawgetfield(state, lua_absindex(state, index), name)
    }

    public func isFunction(at index: Int32) -> Bool { lua_type(state, index) == LUA_TFUNCTION }
    public func isTable(at index: Int32) -> Bool { lua_type(state, index) == LUA_TTABLE }
}

extension LuaVM {
    /// Calls the function on top of the stack with copies of `arguments`
    /// under the traceback handler; leaves `results` values.
    public func callTop(with arguments: [LuaValue], results: Int32) throws {
        for argument in arguments { push(argument) }
        try LuaVM.protectedCall(state, arguments: Int32(arguments.count), results: results)
    }
}
