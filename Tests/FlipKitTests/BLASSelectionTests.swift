@testable import FlipKit
import Testing

/// The decisions of the BLAS kernel selection, on made-up processors and environments.
@Suite struct BLASSelectionTests {
    static let avx512 = BLASSelection.Processor(avx2FMA: true, avx512: true, amd: false)
    static let intelAVX2 = BLASSelection.Processor(avx2FMA: true, avx512: false, amd: false)
    static let amdAVX2 = BLASSelection.Processor(avx2FMA: true, avx512: false, amd: true)
    static let sse = BLASSelection.Processor(avx2FMA: false, avx512: false, amd: false)

    static func step(_ environment: [String: String], loaded: String, on processor: BLASSelection.Processor,
                     check: Bool = true) -> (BLASSelection.Step, checked: Bool) {
        var checked = false
        let step = BLASSelection.step(environment: environment, loaded: loaded, processor: processor) {
            checked = true
            return check
        }
        return (step, checked)
    }

    @Test func aGenericKernelIsReplacedByTheProcessorsOwn() {
        #expect(Self.step([:], loaded: "Prescott", on: Self.avx512).0
                == .reexecute(coreType: "SkylakeX", marker: "selected:SkylakeX"))
        #expect(Self.step([:], loaded: "Nehalem", on: Self.intelAVX2).0
                == .reexecute(coreType: "Haswell", marker: "selected:Haswell"))
        #expect(Self.step([:], loaded: "Sandybridge", on: Self.amdAVX2).0
                == .reexecute(coreType: "Zen", marker: "selected:Zen"))
        #expect(Self.step([:], loaded: "Core2", on: Self.sse).0 == .proceed)
    }

    @Test func aVectorKernelTheLibraryChoseStays() {
        for kernel in ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SAPPHIRERAPIDS"] {
            let (step, checked) = Self.step([:], loaded: kernel, on: Self.avx512)
            #expect(step == .proceed && !checked, "\(kernel)")
        }
    }

    @Test func theUsersKernelIsNeverReplacedNorChecked() {
        for environment in [["OPENBLAS_CORETYPE": "Prescott"],
                            ["OPENBLAS_CORETYPE": "Prescott", "FLIPSIDE_BLAS_SELECTION": "selected:SkylakeX"],
                            ["OPENBLAS_CORETYPE": "Prescott", "FLIPSIDE_BLAS_SELECTION": "fallback:SkylakeX"]] {
            let (step, checked) = Self.step(environment, loaded: "Prescott", on: Self.avx512, check: false)
            #expect(step == .proceed && !checked, "\(environment)")
            #expect(BLASSelection.choice(in: environment).0 == .user)
        }
    }

    @Test func aSelectedKernelRunsOnlyIfItPassesTheCheck() {
        let selected = ["OPENBLAS_CORETYPE": "SkylakeX", "FLIPSIDE_BLAS_SELECTION": "selected:SkylakeX"]
        let passing = Self.step(selected, loaded: "SkylakeX", on: Self.avx512)
        #expect(passing.0 == .proceed && passing.checked)
        #expect(BLASSelection.choice(in: selected).0 == .selected)
        let failing = Self.step(selected, loaded: "SkylakeX", on: Self.avx512, check: false)
        #expect(failing.0 == .reexecute(coreType: nil, marker: "fallback:SkylakeX"))
        // The library ignored the name (a processor without the instructions, say).
        #expect(Self.step(selected, loaded: "Haswell", on: Self.avx512).0
                == .reexecute(coreType: nil, marker: "fallback:SkylakeX"))
        var forced = selected
        forced["FLIPSIDE_BLAS_TEST_CHECK"] = "fail"
        #expect(Self.step(forced, loaded: "SkylakeX", on: Self.avx512).0
                == .reexecute(coreType: nil, marker: "fallback:SkylakeX"))
    }

    @Test func noProcessIsSelectedTwice() {
        let fallback = ["FLIPSIDE_BLAS_SELECTION": "fallback:SkylakeX"]
        let (step, checked) = Self.step(fallback, loaded: "Prescott", on: Self.avx512)
        #expect(step == .proceed && !checked)
        #expect(BLASSelection.choice(in: fallback) == (.fallback, "SkylakeX"))
        // A child whose OPENBLAS_CORETYPE was taken away still carries the marker.
        #expect(Self.step(["FLIPSIDE_BLAS_SELECTION": "selected:SkylakeX"], loaded: "Prescott", on: Self.avx512).0
                == .proceed)
    }

    @Test func theTestDetectionStandsForTheLibrarysOnlyWithoutAMarker() {
        #expect(Self.step(["FLIPSIDE_BLAS_TEST_DETECTED": "Prescott"], loaded: "Cooperlake", on: Self.avx512).0
                == .reexecute(coreType: "SkylakeX", marker: "selected:SkylakeX"))
        #expect(Self.step(["FLIPSIDE_BLAS_TEST_DETECTED": "Prescott", "FLIPSIDE_BLAS_SELECTION": "fallback:SkylakeX"],
                          loaded: "Cooperlake", on: Self.avx512).0 == .proceed)
    }

    @Test func theLoadedKernelPassesTheCheck() {
        #expect(BLASCheck.passes())
    }
}

/// The check itself: products right to float rounding pass, a wrong one does not.
@Suite struct BLASCheckTests {
    /// A plain float loop, summing in another order than any BLAS kernel.
    static let loop: BLASCheck.Product = { ta, tb, m, n, k, a, lda, b, ldb, c, ldc in
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in (0..<k).reversed() { sum += (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]) }
                c[i * ldc + j] = sum
            }
        }
    }

    @Test func productsRightToRoundingPass() {
        #expect(BLASCheck.passes(product: Self.loop))
        #expect(BLASCheck.passes())
    }

    @Test func aWrongProductFails() {
        // One element off by a thousandth: far beyond float rounding, far below garbage.
        let offByOne: BLASCheck.Product = { ta, tb, m, n, k, a, lda, b, ldb, c, ldc in
            Self.loop(ta, tb, m, n, k, a, lda, b, ldb, c, ldc)
            c[(m / 2) * ldc + n / 2] *= 1.001
        }
        #expect(!BLASCheck.passes(product: offByOne))
        // Only the transposed layout wrong, as a kernel broken in one path would be.
        let transposedWrong: BLASCheck.Product = { ta, tb, m, n, k, a, lda, b, ldb, c, ldc in
            Self.loop(false, tb, m, n, k, a, lda, b, ldb, c, ldc)
            _ = ta
        }
        #expect(!BLASCheck.passes(product: transposedWrong))
        let vectorWrong: BLASCheck.VectorProduct = { t, rows, columns, a, x, y in
            BLASCheck.sgemv(t, rows, columns, a, x, y)
            if t { y[0] += 1 }
        }
        #expect(!BLASCheck.passes(vectorProduct: vectorWrong))
    }
}
