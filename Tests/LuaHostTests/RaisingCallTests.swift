import LuaHost
import Testing

@Suite struct RaisingCallTests {
    @Test func tenThousandRaisingCallsUnderPcallLeakNothing() throws {
        let counter = LiveCounter()
        do {
            let vm = try makeVM(counter: counter)
            try vm.run("""
                local failures = 0
                for i = 1, 10000 do
                  local ok, err = pcall(t.fail_holding)
                  if not ok then failures = failures + 1 end
                  ok = pcall(t.fail_argument, 99)
                  if not ok then failures = failures + 1 end
                end
                assert(failures == 20000, failures)
                """)
            #expect(counter.current == 0)
            try vm.run("for i = 1, 1000 do local x = t.make() end")
            vm.collectGarbage()
            #expect(counter.current == 0)
        }
        #expect(counter.current == 0)
    }

    @Test func errorsNameFileLineFunctionAndArgument() throws {
        let vm = try makeVM(counter: LiveCounter())
        #expect(errorMessage(vm, "\nt.square('x')") == "test.lua:2: bad argument #1 to 'square' (number expected, got string)")
        #expect(errorMessage(vm, "t.fail_argument(11)") == "test.lua:1: bad argument #1 to 'fail_argument' (value 11 out of range 1..10)")
        #expect(errorMessage(vm, "t.fail_argument(1.5)") == "test.lua:1: bad argument #1 to 'fail_argument' (number has no integer representation)")
        #expect(errorMessage(vm, "t.fail_holding()") == "test.lua:1: fail_holding: deliberate failure")
        #expect(errorMessage(vm, "t.options({lr = 'fast'})") == "test.lua:1: bad argument #1 to 'options' (field 'lr': number expected, got string)")
        #expect(errorMessage(vm, "local f = t.square; f()") == "test.lua:1: bad argument #1 to 'f' (number expected, got no value)")
    }

    @Test func methodArgumentsAreCountedLikeLua() throws {
        let vm = try makeVM(counter: LiveCounter())
        #expect(errorMessage(vm, "local x = t.make(); x.alive(42)") == "test.lua:1: bad argument #1 to 'alive' (test.Tracked expected, got number)")
        #expect(errorMessage(vm, "local x = t.make(); x.alive(t.other())") == "test.lua:1: bad argument #1 to 'alive' (test.Tracked expected, got test.Other)")
    }

    @Test func luaErrorsInsideSwiftCallsPropagateWithTraceback() throws {
        let vm = try makeVM(counter: LiveCounter())
        #expect(try vm.run("return t.call(function(x) return x * 2 end, 21)", results: 1) == 1)
        #expect(vm.string(at: -1) == "42")
        vm.pop()
        do {
            try vm.run("t.call(function(x) error('inner ' .. x) end, 'boom')", name: "@outer.lua")
            Issue.record("expected an error")
        } catch let error as LuaScriptError {
            #expect(error.message.contains("outer.lua:1: inner boom"))
            #expect(error.traceback.contains("stack traceback"))
        }
    }
}
