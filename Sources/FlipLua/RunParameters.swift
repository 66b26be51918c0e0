import FlipResults
import LuaHost

/// The run's `--set name=value` parameters: their values as Lua literals, the
/// `flipside.params` table that records which names the script reads, and the
/// checks that no parameter given is silently ignored.
public final class RunParameters: @unchecked Sendable {
    public let given: [(String, RunValue)]
    /// Every name the script looked up in flipside.params, given or not.
    public private(set) var read: Set<String> = []

    static let attachmentKey = "flipside.params"

    init(_ pairs: [(String, String)]) {
        given = pairs.map { ($0.0, RunParameters.value($0.1)) }
    }

    /// The parameters of `vm`'s run (what `Flipside.install` attached).
    public static func of(_ vm: LuaVM) -> RunParameters? { vm.attachments[attachmentKey] as? RunParameters }

    /// `--set` pairs checked: a value that looks like a boolean in the wrong
    /// case (`False`, `TRUE`) is refused rather than read as a (true) string.
    public static func check(_ pairs: [(String, String)]) throws {
        for (name, text) in pairs where ["true", "false"].contains(text.lowercased()) && text != text.lowercased() {
            throw ParameterError("--set \(name)=\(text): a boolean is written true or false")
        }
    }

    /// The value of `--set name=TEXT` read as a Lua literal: true or false, an
    /// integer, a number, a quoted string ("..." or '...'), else the text itself.
    public static func value(_ text: String) -> RunValue {
        if text == "true" || text == "false" { return .boolean(text == "true") }
        if let i = Int(text) { return .integer(i) }
        let lower = text.lowercased()
        if lower.hasPrefix("0x"), let i = Int(lower.dropFirst(2), radix: 16) { return .integer(i) }
        if text.contains(where: \.isNumber), let d = Double(text), d.isFinite, !lower.hasPrefix("0x") { return .number(d) }
        if text.count >= 2, let q = text.first, q == "\"" || q == "'", text.last == q {
            return .text(String(text.dropFirst().dropLast()))
        }
        return .text(text)
    }

    /// The names given with --set that the script never read.
    public var unread: [String] { given.map(\.0).filter { !read.contains($0) } }

    /// Refuses, naming it, a parameter the script never read (a plain script,
    /// when it ends), or (a data script) one that is neither read while it loads
    /// nor declared in its `params`, or that is also a grid axis.
    public func requireAllUsed(declared: [String] = [], axes: Set<String> = []) throws {
        for (name, _) in given where axes.contains(name) {
            throw ParameterError("--set \(name): '\(name)' is an axis of the script's grid, which sets it for every run")
        }
        let known = Array(read.union(declared))
        for name in unread where !declared.contains(name) {
            let hint = nearestName(name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
            throw ParameterError("--set \(name): the script never reads a parameter '\(name)'\(hint)")
        }
    }

    func markRead(_ name: String) { read.insert(name) }

    /// Pushes `flipside.params`: an empty table whose reads go through `__index`.
    func push(_ call: LuaCall) {
        let values = Dictionary(given) { $1 }
        lua_createtable_of(call, 0)
        lua_createtable_of(call, 0)
        call.setField("__index") {
            call.push(LuaFunction("params") { [self] call in
                guard call.type(2) == LUA_STRING_TYPE else { call.pushNil(); return 1 }
                let name = try call.string(2)
                markRead(name)
                if let value = values[name] { RunParameters.push(value, on: call) } else { call.pushNil() }
                return 1
            })
        }
        call.setField("__pairs") {
            call.push(LuaFunction("pairs") { [self] call in
                push_raw_next_of(call)
                lua_createtable_of(call, 0)
                for (name, value) in values {
                    markRead(name)
                    call.setField(name) { RunParameters.push(value, on: call) }
                }
                call.pushNil()
                return 3
            })
        }
        lua_setmetatable_of(call, -2)
    }

    static func push(_ value: RunValue, on call: LuaCall) {
        switch value {
        case .integer(let i): call.push(i)
        case .number(let d): call.push(d)
        case .boolean(let b): call.push(b)
        case .text(let s): call.push(s)
        }
    }
}

public struct ParameterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
