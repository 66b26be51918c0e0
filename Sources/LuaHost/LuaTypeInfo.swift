/// A Swift class exposed to Lua as userdata: its Lua name and the unique key
/// under which its metatable is kept in the registry.
public final class LuaTypeInfo {
    public let name: String
    let key: UnsafeMutableRawPointer

    init(name: String) {
        self.name = name
        self.key = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
    }

    deinit { key.deallocate() }
}

/// A Swift object that holds memory outside Lua's heap (a tensor's buffer):
/// pushing it advances Lua's collector by that much.
public protocol LuaExternalMemory: AnyObject {
    var externalBytes: Int { get }
}
