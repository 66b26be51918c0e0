import CSandbox
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The kernel half of the sandbox: the process restricts itself with Landlock
/// to reading beneath `readable`, reading and writing beneath `writable`, and
/// no TCP. Whatever the Lua layer lets through, the kernel refuses the rest.
/// The restriction covers the calling thread and the threads and processes it
/// starts later; it cannot be lifted.
public struct KernelSandbox: Sendable {
    public var readable: [String]
    public var writable: [String]

    public init(readable: [String], writable: [String]) {
        self.readable = readable
        self.writable = writable
    }

    /// The Landlock ABI version the kernel offers, or nil with the reason.
    public static func availability() -> (abi: Int32?, reason: String) {
        let abi = flipside_landlock_abi()
        if abi >= 1 { return (abi, "Landlock ABI \(abi)") }
        switch -abi {
        case ENOSYS: return (nil, "this kernel has no Landlock")
        case EOPNOTSUPP: return (nil, "Landlock is disabled in this kernel (boot with lsm=...,landlock)")
        default: return (nil, "Landlock is unavailable: \(String(cString: strerror(-abi)))")
        }
    }

    /// True once this process restricted itself.
    public static var isEnforced: Bool { enforced.withLock { $0 } }
    private static let enforced = Mutex(false)

    /// What any process needs to go on once restricted: its executable and the
    /// libraries it has mapped, a few device files, the time zone, the CPU list
    /// that thread pools read and the memory figure the budget starts from.
    /// Nothing of /proc/self: its environ and maps are not the script's to read.
    public static func processNeeds() -> (readable: [String], writable: [String]) {
        var readable = ["/dev/urandom", "/dev/random", "/dev/zero", "/etc/localtime", "/usr/share/zoneinfo",
                        "/sys/devices/system/cpu", "/proc/meminfo"]
        if let exe = SandboxPaths.realPath("/proc/self/exe") { readable.append(exe) }
        readable += mappedFiles()
        return (readable, ["/dev/null"])
    }

    /// The files mapped into this process (its libraries), from /proc/self/maps.
    static func mappedFiles() -> [String] {
        guard let file = fopen("/proc/self/maps", "r") else { return [] }
        defer { fclose(file) }
        var seen = Set<String>()
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard let slash = text.firstIndex(of: "/") else { continue }
            let path = text[slash...].trimmingCharacters(in: .newlines)
            if !path.hasSuffix("(deleted)") { seen.insert(path) }
        }
        return seen.sorted()
    }

    /// Restricts this process. A path that does not exist is left out.
    public func enforce() throws {
        let availability = KernelSandbox.availability()
        guard let abi = availability.abi else { throw LuaSandboxError(availability.reason) }
        let ruleset = flipside_landlock_ruleset(abi)
        guard ruleset >= 0 else { throw LuaSandboxError("cannot create a Landlock ruleset: \(String(cString: strerror(-ruleset)))") }
        for (paths, rights) in [(readable, FLIPSIDE_LANDLOCK_READ), (writable, FLIPSIDE_LANDLOCK_WRITE)] {
            for path in paths {
                let status = flipside_landlock_allow(ruleset, abi, path, Int32(rights))
                if status == 0 || status == -ENOENT || status == -ENOTDIR { continue }
                close(ruleset)
                throw LuaSandboxError("cannot allow '\(path)' in the Landlock ruleset: \(String(cString: strerror(-status)))")
            }
        }
        let status = flipside_landlock_enforce(ruleset)
        guard status == 0 else { throw LuaSandboxError("cannot restrict this process with Landlock: \(String(cString: strerror(-status)))") }
        KernelSandbox.enforced.withLock { $0 = true }
    }
}
