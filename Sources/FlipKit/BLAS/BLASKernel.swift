import CBLAS
import CCPU
import Foundation

/// The BLAS this process computes with: the library, its version, the kernel
/// it runs and how that kernel was chosen (see `BLASSelection`).
public struct BLASKernel: Sendable, Equatable {
    public enum Choice: String, Sendable {
        /// The library's own detection.
        case library
        /// flipside chose it for the processor's vector units, and it passed the check.
        case selected
        /// OPENBLAS_CORETYPE, set by the user.
        case user
        /// flipside's choice failed the check: the library's own detection runs.
        case fallback
    }

    public var library: String
    public var version: String
    /// OpenBLAS's core name, e.g. "Haswell" or "SkylakeX".
    public var kernel: String
    public var choice: Choice
    /// The kernel that failed the check (with `.fallback` only).
    public var rejected: String?
    /// The library's configuration line, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ...".
    public var configuration: String
    /// The processor's brand string, e.g. "AMD EPYC".
    public var processor: String
    /// OPENBLAS_CORETYPE as the user set it (with `.user` only).
    public var requested: String?

    /// The library's kernel in this process, and its choice as the environment records it.
    public static var current: BLASKernel {
        let configuration = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        let words = configuration.split(separator: " ")
        let environment = ProcessInfo.processInfo.environment
        let (choice, rejected) = BLASSelection.choice(in: environment)
        return BLASKernel(
            library: words.first.map(String.init) ?? "OpenBLAS",
            version: words.count > 1 ? String(words[1]) : "unknown",
            kernel: libraryKernel, choice: choice, rejected: rejected,
            configuration: configuration, processor: processorName,
            requested: choice == .user ? environment[BLASSelection.coreTypeVariable] : nil)
    }

    /// The core name OpenBLAS reports for the kernel it loaded.
    public static var libraryKernel: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    public static var processorName: String {
        var brand = [CChar](repeating: 0, count: 49)
        flipside_cpu_brand(&brand)
        let name = String(decoding: brand.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "unknown processor" : name
    }

    /// One line: "OpenBLAS 0.3.21, kernel Haswell (selected), on <processor>".
    public var summary: String {
        var how = choice == .fallback ? "fallback: \(rejected ?? "?") failed the check" : choice.rawValue
        if let requested, requested.lowercased() != kernel.lowercased() {
            how = "user: OpenBLAS did not take OPENBLAS_CORETYPE=\(requested)"  // an unknown name, say
        }
        return "\(library) \(version), kernel \(kernel) (\(how)), on \(processor)"
    }
}
