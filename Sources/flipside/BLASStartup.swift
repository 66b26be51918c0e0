import FlipKit
import Foundation

/// The BLAS kernel selection's side effects at process start: environment
/// changes and re-execution (the decisions are `BLASSelection`'s).
enum BLASStartup {
    static func run() {
        let step = BLASSelection.step(
            environment: ProcessInfo.processInfo.environment, loaded: BLASKernel.libraryKernel,
            processor: .current, check: { BLASCheck.passes() })
        guard case .reexecute(let coreType, let marker) = step else { return }
        let previous = (getenv(BLASSelection.coreTypeVariable).map { String(cString: $0) },
                        getenv(BLASSelection.markerVariable).map { String(cString: $0) })
        if let coreType { setenv(BLASSelection.coreTypeVariable, coreType, 1) } else { unsetenv(BLASSelection.coreTypeVariable) }
        setenv(BLASSelection.markerVariable, marker, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Still here: the selection cannot run; go on with the library's kernel as it was.
        let reason = String(cString: strerror(errno))
        restore(BLASSelection.coreTypeVariable, previous.0)
        restore(BLASSelection.markerVariable, previous.1)
        FileHandle.standardError.write(Data("flipside: cannot re-execute to select the BLAS kernel (\(reason)); running \(BLASKernel.libraryKernel)\n".utf8))
    }

    private static func restore(_ name: String, _ value: String?) {
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }
}
