import CBudget
import CLua
import CLuaShim

/// One Lua state and the Swift types and functions registered in it.
/// A VM belongs to one thread; values cross VMs by copy only.
public final class LuaVM {
    public let state: OpaquePointer
    private var types: [ObjectIdentifier: LuaTypeInfo] = [:]
    /// Every userdata type registered so far, with the names Lua can call on it.
    public private(set) var registeredTypes: [RegisteredType] = []
    /// Set once `applySandbox` has restricted this VM; bindings that write
    /// files check their paths against it.
    public internal(set) var sandbox: LuaSandbox?
    /// Objects the bindings keep with this VM (e.g. which `--set` parameters a script read).
    public var attachments: [String: AnyObject] = [:]

    public init() throws {
        guard let state = flipside_newstate() else { throw LuaHostError("cannot create a Lua state (out of memory)") }
        self.state = state
        flipside_set_dispatcher(luaDispatch)
        flipside_info(state).pointee.host = Unmanaged.passUnretained(self).toOpaque()
        if flipside_openlibs(state) != LUA_OK {
            let message = popMessage()
            flipside_close(state)
            throw LuaHostError("cannot open the Lua standard libraries: \(message)")
        }
    }

    deinit {
        flipside_info(state).pointee.host = nil
        flipside_close(state)
    }

    /// The VM whose state (or one of its coroutines) is `state`.
    public static func owner(of state: OpaquePointer) -> LuaVM? {
        guard let host = flipside_info(state).pointee.host else { return nil }
        return Unmanaged<LuaVM>.fromOpaque(host).takeUnretainedValue()
    }

    // MARK: types

    func typeInfo<T: AnyObject>(for type: T.Type) -> LuaTypeInfo? {
        types[ObjectIdentifier(type)]
    }

    /// Exposes class `T` as userdata named `name`: methods through `__index`,
    /// plus any metamethods (`__add`, `__len`, ...). `describe` backs `__tostring`.
    public func registerType<T: AnyObject>(
        _ type: T.Type, name: String, methods: [LuaFunction],
        metamethods: [String: LuaFunction] = [:], describe: @escaping @Sendable (T) -> String
    ) {
        let info = LuaTypeInfo(name: name)
        types[ObjectIdentifier(type)] = info
        registeredTypes.append(RegisteredType(
            name: name, methods: methods.map(\.key), metamethods: metamethods.keys.sorted()))
        lua_createtable(state, 0, Int32(metamethods.count + 6))
        pushTable(of: methods)
        flipside_rawsetfield(state, -2, "__index")
        for (event, function) in metamethods {
            function.push(on: state)
            flipside_rawsetfield(state, -2, event)
        }
        clua_pushcfunction(state, luaReleaseSlot)
        flipside_rawsetfield(state, -2, "__gc")
        clua_pushcfunction(state, luaReleaseSlot)
        flipside_rawsetfield(state, -2, "__close")
        LuaFunction("__tostring") { call in
            switch call.slotState(1, T.self) {
            case .live(let object): call.push(describe(object))
            case .closed: call.push("\(name) (closed)")
            case .other: call.push("\(name) (forged)")
            }
            return 1
        }.push(on: state)
        flipside_rawsetfield(state, -2, "__tostring")
        lua_pushstring(state, name)
        flipside_rawsetfield(state, -2, "__name")
        lua_pushstring(state, name)
        flipside_rawsetfield(state, -2, "__metatable")
        lua_rawsetp(state, clua_registryindex(), info.key)
    }

    /// Pushes `object` as a new userdata holding one retain of it, on the main
    /// thread's stack or on `thread`, a coroutine of this VM (a Swift function
    /// called from a coroutine must push onto the coroutine's stack).
    public func pushObject<T: AnyObject>(_ object: T, on thread: OpaquePointer? = nil) throws {
        let target = thread ?? state
        guard let info = types[ObjectIdentifier(T.self)] else {
            throw LuaHostError("type \(T.self) is not registered with Lua")
        }
        guard let raw = clua_newuserdata(target, MemoryLayout<UserdataSlot>.size) else {
            throw LuaHostError("out of memory")
        }
        raw.bindMemory(to: UserdataSlot.self, capacity: 1).initialize(to: UserdataSlot(
            object: Unmanaged.passRetained(object as AnyObject).toOpaque(),
            typeKey: UnsafeRawPointer(info.key), magic: UserdataSlot.magicValue))
        lua_rawgetp(target, clua_registryindex(), info.key)
        lua_setmetatable(target, -2)
        // Lua sees a few bytes per userdata; tell its collector what the object
        // holds outside its heap, or garbage tensors pile up between cycles.
        if let sized = object as? LuaExternalMemory, sized.externalBytes >= 1 << 16 {
            _ = clua_gc_step(target, Int32(clamping: sized.externalBytes >> 10))
        }
    }

