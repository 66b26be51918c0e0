import CLua
import CLuaShim
import LuaHost
import Testing

/// A state's heap is charged to the memory budget through its allocator: the
/// count it keeps is Lua's own count of its heap, to the byte, as the heap
/// grows, shrinks and is collected.
@Suite struct HeapAccountingTests {
    static func luaCount(_ vm: LuaVM) -> Int {
        Int(clua_gc_count_kb(vm.state)) * 1024 + Int(clua_gc_count_remainder(vm.state))
    }

    @Test func theChargedHeapIsLuasCountOfIt() throws {
        let vm = try LuaVM()
        #expect(flipside_heap_bytes(vm.state) == HeapAccountingTests.luaCount(vm))
        try vm.run("big = {} for i = 1, 200000 do big[i] = tostring(i) end")
        let grown = flipside_heap_bytes(vm.state)
        #expect(grown == HeapAccountingTests.luaCount(vm))
        #expect(grown > 4_000_000)
        try vm.run("big = nil collectgarbage()")
        #expect(flipside_heap_bytes(vm.state) == HeapAccountingTests.luaCount(vm))
        #expect(flipside_heap_bytes(vm.state) < grown / 4)
    }
}
