import FlipLua
import FlipRunner
import FlipResults
import Foundation
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

enum FileHandleOutput {
    static func error(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }
}

/// Where the Lua half of flipside lives: $FLIPSIDE_STDLIB, the source tree this
/// binary was built from, or `share/flipside/stdlib` beside an installed binary.
enum StdlibLocator {
    static func find() -> String? {
        if let env = getenv("FLIPSIDE_STDLIB") { return String(cString: env) }
        var candidates: [String] = []
        let source = "\(#filePath)"
        let parts = source.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > 3 {
            candidates.append(parts.dropLast(3).joined(separator: "/") + "/stdlib")
        }
        if let exe = executablePath() {
            let dir = String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)])
            candidates.append(dir + "/../share/flipside/stdlib")
        }
        return candidates.first { access($0 + "/flipside", R_OK) == 0 }
    }

    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The global `arg` as the standalone lua sets it: arg[0] the script,
/// arg[1..n] its arguments, arg[-1] the interpreter.
enum ScriptArguments {
    static func push(on vm: LuaVM, script: String, arguments: [String]) {
        var values: [(Int, String)] = [(-2, "flipside"), (-1, "run"), (0, script)]
        for (i, a) in arguments.enumerated() { values.append((i + 1, a)) }
        vm.pushStringTable(values)
    }
}

/// The code a run was made with, in words: the engine's version and a short
/// hash of the stdlib's Lua files (the keys themselves cover each run's code).
enum CodeVersion {
    static func describe(stdlib: String?) -> String {
        "\(RunKeys.engine)" + (stdlib == nil ? "" : " stdlib \(RunKeys.stdlibHash(stdlib).prefix(12))")
    }
}
