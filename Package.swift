// swift-tools-version:6.0
import PackageDescription

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
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        .target(name: "CProcess"),
        .target(name: "FlipKit", dependencies: ["CBLAS", "CZlib"]),
        .target(name: "LuaHost", dependencies: ["CLua", "CLuaShim"]),
        // The results store sits beside the engine: persistence is not a kernel.
        .target(name: "FlipResults", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "FlipLua", dependencies: ["FlipKit", "LuaHost", "FlipResults"]),
        .executableTarget(
            name: "flipside",
            dependencies: [
                "FlipLua", "LuaHost", "FlipResults", "CProcess", "CEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "FlipKitTests", dependencies: ["FlipKit"]),
        .testTarget(name: "LuaHostTests", dependencies: ["LuaHost", "CLua"]),
        .testTarget(name: "FlipLuaTests", dependencies: ["FlipLua", "LuaHost"]),
        .testTarget(name: "FlipResultsTests", dependencies: ["FlipResults"]),
    ],
    swiftLanguageModes: [.v6]
)
