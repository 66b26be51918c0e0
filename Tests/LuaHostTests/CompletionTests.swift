import CLua
import LuaHost
import Testing

/// The REPL's Tab completion without a terminal: what the text before the
/// cursor asks for, and the names a Lua state offers, read raw.
@Suite struct CompletionTests {
    @Test(arguments: [
        ("flipside.ten", CompletionRequest(path: ["flipside"], method: false, word: "ten")),
        ("x = flipside.tensor.ze", CompletionRequest(path: ["flipside", "tensor"], method: false, word: "ze")),
        ("print(t:su", CompletionRequest(path: ["t"], method: true, word: "su")),
        ("a.b:", CompletionRequest(path: ["a", "b"], method: true, word: "")),
        ("pri", CompletionRequest(path: [], method: false, word: "pri")),
        ("s = 'x' ..fl", CompletionRequest(path: [], method: false, word: "fl")),
        ("s = x..a.b", CompletionRequest(path: ["a"], method: false, word: "b")),
        ("s = 'a' .. \"b\" .. [[c]] .. x", CompletionRequest(path: [], method: false, word: "x")),
        ("--[[ done ]] return fl", CompletionRequest(path: [], method: false, word: "fl")),
    ])
    func readsTheNameBeforeTheCursor(text: String, expected: CompletionRequest) {
        #expect(CompletionRequest(before: text) == expected)
    }

    @Test(arguments: ["print('flipside.ten", "x = \"a\\\"fl", "-- flipside.ten", "x = [==[ fl ]] fl",
                      "--[[ fl", "f().x", "t[1].na", "a:b.c", "x = 1.5", "x = 3.", "::fl"])
    func completesNothingInAStringACommentOrAfterAnExpression(text: String) {
        #expect(CompletionRequest(before: text) == nil, "\(text)")
    }

    @Test func offersGlobalsKeywordsFieldsAndNestedFields() throws {
        let vm = try LuaVM()
        try vm.run("""
            alpha, alphabet = 1, 2
            lab = {inner = {zeta = 1, zero = 2, [3] = "x", ["not a name"] = 4, ["end"] = 5}, count = 0}
            """)
        #expect(LuaCompletion.candidates(in: vm.state, before: "x = alp") == ["alpha", "alphabet"])
        #expect(LuaCompletion.candidates(in: vm.state, before: "whi") == ["while"])
        #expect(LuaCompletion.candidates(in: vm.state, before: "lab.") == ["count", "inner"])
        #expect(LuaCompletion.candidates(in: vm.state, before: "lab.inner.ze") == ["zero", "zeta"])
        #expect(LuaCompletion.candidates(in: vm.state, before: "string.up") == ["upper"])
        #expect(LuaCompletion.candidates(in: vm.state, before: "lab.missing.x").isEmpty)
        #expect(LuaCompletion.candidates(in: vm.state, before: "alpha.x").isEmpty, "a number has no fields")
    }

    /// After `:`, the functions a value reaches through its metatable's
    /// `__index` tables: a userdata's methods, a string's, a class chain's.
    @Test func offersMethodsThroughIndexTables() throws {
        let vm = try makeVM(counter: LiveCounter())
        try vm.run("""
            thing = t.make()
            word = "abc"
            local Base = {describe = function() end, size = 3}
            Base.__index = Base
            local Derived = setmetatable({dance = function() end}, Base)
            Derived.__index = Derived
            object = setmetatable({data = {}, do_it = function() end}, Derived)
            """)
        #expect(LuaCompletion.candidates(in: vm.state, before: "thing:") == ["alive"])
        #expect(LuaCompletion.candidates(in: vm.state, before: "word:up") == ["upper"])
        #expect(LuaCompletion.candidates(in: vm.state, before: "object:d") == ["dance", "describe", "do_it"])
        #expect(LuaCompletion.candidates(in: vm.state, before: "object.") == ["__index", "dance", "data", "describe", "do_it", "size"])
        #expect(LuaCompletion.candidates(in: vm.state, before: "object.size.x").isEmpty)
    }

    /// An `__index` function, `__pairs` and the rest never run: completion
    /// reads tables raw, and keeps the stack as it found it.
    @Test func runsNoScriptCode() throws {
        let vm = try LuaVM()
        try vm.run("""
            ran = 0
            local meta = {
              __index = function(_, key) ran = ran + 1; return {field = 1} end,
              __pairs = function() ran = ran + 1; error("pairs ran") end,
              __eq = function() ran = ran + 1; return true end,
              __metatable = "locked",
            }
            proxy = setmetatable({own = 1}, meta)
            _G.__index_trap = setmetatable({}, {__index = setmetatable({}, meta)})
            """)
        let top = vm.top
        #expect(LuaCompletion.candidates(in: vm.state, before: "proxy.") == ["own"])
        #expect(LuaCompletion.candidates(in: vm.state, before: "proxy.anything.f").isEmpty)
        #expect(LuaCompletion.candidates(in: vm.state, before: "proxy:o").isEmpty, "own is a number, not a method")
        #expect(LuaCompletion.candidates(in: vm.state, before: "__index_trap.deep.f").isEmpty)
        #expect(vm.top == top)
        try vm.run("assert(ran == 0, 'completion ran ' .. ran .. ' metamethods')")
    }

    /// A huge table, or an `__index` chain that loops, costs a bounded walk.
    @Test func isBounded() throws {
        let vm = try LuaVM()
        try vm.run("""
            big = {}
            for i = 1, 100000 do big["k" .. i] = i end
            loop = {}
            setmetatable(loop, {__index = loop})
            """)
        let found = LuaCompletion.candidates(in: vm.state, before: "big.k")
        #expect(!found.isEmpty && found.count <= LuaCompletion.entryLimit)
        #expect(LuaCompletion.candidates(in: vm.state, before: "loop.nothing.x").isEmpty)
        #expect(LuaCompletion.candidates(in: vm.state, before: "loop:").isEmpty)
    }
}
