import LuaHost
import Synchronization

/// Counts live instances of `Tracked`, to show that raising calls free everything.
final class LiveCounter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    func decrement() { value.withLock { $0 -= 1 } }
    var current: Int { value.withLock { $0 } }
}

final class Tracked {
    let counter: LiveCounter
    init(_ counter: LiveCounter) {
        self.counter = counter
        counter.increment()
    }
    deinit { counter.decrement() }
}

final class OtherThing {}

struct Failure: Error, CustomStringConvertible {
    let description: String
}

/// A VM with a small test module registered as global `t`.
func makeVM(counter: LiveCounter) throws -> LuaVM {
    let vm = try LuaVM()
    vm.registerType(Tracked.self, name: "test.Tracked", methods: [
        LuaFunction("alive") { call in
            _ = try call.object(1, Tracked.self)
            call.push(true)
            return 1
        },
    ]) { _ in "Tracked" }
    vm.registerType(OtherThing.self, name: "test.Other", methods: []) { _ in "Other" }
    let functions = [
        LuaFunction("make") { call in
            try call.push(Tracked(counter))
            return 1
        },
        LuaFunction("other") { call in
            try call.push(OtherThing())
            return 1
        },
        LuaFunction("fail_holding") { call in
            let held = [Tracked(counter), Tracked(counter)]
            _ = held
            throw Failure(description: "deliberate failure")
        },
        LuaFunction("fail_argument") { call in
            let held = Tracked(counter)
            _ = held
            _ = try call.integer(1, in: 1...10)
            return 0
        },
        LuaFunction("square") { call in
            let x = try call.number(1)
            call.push(x * x)
            return 1
        },
        LuaFunction("check") { call in
            _ = try call.object(1, Tracked.self)
            return 0
        },
        LuaFunction("call") { call in
            // Calls the Lua function at argument 1 with argument 2, returns its result.
            try call.function(1)
            try call.protectedCall(function: 1, arguments: 1, results: 1) {
                lua_pushvalue_of(call, 2)
            }
            return 1
        },
        LuaFunction("options") { call in
            let options = try call.table(1)
            call.push(try options.number("lr", default: 0.5))
            return 1
        },
    ]
    vm.setGlobal("t") { vm in vm.pushTable(of: functions) }
    return vm
}

/// Runs `source` as chunk `@name` and returns the error message it raises.
func errorMessage(_ vm: LuaVM, _ source: String, name: String = "test.lua") -> String? {
    do {
        try vm.run(source, name: "@" + name)
        return nil
    } catch let error as LuaScriptError {
        return error.message
    } catch {
        return "\(error)"
    }
}
