import CLua

/// The names that complete the text before the cursor, for the REPL's Tab:
/// globals and keywords, a table's fields, a value's methods after `:` (found
/// through its metatable's `__index` table, so a userdata's too).
///
/// It runs no script code and raises nothing: it reads tables with `lua_next`
/// and `lua_getmetatable` only, compares keys without pushing strings (no
/// allocation, so no memory error either), never follows an `__index`
/// function nor `__pairs`, and visits at most `entryLimit` table entries.
public enum LuaCompletion {
    public static let entryLimit = 20_000
    /// How many `__index` tables are followed from a value (an inheritance chain).
    static let indexChainLimit = 8

    static let keywords = ["and", "break", "do", "else", "elseif", "end", "false", "for", "function",
                           "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
                           "true", "until", "while"]

    /// Sorted candidates for the word at the end of `text`, each the whole name.
    public static func candidates(in state: OpaquePointer, before text: String) -> [String] {
        guard let request = CompletionRequest(before: text) else { return [] }
        return candidates(in: state, for: request)
    }

    public static func candidates(in state: OpaquePointer, for request: CompletionRequest) -> [String] {
        let top = lua_gettop(state)
        defer { lua_settop(state, top) }
        guard lua_checkstack(state, 8) != 0 else { return [] }
        let walk = RawWalk(state: state, budget: entryLimit)
        lua_rawgeti(state, clua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        for component in request.path {
            guard walk.pushField(component) else { return [] }
            clua_replace(state, -2)
        }
        var names = walk.names(startingWith: request.word, functionsOnly: request.method)
        if request.path.isEmpty && !request.method {
            names.formUnion(keywords.filter { $0.hasPrefix(request.word) })
        }
        return names.sorted()
    }
}

/// Raw reads from the value on top of the stack, counting every entry visited.
private final class RawWalk {
    let state: OpaquePointer
    var budget: Int

    init(state: OpaquePointer, budget: Int) {
        self.state = state
        self.budget = budget
    }

    /// Pushes the field `name` of the value on top (raw, then through `__index`
    /// tables); false, with nothing pushed, if there is none.
    func pushField(_ name: String) -> Bool {
        let base = lua_gettop(state)
        for _ in 0..<LuaCompletion.indexChainLimit {
            if lua_type(state, -1) == LUA_TTABLE, pushEntry(named: name) {
                // Drop the __index tables walked through, below the field.
                if lua_gettop(state) > base + 1 { clua_replace(state, base + 1) }
                lua_settop(state, base + 1)
                return true
            }
            guard pushIndexTable() else { break }
        }
        lua_settop(state, base)
        return false
    }

    /// The string keys of the value on top and of its `__index` tables that
    /// are names and start with `prefix`; with `functionsOnly`, those holding functions.
    func names(startingWith prefix: String, functionsOnly: Bool) -> Set<String> {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        let wanted = Array(prefix.utf8)
        var found = Set<String>()
        for _ in 0..<LuaCompletion.indexChainLimit {
            if lua_type(state, -1) == LUA_TTABLE {
                forEachEntry { key, valueType in
                    if key.starts(with: wanted), isName(key), !functionsOnly || valueType == LUA_TFUNCTION {
                        found.insert(String(decoding: key, as: UTF8.self))
                    }
                    return true
                }
            }
            guard pushIndexTable() else { break }
        }
        return found
    }

    /// Pushes the `__index` of the metatable of the value on top if it is a table.
    private func pushIndexTable() -> Bool {
        let base = lua_gettop(state)
        guard lua_getmetatable(state, -1) != 0 else { return false }
        if pushEntry(named: "__index"), lua_type(state, -1) == LUA_TTABLE {
            clua_remove(state, -2)
            return true
        }
        lua_settop(state, base)
        return false
    }

    /// Pushes the value under the string key `name` in the table on top; false,
    /// with nothing pushed, if the key is absent or the budget runs out first.
    private func pushEntry(named name: String) -> Bool {
        let wanted = Array(name.utf8)
        var hit = false
        forEachEntry { key, _ in
            guard key.elementsEqual(wanted) else { return true }
            lua_pushvalue(state, -1)
            hit = true
            return false
        }
        return hit
    }

    /// Visits the entries of the table on top with string keys, as long as
    /// `body` returns true and the budget lasts. A value `body` pushes stays
    /// on top when it stops the walk.
    private func forEachEntry(_ body: (UnsafeRawBufferPointer, Int32) -> Bool) {
        let table = lua_gettop(state)
        lua_pushnil(state)
        while budget > 0, lua_next(state, table) != 0 {
            budget -= 1
            var length = 0
            if lua_type(state, -2) == LUA_TSTRING, let key = lua_tolstring(state, -2, &length),
                !body(UnsafeRawBufferPointer(start: key, count: length), lua_type(state, -1)) {
                // The value `body` pushed: keep it, drop the key and value of the walk.
                clua_remove(state, -2)
                clua_remove(state, -2)
                return
            }
            clua_pop(state, 1)
        }
        lua_settop(state, table)
    }

    private func isName(_ key: UnsafeRawBufferPointer) -> Bool {
        guard let first = key.first, !CompletionRequest.isDigit(first) else { return false }
        return key.allSatisfy(CompletionRequest.isNameByte) && !LuaCompletion.keywords.contains(
            String(decoding: key, as: UTF8.self))
    }
}
