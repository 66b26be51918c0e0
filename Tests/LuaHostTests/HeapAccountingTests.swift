import CLua
import CLuaShim
import LuaHost
import Testing

/// A state's heap is charged to the memory budget through its allocator, at
/// the size the allocator really hands out: at least Lua's own count of its
/// heap, and more by glibc's rounding and headers, as the heap grows, shrinks
/// and is collected.
@Suite struct HeapAccountingTests {
    static func luaCount(_ vm: LuaVM) -> Int {
        Int(clua_gc_count_kb(vm.state)) * 1024 + Int(clua_gc_count_remainder(vm.state))
    }

    @Test func theChargedHeapIsWhatTheAllocatorHandsOut() throws {
        let vm = try LuaVM()
        #expect(flipside_heap_bytes(vm.state) >= HeapAccountingTests.luaCount(vm))
        try vm.run("big = {} for i = 1, 200000 do big[i] = function() return i end end")
        let grown = flipside_heap_bytes(vm.state)
        let counted = HeapAccountingTests.luaCount(vm)
        // Each closure and its upvalue are two small blocks, each with an 8-byte header at least.
        #expect(grown >= counted + 200_000 * 16, "\(grown) charged for \(counted) counted")
        #expect(grown <= counted * 2)
        try vm.run("big = nil collectgarbage()")
        #expect(flipside_heap_bytes(vm.state) >= HeapAccountingTests.luaCount(vm))
        #expect(flipside_heap_bytes(vm.state) < grown / 4)
    }
}
