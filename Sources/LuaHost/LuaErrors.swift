/// Errors that cross the Swift/Lua boundary. Swift code called from Lua throws
/// these; the dispatcher turns them into a value and a sentinel, and the C
/// trampoline raises after the Swift frame has returned.

/// A bad argument: raised as `bad argument #N to 'name' (message)`.
public struct LuaArgumentError: Error, CustomStringConvertible {
    public let index: Int32
    public let message: String
    public init(_ index: Int32, _ message: String) {
        self.index = index
        self.message = message
    }
    public var description: String { "bad argument #\(index) (\(message))" }
}

/// An error raised by Lua code that Swift called through `pcall`.
/// `message` is the error value as text; `traceback` is Lua's traceback.
public struct LuaScriptError: Error, CustomStringConvertible {
    public let message: String
    public let traceback: String
    public init(message: String, traceback: String) {
        self.message = message
        self.traceback = traceback
    }
    public var description: String { traceback.isEmpty ? message : traceback }
}

/// A failure of the host itself (out of memory, a state that cannot open).
public struct LuaHostError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
