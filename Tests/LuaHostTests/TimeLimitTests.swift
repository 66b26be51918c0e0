import LuaHost
import Testing

@Suite struct TimeLimitTests {
    @Test func anEndlessLoopIsStopped() throws {
        let vm = try makeVM(counter: LiveCounter())
        vm.setTimeLimit(seconds: 0.2)
        let message = errorMessage(vm, "while true do end")
        #expect(message?.contains("time limit of 0.2 s exceeded") == true)
    }

    @Test func pcallCannotSwallowTheStop() throws {
        let vm = try makeVM(counter: LiveCounter())
        vm.setTimeLimit(seconds: 0.2)
        let message = errorMessage(vm, """
            while true do
              pcall(function() while true do end end)
            end
            """)
        #expect(message?.contains("time limit") == true)
        vm.clearLimits()
        #expect(try vm.run("return 1 + 1", results: 1) == 1)
        vm.pop()
    }

    @Test func cancellationInterrupts() throws {
        let vm = try makeVM(counter: LiveCounter())
        vm.requestCancel()
        #expect(errorMessage(vm, "while true do end")?.contains("interrupted") == true)
    }
}
