import CEdit
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// Tab at the REPL's prompt: libedit's readline-compatible completion hook,
/// answered by `LuaCompletion` from the line before the cursor.
enum ReplCompletion {
    nonisolated(unsafe) static var state: OpaquePointer?

    static func install(_ vm: LuaVM) {
        state = vm.state
        cedit_install_completion { _, _, _ in ReplCompletion.matches() }
    }

    /// readline's answer: the candidates' common prefix, then each candidate
    /// (none after it when there is one), in a NULL-ended array libedit frees.
    static func matches() -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        cedit_completion_over()
        guard let state, let line = cedit_line() else { return nil }
        let cursor = min(max(Int(cedit_cursor()), 0), strlen(line))
        let text = String(decoding: UnsafeRawBufferPointer(start: line, count: cursor), as: UTF8.self)
        let candidates = LuaCompletion.candidates(in: state, before: text)
        guard let first = candidates.first else { return nil }
        let common = candidates.dropFirst().reduce(first) { prefix, name in
            String(decoding: zip(prefix.utf8, name.utf8).prefix { $0 == $1 }.map(\.0), as: UTF8.self)
        }
        let entries = [common] + (candidates.count > 1 ? candidates : [])
        let size = (entries.count + 1) * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride
        guard let raw = malloc(size) else { return nil }
        let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
        for (i, entry) in entries.enumerated() { array[i] = strdup(entry) }
        array[entries.count] = nil
        return array
    }
}
