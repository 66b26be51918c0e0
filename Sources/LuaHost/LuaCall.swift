import CLua
import CLuaShim

/// The arguments and results of one call from Lua into Swift. Every check
/// throws a `LuaArgumentError` worded like Lua's own; nothing here raises.
public struct LuaCall {
    public let state: OpaquePointer
    public let functionName: String

    public init(state: OpaquePointer, functionName: String) {
        self.state = state
        self.functionName = functionName
    }

    public var vm: LuaVM? { LuaVM.owner(of: state) }
    public var count: Int32 { lua_gettop(state) }

    public func type(_ i: Int32) -> Int32 { lua_type(state, i) }
    public func isNoneOrNil(_ i: Int32) -> Bool { clua_isnoneornil(state, i) != 0 }
    public func typeName(_ i: Int32) -> String {
        if lua_type(state, i) == LUA_TNONE { return "no value" }
        return String(cString: flipside_typename(state, i))
    }

    public func argumentError(_ i: Int32, expected: String) -> LuaArgumentError {
        LuaArgumentError(i, "\(expected) expected, got \(typeName(i))")
    }

    // MARK: numbers

    public func number(_ i: Int32) throws -> Double {
        var ok: Int32 = 0
        let value = lua_tonumberx(state, i, &ok)
        guard ok != 0, lua_type(state, i) == LUA_TNUMBER else {
            throw argumentError(i, expected: "number")
        }
        return value
    }

    public func number(_ i: Int32, default value: Double) throws -> Double {
        isNoneOrNil(i) ? value : try number(i)
    }

    public func finiteNumber(_ i: Int32) throws -> Double {
        let value = try number(i)
        guard value.isFinite else { throw LuaArgumentError(i, "finite number expected, got \(value)") }
        return value
    }

    public func integer(_ i: Int32) throws -> Int {
        guard lua_type(state, i) == LUA_TNUMBER else { throw argumentError(i, expected: "integer") }
        var ok: Int32 = 0
        let value = lua_tointegerx(state, i, &ok)
        guard ok != 0 else { throw LuaArgumentError(i, "number has no integer representation") }
        return Int(value)
    }

    public func integer(_ i: Int32, default value: Int) throws -> Int {
        isNoneOrNil(i) ? value : try integer(i)
    }

    /// An integer in `range`, named in the message when it is not.
    public func integer(_ i: Int32, in range: ClosedRange<Int>) throws -> Int {
        let value = try integer(i)
        guard range.contains(value) else {
            throw LuaArgumentError(i, "value \(value) out of range \(range.lowerBound)..\(range.upperBound)")
        }
        return value
    }

    // MARK: other scalars

    public func string(_ i: Int32) throws -> String {
        let t = lua_type(state, i)
        guard t == LUA_TSTRING || t == LUA_TNUMBER else { throw argumentError(i, expected: "string") }
        var length = 0
        guard let chars = lua_tolstring(state, i, &length) else { throw argumentError(i, expected: "string") }
        return String(decoding: UnsafeRawBufferPointer(start: chars, count: length), as: UTF8.self)
    }

    public func string(_ i: Int32, default value: String) throws -> String {
        isNoneOrNil(i) ? value : try string(i)
    }

    public func boolean(_ i: Int32, default value: Bool) throws -> Bool {
        if isNoneOrNil(i) { return value }
        guard lua_type(state, i) == LUA_TBOOLEAN else { throw argumentError(i, expected: "boolean") }
        return lua_toboolean(state, i) != 0
    }

    /// One of a fixed set of words, e.g. a variant name.
    public func option<T: RawRepresentable>(_ i: Int32, _ type: T.Type, default value: T) throws -> T
    where T.RawValue == String, T: CaseIterable {
        if isNoneOrNil(i) { return value }
        let word = try string(i)
        guard let parsed = T(rawValue: word) else {
            let names = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw LuaArgumentError(i, "invalid option '\(word)', expected one of \(names)")
        }
        return parsed
    }

    public func table(_ i: Int32) throws -> LuaTable {
        guard lua_type(state, i) == LUA_TTABLE else { throw argumentError(i, expected: "table") }
        return LuaTable(call: self, index: lua_absindex(state, i), argument: i)
    }

    public func optionalTable(_ i: Int32) throws -> LuaTable? {
        isNoneOrNil(i) ? nil : try table(i)
    }

    public func function(_ i: Int32) throws {
        guard lua_type(state, i) == LUA_TFUNCTION else { throw argumentError(i, expected: "function") }
    }

    // MARK: userdata

