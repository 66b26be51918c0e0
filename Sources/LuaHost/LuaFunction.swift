import CLua
import CLuaShim

/// A Swift function callable from Lua. `body` returns the number of results it
/// pushed, or throws; it never raises a Lua error itself.
public final class LuaFunction: Sendable {
    public typealias Body = @Sendable (LuaCall) throws -> Int32
    public let name: String
    let body: Body

    public init(_ name: String, _ body: @escaping Body) {
        self.name = name
        self.body = body
    }

    /// The name's last component: the key under which tables hold it.
    public var key: String { name.split(separator: ".").last.map(String.init) ?? name }
}

/// Runs a boxed Swift function for the C trampoline. Everything Swift owns in
/// this frame is released before it returns, so the raise that may follow
/// jumps over C frames only.
let luaDispatch: flipside_dispatch_fn = { state, box in
    guard let state, let box else { return Int32(FLIPSIDE_RAISE_VALUE) }
    let function = Unmanaged<LuaFunction>.fromOpaque(box).takeUnretainedValue()
    let call = LuaCall(state: state, functionName: function.name)
    do {
        return try function.body(call)
    } catch let error as LuaArgumentError {
        lua_pushinteger(state, lua_Integer(error.index))
        call.push(error.message)
        call.push(function.key)
        return Int32(FLIPSIDE_RAISE_ARGUMENT)
    } catch let error as LuaScriptError {
        call.push(error.message)
        return Int32(FLIPSIDE_RAISE_VALUE)
    } catch {
        call.push("\(function.name): \(error)")
        return Int32(FLIPSIDE_RAISE_MESSAGE)
    }
}

/// `__gc` and `__close` of every flipside userdata: release the Swift object and
/// clear the slot, so a second call, or use after close, finds nothing.
let luaReleaseSlot: lua_CFunction = { state in
    guard let state,
        let raw = lua_touserdata(state, 1),
        lua_rawlen(state, 1) == MemoryLayout<UserdataSlot>.size
    else { return 0 }
    let slot = raw.assumingMemoryBound(to: UserdataSlot.self)
    if let object = slot.pointee.object {
        slot.pointee.object = nil
        Unmanaged<AnyObject>.fromOpaque(object).release()
    }
    return 0
}

/// The block of memory inside every flipside userdata.
struct UserdataSlot {
    var object: UnsafeMutableRawPointer?
    var typeKey: UnsafeRawPointer?
    var magic: UInt64
    static let magicValue: UInt64 = 0x666C_6970_7369_6465  // "flipside"
}

extension LuaFunction {
    /// Pushes this function as a Lua closure. The closure's upvalue owns one
    /// retain of the box, released by its `__gc`.
    func push(on state: OpaquePointer) {
        guard let raw = clua_newuserdata(state, MemoryLayout<UserdataSlot>.size) else { return }
        let slot = raw.bindMemory(to: UserdataSlot.self, capacity: 1)
        slot.initialize(to: UserdataSlot(
            object: Unmanaged.passRetained(self as AnyObject).toOpaque(),
            typeKey: nil, magic: UserdataSlot.magicValue))
        if lua_rawgetp(state, clua_registryindex(), functionBoxMetatableKey) != LUA_TTABLE {
            clua_pop(state, 1)
            lua_createtable(state, 0, 2)
            clua_pushcfunction(state, luaReleaseSlot)
            flipside_rawsetfield(state, -2, "__gc")
            lua_pushstring(state, "locked")
            flipside_rawsetfield(state, -2, "__metatable")
            lua_pushvalue(state, -1)
            lua_rawsetp(state, clua_registryindex(), functionBoxMetatableKey)
        }
        lua_setmetatable(state, -2)
        flipside_push_trampoline(state)
    }
}

nonisolated(unsafe) private let functionBoxMetatableKey = UnsafeMutableRawPointer.allocate(
    byteCount: 1, alignment: 1)
