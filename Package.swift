// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The engine's kernels are compiled for the vector units of the machine that
/// builds them, as `-march=native` would: on x86-64 with AVX2 and FMA, widening
/// uint8 pixels to float moves 8 values per instruction instead of SSE2's 4.
/// Results do not change (Swift never fuses a multiply and an add on its own),
/// except in the binary model's float row pass, which fuses them on purpose
/// where the hardware can (FLIPSIDE_FMA). A binary built this way stops with an
/// illegal instruction on an older processor; FLIPSIDE_PORTABLE=1 builds for
/// baseline x86-64. (The fixed-point kernels choose AVX-512 VNNI at run time;
/// their results are integers, the same on every machine and build.)
let buildsForThisMachine: Bool = {
    #if arch(x86_64)
    guard ProcessInfo.processInfo.environment["FLIPSIDE_PORTABLE"] == nil,
          let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })?.split(separator: " ")
    else { return false }
    let has = Set(flags.map(String.init))
    return ["avx2", "fma", "bmi2", "movbe", "f16c"].allSatisfy(has.contains)
    #else
    return false
    #endif
}()

let kernelFlags: [SwiftSetting] =
    buildsForThisMachine ? [.unsafeFlags(["-target-cpu", "haswell"]), .define("FLIPSIDE_FMA")] : []

/// C kernels are optimised in debug builds too, like the Swift ones (below).
let cKernelFlags: [CSetting] =
    [.unsafeFlags(["-O2", "-fno-math-errno"] + (buildsForThisMachine ? ["-march=haswell"] : []))]

let package = Package(
    name: "flipside",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "flipside", targets: ["flipside"]),
        .library(name: "FlipKit", targets: ["FlipKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLua", pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CEdit", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        .target(name: "CBudget"),
        .target(name: "CLuaShim", dependencies: ["CLua", "CBudget"]),
        .target(name: "CProcess"),
        .target(name: "CSandbox"),
        .target(name: "CFixedPoint", cSettings: cKernelFlags),
        .target(name: "CCPU"),
        // Kernels are optimised in debug builds too: unoptimised SIMD code runs a
        // hundred times slower, and the tests exercise the kernels users run.
        // Without errno from math functions, a square root is one instruction
        // that vectorises (with errno, every lane tests its sign and may call libm).
        .target(name: "FlipKit", dependencies: ["CBLAS", "CCPU", "CZlib", "CBudget", "CFixedPoint"],
                swiftSettings: kernelFlags + [.unsafeFlags(["-Xcc", "-fno-math-errno"]),
                                              .unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "LuaHost", dependencies: ["CLua", "CLuaShim", "CBudget", "CSandbox"]),
        // The results store sits beside the engine: persistence is not a kernel.
        .target(name: "FlipResults", dependencies: [.product(name: "GRDB", package: "GRDB.swift"),
                                                    .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "FlipLua", dependencies: ["FlipKit", "LuaHost", "FlipResults"]),
        // The runner: a script's grid, run keys, claims in the store; between the bindings and the command line.
        .target(name: "FlipRunner", dependencies: ["FlipKit", "FlipLua", "LuaHost", "FlipResults"]),
        .executableTarget(
            name: "flipside",
            dependencies: [
                "FlipKit", "FlipLua", "FlipRunner", "LuaHost", "FlipResults", "CProcess", "CEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "FlipKitTests", dependencies: ["FlipKit", "CFixedPoint"]),
        .testTarget(name: "LuaHostTests", dependencies: ["LuaHost", "CLua", "CLuaShim"]),
        .testTarget(name: "FlipLuaTests", dependencies: ["FlipLua", "FlipRunner", "FlipKit", "LuaHost",
                                                      .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "FlipResultsTests", dependencies: ["FlipResults", .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)
