import FlipKit
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
        public init(parameters: [(String, String)] = [], seed: Int = 1, outputDirectory: String? = nil) {
            self.parameters = parameters
            self.seed = seed
            self.outputDirectory = outputDirectory
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

    /// flipside.memory(): the bytes tensors and Lua heaps hold, and the budget.
    static let memory = LuaFunction("memory") { call in
        call.push(MemoryBudget.used)
        call.push(MemoryBudget.limit)
        return 2
    }

    public static func install(in vm: LuaVM, settings: RunSettings = RunSettings(), stdlib: String?) {
        Tensor.useSingleThreadedBLAS()
        TensorModule.register(in: vm)
        RandomModule.register(in: vm)
        ModelModule.register(in: vm)
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
            call.setField("seed") { call.push(settings.seed) }
            call.setField("fixed_point_kernel") { call.push(FixedPointRowPass.kernelName) }
            call.setField("blas") { pushBLAS(call, BLASKernel.current) }
            call.setField("params") { pushParameters(call, settings.parameters) }
            if let out = settings.outputDirectory { call.setField("out") { call.push(out) } }
            return 1
        })
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

    /// `--set name=value` pairs as a table: numbers and booleans are converted.
    static func pushParameters(_ call: LuaCall, _ parameters: [(String, String)]) {
        lua_createtable_of(call, 0)
        for (name, text) in parameters {
            call.setField(name) {
                switch parameterValue(text) {
                case .integer(let i): call.push(i)
                case .number(let d): call.push(d)
                case .boolean(let b): call.push(b)
                case .text(let s): call.push(s)
                }
            }
        }
    }

    /// `--set` pairs as values (a later name wins).
    public static func parameterTable(_ parameters: [(String, String)]) -> [String: RunValue] {
        Dictionary(parameters.map { ($0.0, parameterValue($0.1)) }) { $1 }
    }

    /// The value of `--set name=TEXT`: an integer, a number, a boolean, or the text.
    public static func parameterValue(_ text: String) -> RunValue {
        if let n = Double(text), !text.isEmpty, !text.hasPrefix("0x") {
            if n == n.rounded(), abs(n) < 1e15, !text.contains("."), !text.lowercased().contains("e") {
                return .integer(Int(n))
            }
            return .number(n)
        }
        if text == "true" || text == "false" { return .boolean(text == "true") }
        return .text(text)
    }
}
