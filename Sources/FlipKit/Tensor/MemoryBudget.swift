import CBudget

/// The bytes tensors and Lua heaps may hold together in this process (see
/// flipside_budget.h). Every tensor's storage is charged here; a request that
/// does not fit first lets the Lua state running on this thread collect its
/// garbage, then fails with an error instead of growing until Linux kills
/// the process.
public enum MemoryBudget {
    /// The limit in bytes: the one set, else $FLIPSIDE_MEMORY (MB), else 15/16
    /// of the memory available when the budget was first used.
    public static var limit: Int { Int(clamping: UInt(flipside_budget_limit())) }

    /// Bytes held now by tensors and Lua heaps.
    public static var used: Int { Int(clamping: UInt(flipside_budget_used())) }

    /// Bytes left under the limit (0 when allocations made while Swift code
    /// drove a Lua state took it past the limit).
    public static var available: Int { limit - min(used, limit) }

    /// "tensors and Lua hold U of the L MB this process may use (…)".
    public static var summary: String { String(cString: flipside_budget_summary()) }

    /// Sets the limit (`nil`: back to the default).
    public static func setLimit(bytes: Int?) {
        flipside_budget_set_limit(bytes.map { size_t(max($0, 1)) } ?? 0)
    }

    /// Whether `bytes` more fit now, after collecting garbage if they do not at
    /// first: for Lua values a binding is about to build, whose allocations
    /// cannot be refused halfway (see the allocator in flipside_shim.c).
    public static func hasRoom(for bytes: Int) -> Bool {
        if bytes <= available { return true }
        flipside_budget_reclaim()
        return bytes <= available
    }

    /// Takes `bytes` from the budget, collecting garbage once if they do not fit.
    static func charge(_ bytes: Int) -> Bool {
        let size = size_t(max(bytes, 0))
        if flipside_budget_charge(size) != 0 { return true }
        flipside_budget_reclaim()
        return flipside_budget_charge(size) != 0
    }

    static func release(_ bytes: Int) { flipside_budget_release(size_t(max(bytes, 0))) }
}
