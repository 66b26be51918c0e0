import CCPU

/// Chooses the BLAS kernel at process start. Debian 12's OpenBLAS 0.3.21 knows
/// processors by model number and falls back to SSE kernels (Prescott) on models
/// newer than itself, a fifth of the speed of the kernels their vector units can
/// run. OpenBLAS reads OPENBLAS_CORETYPE only once, as it loads, so the command
/// line re-executes itself once with the matching kernel named there; the new
/// process checks that kernel's products against a plain loop, and re-executes
/// once more without it (the library's own choice) if they disagree. A kernel
/// the user named in OPENBLAS_CORETYPE is never replaced. FLIPSIDE_BLAS_SELECTION
/// records the steps in the environment, so no process re-executes twice for
/// the same reason and children inherit the outcome.
public enum BLASSelection {
    /// Marks a process re-executed by the selection: "selected:KERNEL" or "fallback:KERNEL".
    public static let markerVariable = "FLIPSIDE_BLAS_SELECTION"
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// For tests only: decide as if the library had detected this kernel.
    public static let testDetectedVariable = "FLIPSIDE_BLAS_TEST_DETECTED"
    /// For tests only: "fail" makes the check of a selected kernel fail.
    public static let testCheckVariable = "FLIPSIDE_BLAS_TEST_CHECK"

    /// What the processor offers the kernels.
    public struct Processor: Sendable, Equatable {
        public var avx2FMA: Bool
        public var avx512: Bool
        public var amd: Bool
        public init(avx2FMA: Bool, avx512: Bool, amd: Bool) {
            self.avx2FMA = avx2FMA
            self.avx512 = avx512
            self.amd = amd
        }
        public static var current: Processor {
            Processor(avx2FMA: flipside_cpu_has_avx2_fma() != 0, avx512: flipside_cpu_has_avx512() != 0,
                      amd: flipside_cpu_is_amd() != 0)
        }
    }

    /// What the process start does.
    public enum Step: Equatable, Sendable {
        /// Go on with the kernel loaded.
        case proceed
        /// Set (or, with nil, remove) OPENBLAS_CORETYPE, set the marker, and execute again.
        case reexecute(coreType: String?, marker: String)
    }

    /// OpenBLAS 0.3.21's x86-64 kernels written for AVX2 and FMA or more; every
    /// other one (Prescott, Core2, Nehalem, Sandybridge, Zen's predecessors, ...)
    /// leaves such a processor's vector units half idle or worse.
    static let vectorKernels: Set<String> = ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"]

    /// The kernel for a processor the library did not recognise: SkylakeX with
    /// AVX-512, else Zen on AMD and Haswell elsewhere with AVX2 and FMA (the
    /// mapping OpenBLAS itself makes for the processors it knows; Zen's kernels
    /// are Haswell's with other block sizes). Nil without AVX2 and FMA.
    public static func preferredKernel(for processor: Processor) -> String? {
        if processor.avx512 { return "SkylakeX" }
        if processor.avx2FMA { return processor.amd ? "Zen" : "Haswell" }
        return nil
    }

    /// Whether the library's kernel leaves this processor's vector units unused.
    public static func isGeneric(_ kernel: String, on processor: Processor) -> Bool {
        preferredKernel(for: processor) != nil && !vectorKernels.contains(kernel.lowercased())
    }

    /// How the kernel in a process with this environment was chosen.
    public static func choice(in environment: [String: String]) -> (BLASKernel.Choice, rejected: String?) {
        let coreType = environment[coreTypeVariable].flatMap { $0.isEmpty ? nil : $0 }
        let marker = environment[markerVariable] ?? ""
        if marker.hasPrefix("fallback:") && coreType == nil {
            return (.fallback, String(marker.dropFirst("fallback:".count)))
        }
        if marker.hasPrefix("selected:"), let coreType,
           coreType.lowercased() == marker.dropFirst("selected:".count).lowercased() {
            return (.selected, nil)
        }
        return coreType == nil ? (.library, nil) : (.user, nil)
    }

    /// The step at process start, given the environment, the kernel the library
    /// loaded, the processor, and the check of the loaded kernel's products (run
    /// only in the process that must verify a selected kernel).
    public static func step(environment: [String: String], loaded: String, processor: Processor,
                            check: () -> Bool) -> Step {
        switch choice(in: environment).0 {
        case .user, .fallback:
            return .proceed
        case .selected:
            let wanted = String((environment[markerVariable] ?? "").dropFirst("selected:".count))
            let passes = loaded.lowercased() == wanted.lowercased()
                && environment[testCheckVariable] != "fail" && check()
            return passes ? .proceed : .reexecute(coreType: nil, marker: "fallback:\(wanted)")
        case .library:
            let detected = environment[testDetectedVariable] ?? loaded
            guard (environment[markerVariable] ?? "").isEmpty,  // never a second selection
                  isGeneric(detected, on: processor), let kernel = preferredKernel(for: processor) else {
                return .proceed
            }
            return .reexecute(coreType: kernel, marker: "selected:\(kernel)")
        }
    }
}