    // MARK: functions and modules

    /// Pushes a new table of `functions` keyed by their names' last component.
    public func pushTable(of functions: [LuaFunction]) { LuaVM.pushTable(of: functions, on: state) }

    static func pushTable(of functions: [LuaFunction], on state: OpaquePointer) {
        lua_createtable(state, 0, Int32(functions.count))
        for function in functions {
            function.push(on: state)
            flipside_rawsetfield(state, -2, function.key)
        }
    }

    /// Pushes a Swift function as a Lua closure.
    public func push(_ function: LuaFunction) { function.push(on: state) }

    /// Registers `loader` as `package.preload[name]`, so `require(name)` calls it.
    public func preload(_ name: String, loader: LuaFunction) {
        pushPackageField("preload")
        loader.push(on: state)
        flipside_rawsetfield(state, -2, name)
        clua_pop(state, 1)
    }

    /// Puts `directory/?.lua` and `directory/?/init.lua` first on `package.path`.
    public func prependPackagePath(_ directory: String) {
        pushPackageField("path")
        let current = lua_type(state, -1) == LUA_TSTRING ? String(cString: clua_tostring(state, -1)) : ""
        clua_pop(state, 1)
        let path = "\(directory)/?.lua;\(directory)/?/init.lua;" + current
        lua_rawgeti(state, clua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        flipside_rawgetfield(state, -1, "package")
        lua_pushstring(state, path)
        flipside_rawsetfield(state, -2, "path")
        clua_pop(state, 2)
    }

    private func pushPackageField(_ field: String) {
        lua_rawgeti(state, clua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        flipside_rawgetfield(state, -1, "package")
        flipside_rawgetfield(state, -1, field)
        clua_replace(state, -3)
        clua_pop(state, 1)
    }

    /// Sets global `name` to the value that `push` leaves on top.
    public func setGlobal(_ name: String, _ push: (LuaVM) throws -> Void) rethrows {
        lua_rawgeti(state, clua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        try push(self)
        flipside_rawsetfield(state, -2, name)
        clua_pop(state, 1)
    }

    // MARK: running code

    /// Pops the value on top as text.
    func popMessage() -> String { LuaVM.popMessage(state) }

    /// Pops the value on top of `state` (this VM's main thread or a coroutine) as text.
    static func popMessage(_ state: OpaquePointer) -> String {
        defer { clua_pop(state, 1) }
        if let text = clua_tostring(state, -1) { return String(cString: text) }
        return "(error object is a \(String(cString: flipside_typename(state, -1))) value)"
    }

    /// `lua_pcall` under the traceback handler; a failure becomes a `LuaScriptError`.
    static func protectedCall(_ state: OpaquePointer, arguments: Int32, results: Int32) throws {
        let status = flipside_pcall(state, arguments, results)
        guard status != LUA_OK else { return }
        let message: String
        if let text = clua_tostring(state, -1) {
            message = String(cString: text)
        } else {
            message = "(error object is a \(String(cString: flipside_typename(state, -1))) value)"
        }
        clua_pop(state, 1)
        // Lua calls no message handler for a memory error: there is no traceback
        // to show, and the budget says why memory ran out.
        if status == LUA_ERRMEM {
            let described = "\(message): \(String(cString: flipside_budget_summary()))"
            throw LuaScriptError(message: described, traceback: described)
        }
        flipside_push_last_traceback(state)
        let traceback = clua_tostring(state, -1).map { String(cString: $0) } ?? message
        clua_pop(state, 1)
        throw LuaScriptError(message: message, traceback: traceback)
    }

    /// Chunks a sandboxed VM loads are text only: a binary chunk is unchecked
    /// bytecode, and a corrupt one can crash the interpreter.
    var chunkMode: String? { sandbox == nil ? nil : "t" }

    /// A load failure as the script sees it; a refused binary chunk says why.
    func loadError() -> LuaScriptError {
        let message = popMessage()
        if sandbox != nil && message.contains("attempt to load a binary chunk") {
            return LuaScriptError(message: "sandbox: \(message): a sandboxed run loads text chunks only", traceback: "")
        }
        return LuaScriptError(message: message, traceback: "")
    }

    /// Runs a Lua file with `arguments` as its `...`; returns how many results it left.
    @discardableResult
    public func runFile(_ path: String, arguments: [String] = [], results: Int32 = 0) throws -> Int32 {
        let top = lua_gettop(state)
        if flipside_loadfile(state, path, chunkMode) != LUA_OK { throw loadError() }
        for argument in arguments { lua_pushstring(state, argument) }
        try LuaVM.protectedCall(state, arguments: Int32(arguments.count), results: results)
        return lua_gettop(state) - top
    }

    /// Runs a chunk of Lua source; `name` appears in messages.
    @discardableResult
    public func run(_ source: String, name: String = "=(string)", results: Int32 = 0) throws -> Int32 {
        let top = lua_gettop(state)
        let mode = chunkMode
        let status = source.utf8CString.withUnsafeBufferPointer { buffer in
            luaL_loadbufferx(state, buffer.baseAddress, buffer.count - 1, name, mode)
        }
        if status != LUA_OK { throw loadError() }
        try LuaVM.protectedCall(state, arguments: 0, results: results)
        return lua_gettop(state) - top
    }

    /// Calls the function at `index` with string `arguments` under the traceback
    /// handler; returns its first result if it is a string or a number.
    public func call(at index: Int32, with arguments: [String]) throws -> String? {
        let top = lua_gettop(state)
        defer { lua_settop(state, top) }
        lua_pushvalue(state, index)
        for argument in arguments { push(argument) }
        try LuaVM.protectedCall(state, arguments: Int32(arguments.count), results: 1)
        return string(at: -1)
    }

    /// The value at the top as text, or nil (does not pop).
    public func string(at index: Int32) -> String? {
        guard lua_type(state, index) == LUA_TSTRING || lua_type(state, index) == LUA_TNUMBER else { return nil }
        return clua_tostring(state, index).map { String(cString: $0) }
    }

    /// The bytes of the string at `index`, zeros included, or nil (does not pop).
    public func bytes(at index: Int32) -> [UInt8]? {
        guard lua_type(state, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let chars = lua_tolstring(state, index, &length) else { return nil }
        return Array(UnsafeRawBufferPointer(start: chars, count: length))
    }

    public func pop(_ n: Int32 = 1) { clua_pop(state, n) }
    public var top: Int32 { lua_gettop(state) }

    // MARK: limits

    /// Stops Lua code with an error once `seconds` have passed (0 clears).
    public func setTimeLimit(seconds: Double) { flipside_set_time_limit(state, seconds) }
    public func clearLimits() { flipside_clear_limits(state) }
    /// Interrupts running Lua code at its next check; safe from another thread.
    public func requestCancel() { flipside_request_cancel(state) }
    /// `requestCancel` for a signal handler, which can reach a state pointer only.
    public static func requestCancel(_ state: OpaquePointer) { flipside_request_cancel(state) }

    /// Behind every time limit of this process from now on, a thread that ends
    /// the process (exit status `watchdogStatus`, with a message) when a limit
    /// has passed by `graceSeconds` and the count hook has not stopped the code
    /// (a long native call, a message handler or a finalizer: Lua runs the last
    /// two with hooks off). For a command line, not for a library.
    public static func enableWatchdog(graceSeconds: Double) { flipside_watchdog_enable(graceSeconds) }
    public static let watchdogStatus = Int32(FLIPSIDE_WATCHDOG_STATUS)

    /// Seconds on a monotonic clock.
    public static func monotonicSeconds() -> Double { flipside_monotonic_seconds() }

    /// Runs a full garbage collection.
    public func collectGarbage() { _ = clua_gc_collect(state) }
}

extension LuaVM {
    /// Pushes `text`, zero bytes included.
    public func push(_ text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { lua_pushlstring(state, $0.baseAddress, $0.count) }
        }
    }

    /// Pushes a table with integer keys and string values.
    public func pushStringTable(_ entries: [(Int, String)]) {
        lua_createtable(state, Int32(clamping: entries.count), 2)
        for (key, value) in entries {
            lua_pushstring(state, value)
            lua_rawseti(state, -2, lua_Integer(key))
        }
    }
}
