import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// The read-evaluate-print loop over any line reader.
struct ReplSession {
    let vm: LuaVM
    let evaluator: Int32

    static func historyFile() -> String? {
        guard let home = getenv("HOME") else { return nil }
        return String(cString: home) + "/.flipside_history"
    }

    func loop<Reader: LineReader>(_ reader: inout Reader) {
        while let first = reader.read(prompt: "> ") {
            var buffer = first
            var status = evaluate(buffer)
            while status == "incomplete", let more = reader.read(prompt: ">> ") {
                buffer += "\n" + more
                status = evaluate(buffer)
            }
            if status == "incomplete" { _ = evaluate(buffer, final: true) }
            reader.remember(buffer)
        }
        if isatty(0) != 0 { print() }
    }

    /// Runs one input with Ctrl-C interrupting it, as the standalone lua does.
    private func evaluate(_ source: String, final: Bool = false) -> String {
        fflush(nil)
        // A limit that never expires arms the instruction-count hook, which
        // coroutines created meanwhile inherit: Ctrl-C then stops them too.
        vm.setTimeLimit(seconds: 1e12)
        ReplInterrupt.arm(vm)
        defer {
            ReplInterrupt.disarm()
            vm.clearLimits()
            fflush(nil)
        }
        do {
            return try vm.call(at: evaluator, with: [source, final ? "final" : ""]) ?? "error"
        } catch {
            FileHandleOutput.error("\(error)")
            return "error"
        }
    }
}

/// SIGINT while Lua runs: ask the VM to stop at its next instruction check.
enum ReplInterrupt {
    nonisolated(unsafe) static var state: OpaquePointer?

    static func arm(_ vm: LuaVM) {
        state = vm.state
        signal(SIGINT) { _ in
            if let state = ReplInterrupt.state { LuaVM.requestCancel(state) }
        }
    }

    static func disarm() {
        signal(SIGINT, SIG_DFL)
        state = nil
    }
}
