import FlipKit
import Foundation
import Testing

/// The BLAS kernel selection end to end: the built executable started with the
/// environments a user or the selection itself gives it, reporting flipside.blas.
@Suite struct BLASKernelTests {
    static let report = """
        local blas = require("flipside").blas
        print(blas.kernel, blas.chosen, blas.rejected or "-", os.getenv("OPENBLAS_CORETYPE") or "-")
        """
    static let selectionVariables = ["OPENBLAS_CORETYPE", "FLIPSIDE_BLAS_SELECTION",
                                     "FLIPSIDE_BLAS_TEST_DETECTED", "FLIPSIDE_BLAS_TEST_CHECK"]

    /// kernel, chosen, rejected, OPENBLAS_CORETYPE as the script saw them.
    static func blas(_ environment: [String: String]) throws -> [String] {
        let file = try CommandLineTests.script(report)
        let outcome = try CommandLineTests.run(["run", file.path], environment: environment,
                                               removing: selectionVariables.filter { environment[$0] == nil })
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return outcome.stdout.split(separator: "\n").first?.split(separator: "\t").map(String.init) ?? []
    }

    static var preferred: String? { BLASSelection.preferredKernel(for: .current) }

    #if arch(x86_64)
    @Test func theUsersCoreTypeIsKept() throws {
        // Prescott is the kernel a selection would replace, and every x86-64 processor runs it.
        let seen = try Self.blas(["OPENBLAS_CORETYPE": "Prescott", "FLIPSIDE_BLAS_TEST_DETECTED": "Prescott"])
        #expect(seen == ["Prescott", "user", "-", "Prescott"])
        let version = try CommandLineTests.run(["--version"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(version.stdout.contains("kernel Prescott (user)"), "\(version.stdout)")
    }
    #endif

    @Test func aNameTheLibraryIgnoresIsKeptAndSaidSo() throws {
        let seen = try Self.blas(["OPENBLAS_CORETYPE": "NoSuchKernel"])
        #expect(seen.dropFirst() == ["user", "-", "NoSuchKernel"])
        let version = try CommandLineTests.run(["--version"], environment: ["OPENBLAS_CORETYPE": "NoSuchKernel"])
        #expect(version.stdout.contains("OpenBLAS did not take OPENBLAS_CORETYPE=NoSuchKernel"), "\(version.stdout)")
    }

    @Test func aGenericKernelIsReplacedByTheProcessorsOwn() throws {
        let seen = try Self.blas(["FLIPSIDE_BLAS_TEST_DETECTED": "Prescott"])
        if let preferred = Self.preferred {
            #expect(seen.count == 4 && seen[0].lowercased() == preferred.lowercased(), "\(seen)")
            #expect(seen.dropFirst() == ["selected", "-", preferred])
        } else {
            #expect(seen.dropFirst().prefix(2) == ["library", "-"])
        }
    }

    /// This test process runs the library's own choice unless its user named one.
    static let detected: String? =
        ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil ? BLASKernel.libraryKernel : nil

    @Test(.enabled(if: detected != nil))
    func aKernelFailingTheCheckIsNotUsed() throws {
        guard let preferred = Self.preferred, let detected = Self.detected else { return }
        let seen = try Self.blas(["FLIPSIDE_BLAS_TEST_DETECTED": "Prescott", "FLIPSIDE_BLAS_TEST_CHECK": "fail"])
        #expect(seen == [detected, "fallback", preferred, "-"])
    }

    @Test(.enabled(if: detected != nil))
    func aNewUserGetsTheBestKernelUntold() throws {
        guard let detected = Self.detected else { return }
        let seen = try Self.blas([:])
        if BLASSelection.isGeneric(detected, on: .current), let preferred = Self.preferred {
            #expect(seen.count == 4 && seen[0].lowercased() == preferred.lowercased(), "\(seen)")
            #expect(seen.dropFirst() == ["selected", "-", preferred])
        } else {
            #expect(seen == [detected, "library", "-", "-"])
        }
    }
}
