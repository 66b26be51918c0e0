import ArgumentParser
import FlipLua
import Foundation
import LuaHost

/// The options every sandboxing command shares besides --sandbox.
struct SandboxFlags: ParsableArguments {
    @Option(name: .customLong("allow-read"), help: ArgumentHelp(
        "With --sandbox: a folder the script may also read (repeatable).", valueName: "dir"))
    var allowRead: [String] = []

    @Flag(help: "With --sandbox: run with the Lua-level sandbox alone where the kernel has no Landlock (nothing then stops an escape from the Lua layer).")
    var withoutLandlock = false

    /// The same options for a child process.
    var arguments: [String] { allowRead.flatMap { ["--allow-read", $0] } + (withoutLandlock ? ["--without-landlock"] : []) }
}

/// A sandboxed process as every command sets it up: the Lua layer's rules and,
/// beneath them, the same rules enforced by the kernel (Landlock).
struct SandboxSetup {
    var output: String
    var scripts: [String]
    var flags: SandboxFlags

    /// The folders a sandboxed script reads: its own, the stdlib, the datasets and --allow-read.
    var readable: [String] {
        var folders = scripts.map { ScriptHost.absolute(($0 as NSString).deletingLastPathComponent) }
        if let stdlib = StdlibLocator.find() { folders.append(stdlib) }
        if let data = ProcessInfo.processInfo.environment["FLIPSIDE_DATA"], !data.isEmpty { folders.append(data) }
        folders.append("/usr/share/datasets")
        return folders + flags.allowRead.map(ScriptHost.absolute)
    }

    /// The Lua layer: `output` must exist.
    func luaSandbox() throws -> LuaSandbox {
        try refuseFoldersHoldingHome()
        return try LuaSandbox(outputDirectory: output, readableDirectories: readable)
    }

    /// A script whose folder holds the home folder (or is the root) would open
    /// all of it to reading: it is refused.
    func refuseFoldersHoldingHome() throws {
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap(SandboxPaths.realPath)
        for script in scripts {
            let folder = ScriptHost.absolute((script as NSString).deletingLastPathComponent)
            guard let path = SandboxPaths.realPath(folder) else { continue }
            if path == "/" || home.map({ $0 == path || $0.hasPrefix(path + "/") }) == true {
                throw LuaSandboxError("\(script) lies in \(path), which holds the home folder: a sandboxed script reads its "
                                      + "whole folder, so put it in a folder of its own")
            }
        }
    }

    /// Restricts this process to the same rules, plus `files` it must write
    /// (already open or made before: a store, a message for the parent).
    /// Without Landlock it stops unless --without-landlock says to go on.
    func enforceInKernel(alsoWriting files: [String] = []) throws {
        try refuseFoldersHoldingHome()
        if flags.withoutLandlock { return }
        guard SandboxSetup.landlock().abi != nil else { throw LuaSandboxError(SandboxSetup.landlockMissing) }
        let needs = KernelSandbox.processNeeds()
        try KernelSandbox(readable: readable + needs.readable, writable: [output] + files + needs.writable).enforce()
    }

    /// Why --sandbox does not run here.
    static var landlockMissing: String {
        "--sandbox needs the kernel's Landlock sandbox, and \(landlock().reason); "
            + "add --without-landlock to run with the Lua-level sandbox alone"
    }

    /// The kernel's Landlock, or why there is none. FLIPSIDE_LANDLOCK=off acts
    /// as a kernel without it.
    static func landlock() -> (abi: Int32?, reason: String) {
        if ProcessInfo.processInfo.environment["FLIPSIDE_LANDLOCK"] == "off" {
            return (nil, "FLIPSIDE_LANDLOCK=off treats this kernel as one without it")
        }
        return KernelSandbox.availability()
    }
}
