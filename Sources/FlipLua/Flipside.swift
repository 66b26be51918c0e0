import FlipKit
import Foundation
import FlipResults
import LuaHost

/// Installs the engine in a Lua VM: `require "flipside"` gives the native
/// modules, the run's parameters and seed; the stdlib is on package.path.
public enum Flipside {
    public static let version = "0.2.0"

    /// A run's settings as the script sees them.
    public struct RunSettings: Sendable {
        public var parameters: [(String, String)]
        public var seed: Int
        /// The run's output folder, readable as flipside.out.
        public var outputDirectory: String?
        /// The script's folder: on package.path after the stdlib, so a script
        /// requires a helper beside it from any working folder.
        public var scriptDirectory: String?
        public init(parameters: [(String, String)] = [], seed: Int = Defaults.seed, outputDirectory: String? = nil,
                    script: String? = nil) {
            self.parameters = parameters
            self.seed = seed
            self.outputDirectory = outputDirectory
            scriptDirectory = script.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
        }
    }

    static let modules: [(String, [LuaFunction])] = [
        ("tensor", TensorModule.functions),
        ("random", RandomModule.functions),
        ("data", DataModule.functions),
        ("model", ModelModule.functions),
        ("attack", AttackModule.functions),
        ("metrics", MetricsModule.functions),
        ("server", ServerModule.functions),
    ]

    /// flipside.clock(): monotonic seconds, for timing inside scripts.
    static let clock = LuaFunction("clock") { call in
        call.push(LuaVM.monotonicSeconds())
        return 1
    }

    /// flipside.type(value): the type as error messages name it ("flipside.Tensor", "number", ...).
    static let typeName = LuaFunction("type") { call in
        call.push(call.typeName(1))
        return 1
    }

    /// flipside.nearest(word, names): the name a misspelt word most likely meant, or nil.
    static let nearest = LuaFunction("nearest") { call in
        let word = try call.string(1)
        let names = try call.table(2).mapElements { n, top in
            guard call.type(top) == LUA_STRING_TYPE else { throw LuaArgumentError(2, "element \(n): string expected, got \(call.typeName(top))") }
            return try call.string(top)
        }
        if let name = nearestName(word, among: names) { call.push(name) } else { call.pushNil() }
        return 1
    }

    /// flipside.reference(name): a native function's reference entry, or nil.
    static let reference = LuaFunction("reference") { call in
        if let text = APIReference.text(of: try call.string(1)) { call.push(text) } else { call.pushNil() }
        return 1
    }

    /// flipside.defaults: the one default of each shared concept (FlipKit's Defaults).
    static func pushDefaults(_ call: LuaCall) {
        lua_createtable_of(call, 0)
        call.setField("lr") { call.push(Defaults.learningRate) }
        call.setField("batch") { call.push(Defaults.batch) }
        call.setField("seed") { call.push(Defaults.seed) }
        call.setField("omniscient") { call.push(Defaults.omniscient) }
        call.setField("provenance") { call.push(Defaults.provenance) }
        call.setField("direction") { call.push(Defaults.direction.rawValue) }
    }

    /// flipside.memory(): the bytes tensors and Lua heaps hold, and the budget.
    static let memory = LuaFunction("memory") { call in
        call.push(MemoryBudget.used)
        call.push(MemoryBudget.limit)
        return 2
    }

    public static func install(in vm: LuaVM, settings: RunSettings = RunSettings(), stdlib: String?) {
        let parameters = RunParameters(settings.parameters)
        vm.attachments[RunParameters.attachmentKey] = parameters
        Tensor.useSingleThreadedBLAS()
        TensorModule.register(in: vm)
        RandomModule.register(in: vm)
        ModelModule.register(in: vm)
        AttackModule.register(in: vm)
        ServerModule.register(in: vm)
        for (name, functions) in modules {
            vm.preload("flipside.\(name)", loader: LuaFunction("require") { call in
                call.pushTable(of: functions)
                return 1
            })
        }
        vm.preload("flipside", loader: LuaFunction("require") { call in
            lua_createtable_of(call, 0)
            for (name, functions) in modules {
                call.setField(name) { call.pushTable(of: functions) }
            }
            call.setField("generator") { call.push(RandomModule.functions[0]) }
            call.setField("version") { call.push(version) }
            call.setField("clock") { call.push(clock) }
            call.setField("memory") { call.push(memory) }
            call.setField("type") { call.push(typeName) }
            call.setField("nearest") { call.push(nearest) }
            call.setField("reference") { call.push(reference) }
            call.setField("defaults") { pushDefaults(call) }
            call.setField("seed") { call.push(settings.seed) }
            call.setField("fixed_point_kernel") { call.push(FixedPointRowPass.kernelName) }
            call.setField("blas") { pushBLAS(call, BLASKernel.current) }
            call.setField("params") { parameters.push(call) }
            if let out = settings.outputDirectory { call.setField("out") { call.push(out) } }
            return 1
        })
        if let folder = settings.scriptDirectory { vm.prependPackagePath(folder) }
        if let stdlib { vm.prependPackagePath(stdlib) }
    }

    /// flipside.blas: the library, its version, the kernel and how it was chosen.
    static func pushBLAS(_ call: LuaCall, _ blas: BLASKernel) {
        lua_createtable_of(call, 0)
        call.setField("library") { call.push(blas.library) }
        call.setField("version") { call.push(blas.version) }
        call.setField("kernel") { call.push(blas.kernel) }
        call.setField("chosen") { call.push(blas.choice.rawValue) }
        if let rejected = blas.rejected { call.setField("rejected") { call.push(rejected) } }
        call.setField("config") { call.push(blas.configuration) }
        call.setField("cpu") { call.push(blas.processor) }
        call.setField("summary") { call.push(blas.summary) }
    }

    /// `--set` pairs as values (a later name wins).
    public static func parameterTable(_ parameters: [(String, String)]) -> [String: RunValue] {
        Dictionary(parameters.map { ($0.0, RunParameters.value($0.1)) }) { $1 }
    }
}
