import FlipLua
import FlipKit
import FlipResults
import Foundation
import LuaHost

/// What a run's key covers besides its parameters and seed (KeyInputs): the
/// code its `run` function reaches (LuaFingerprint: its bytecode and data,
/// and the files of the Lua modules it reaches), the engine's version, and
/// the settings that change results. What only `report` uses is not reached
/// from `run`, so a report's edit (a title, a plot) changes no key.
public enum RunKeys {
    public static var engine: String { "flipside \(Flipside.version)" }

    /// Settings that change results in their last bits, recorded and keyed:
    /// the BLAS kernel (the products of softmax regression and the MLP), the
    /// binary model's uint8 pass (fixed point, the same on every kernel, or
    /// float), and whether the build fuses the float row pass's multiply-adds.
    public static var settings: [String: String] {
        ["blas": "\(BLASKernel.current.library) \(BLASKernel.current.version) \(BLASKernel.current.kernel)",
         "uint8 pass": FixedPointRowPass.kernelName == "float" ? "float" : "fixed point",
         "float row pass": BinaryRowPass.fusesMultiplyAdd ? "fused multiply-add" : "multiply then add"]
    }

    /// The key inputs of the data script whose table is on top of `vm`.
    public static func data(_ vm: LuaVM) throws -> KeyInputs {
        vm.rawField(-1, "run")
        defer { vm.pop() }
        let fingerprint: LuaFingerprint
        do { fingerprint = try LuaFingerprint(of: vm, functionAt: -1, content: contentDigest) } catch {
            throw GridError("cannot key the script's run: \(error)")
        }
        var code = ["run": ContentHash.of(bytes: fingerprint.code)]
        for (name, file) in fingerprint.modules {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw GridError("cannot read \(file), the module '\(name)' the script's run reaches")
            }
            code["module \(name)"] = ContentHash.of(bytes: Array(contents))
        }
        return KeyInputs(code: code, engine: engine, settings: settings)
    }

    /// What an engine object `run` closes over holds, as a digest: a tensor's
    /// dtype, shape and elements (a dataset loaded before the grid, a constant
    /// built from the script's numbers), a generator's state.
    static func contentDigest(_ object: AnyObject) -> [UInt8]? {
        var hash = ContentHash()
        switch object {
        case let tensor as Tensor:
            hash.add(field: "\(tensor.dtype.rawValue) \(tensor.shape)")
            hash.add(UnsafeRawBufferPointer(start: tensor.raw, count: tensor.count * tensor.dtype.byteWidth))
        case let generator as Generator:
            hash.add(field: "generator \(generator.state)")
        default:
            return nil
        }
        return Array(hash.hex.utf8)
    }

    /// The key inputs of a plain script, run whole: its text and every stdlib file.
    public static func plain(scriptHash: String, stdlib: String?) -> KeyInputs {
        KeyInputs(code: ["script": scriptHash, "stdlib": stdlibHash(stdlib)], engine: engine, settings: settings)
    }

    /// A hash of the stdlib's Lua files, their names and contents.
    public static func stdlibHash(_ stdlib: String?) -> String {
        guard let stdlib else { return "none" }
        var hash = ContentHash()
        let files = (FileManager.default.enumerator(atPath: stdlib)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".lua") }.sorted()
        for file in files {
            hash.add(field: file)
            hash.add(FileManager.default.contents(atPath: stdlib + "/" + file) ?? Data())
        }
        return hash.hex
    }
}