    /// The object of type `T` at `i`, checked by metatable identity.
    public func object<T: AnyObject>(_ i: Int32, _ type: T.Type) throws -> T {
        guard let vm, let info = vm.typeInfo(for: T.self) else {
            throw LuaArgumentError(i, "\(T.self) is not registered")
        }
        guard let object = try objectIfPresent(i, info: info, as: T.self) else {
            throw argumentError(i, expected: info.name)
        }
        return object
    }

    public func objectIfPresent<T: AnyObject>(_ i: Int32, _ type: T.Type) throws -> T? {
        guard let info = vm?.typeInfo(for: T.self) else { return nil }
        return try objectIfPresent(i, info: info, as: T.self)
    }

    private func objectIfPresent<T: AnyObject>(_ i: Int32, info: LuaTypeInfo, as: T.Type) throws -> T? {
        guard let raw = flipside_testudata(state, i, info.key) else { return nil }
        guard lua_rawlen(state, i) == MemoryLayout<UserdataSlot>.size,
            raw.assumingMemoryBound(to: UserdataSlot.self).pointee.magic == UserdataSlot.magicValue,
            raw.assumingMemoryBound(to: UserdataSlot.self).pointee.typeKey == UnsafeRawPointer(info.key)
        else {
            throw LuaArgumentError(i, "\(info.name) expected, got a userdata with a forged metatable")
        }
        let slot = raw.assumingMemoryBound(to: UserdataSlot.self).pointee
        guard let pointer = slot.object else {
            throw LuaArgumentError(i, "\(info.name) expected, got a closed \(info.name)")
        }
        return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue() as? T
    }

    /// What the value at `i` holds, for descriptions that must not fail.
    public enum SlotState<T> {
        case live(T)
        case closed
        case other
    }

    public func slotState<T: AnyObject>(_ i: Int32, _ type: T.Type) -> SlotState<T> {
        guard let info = vm?.typeInfo(for: T.self),
            let raw = flipside_testudata(state, i, info.key),
            lua_rawlen(state, i) == MemoryLayout<UserdataSlot>.size
        else { return .other }
        let slot = raw.assumingMemoryBound(to: UserdataSlot.self).pointee
        guard slot.magic == UserdataSlot.magicValue, slot.typeKey == UnsafeRawPointer(info.key) else { return .other }
        guard let pointer = slot.object else { return .closed }
        guard let object = Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue() as? T else { return .other }
        return .live(object)
    }

    // MARK: results

    public func push(_ value: Double) { lua_pushnumber(state, value) }
    public func push(_ value: Int) { lua_pushinteger(state, lua_Integer(value)) }
    public func push(_ value: Bool) { lua_pushboolean(state, value ? 1 : 0) }
    public func pushNil() { lua_pushnil(state) }
    public func push(_ value: String) {
        var copy = value
        copy.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { lua_pushlstring(state, $0.baseAddress, $0.count) }
        }
    }

    /// Pushes a registered Swift object as userdata. Throws if its type was
    /// never registered with the VM.
    public func push<T: AnyObject>(_ object: T) throws {
        guard let vm else { throw LuaHostError("no VM owns this state") }
        try vm.pushObject(object, on: state)
    }

    /// Pushes a new table of `functions` keyed by their names' last component.
    public func pushTable(of functions: [LuaFunction]) { LuaVM.pushTable(of: functions, on: state) }

    /// Pushes a Swift function as a Lua closure.
    public func push(_ function: LuaFunction) { function.push(on: state) }

    /// Pushes a new table holding `values` as a sequence of integers.
    public func pushArray(_ values: [Int]) {
        lua_createtable(state, Int32(clamping: values.count), 0)
        for (n, v) in values.enumerated() {
            lua_pushinteger(state, lua_Integer(v))
            lua_rawseti(state, -2, lua_Integer(n + 1))
        }
    }

    /// Pushes a new table holding `values` as a sequence.
    public func pushArray(_ values: [Double]) {
        lua_createtable(state, Int32(clamping: values.count), 0)
        for (n, v) in values.enumerated() {
            lua_pushnumber(state, v)
            lua_rawseti(state, -2, lua_Integer(n + 1))
        }
    }

    /// Removes the top `n` values.
    public func pop(_ n: Int32) { clua_pop(state, n) }

    /// Sets field `key` of the table on top to the value pushed by `push`.
    public func setField(_ key: String, _ push: () throws -> Void) rethrows {
        try push()
        flipside_rawsetfield(state, -2, key)
    }

    /// Calls the Lua function at `function` with `arguments` values pushed by
    /// `pushArguments`, under a traceback handler; leaves `results` values.
    public func protectedCall(function: Int32, arguments: Int32, results: Int32,
                              pushArguments: () throws -> Void) throws {
        lua_pushvalue(state, function)
        try pushArguments()
        try LuaVM.protectedCall(state, arguments: arguments, results: results)
    }
}
