import LuaHost
import Testing

@Suite struct UserdataTests {
    @Test func forgedMetatablesAreRefused() throws {
        let vm = try makeVM(counter: LiveCounter())
        // The real metatable is hidden.
        #expect(try vm.run("return getmetatable(t.make())", results: 1) == 1)
        #expect(vm.string(at: -1) == "test.Tracked")
        vm.pop()
        // A table dressed as the type, and another userdata given its metatable.
        #expect(errorMessage(vm, "t.check(setmetatable({}, {__name = 'test.Tracked'}))")
            == "test.lua:1: bad argument #1 to 'check' (test.Tracked expected, got table)")
        #expect(errorMessage(vm, "local mt = debug.getmetatable(t.make()); debug.setmetatable(io.stdout, mt); t.check(io.stdout)")
            == "test.lua:1: bad argument #1 to 'check' (test.Tracked expected, got a userdata with a forged metatable)")
        #expect(errorMessage(vm, "local o = t.other(); debug.setmetatable(o, debug.getmetatable(t.make())); t.check(o)")
            == "test.lua:1: bad argument #1 to 'check' (test.Tracked expected, got a userdata with a forged metatable)")
    }

    @Test func closeReleasesOnceAndUseAfterCloseIsAnError() throws {
        let counter = LiveCounter()
        let vm = try makeVM(counter: counter)
        let message = errorMessage(vm, """
            local x = t.make()
            do local y <close> = x end
            local mt = debug.getmetatable(x)
            mt.__gc(x); mt.__close(x)
            t.check(x)
            """)
        #expect(message == "test.lua:5: bad argument #1 to 'check' (test.Tracked expected, got a closed test.Tracked)")
        #expect(counter.current == 0)
    }

    @Test func objectsAreFreedByTheCollector() throws {
        let counter = LiveCounter()
        let vm = try makeVM(counter: counter)
        try vm.run("keep = t.make(); for i = 1, 100 do local x = t.make() end")
        vm.collectGarbage()
        #expect(counter.current == 1)
        try vm.run("keep = nil")
        vm.collectGarbage()
        #expect(counter.current == 0)
    }

    @Test func callsFromACoroutinePushOntoItsStack() throws {
        let counter = LiveCounter()
        let vm = try makeVM(counter: counter)
        try vm.run("""
            local co = coroutine.wrap(function(n)
              local made = t.make()
              coroutine.yield(made, t.square(n))
              return t.make(), t.make()
            end)
            local made, square = co(3)
            assert(tostring(made) == "Tracked" and square == 9, tostring(made))
            local a, b = co()
            assert(a:alive() and b:alive())
            """)
        #expect(vm.top == 0, "nothing stray on the main thread's stack")
        vm.collectGarbage()
        #expect(counter.current == 0)
    }
}
