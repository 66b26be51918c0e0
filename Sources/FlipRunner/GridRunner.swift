import FlipLua
import FlipResults
import Foundation
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// Runs a data script's whole grid on this machine: every (point, seed) not
/// already in the store runs on one of `jobs` threads, each with its own Lua
/// state holding its own copy of the script; each finished run is stored at
/// once; then `report(results, context)` runs in the caller's state.
public struct GridRunner: Sendable {
    public struct Configuration: Sendable {
        public var scriptPath: String
        public var parameters: [(String, String)]
        public var jobs: Int
        public var timeLimit: Double?
        public var storePath: String
        public var outputFolder: String
        public var stdlib: String?
        public var codeVersion: String
        /// Each grid thread's state is sandboxed like the caller's when set.
        public var sandbox: LuaSandbox?
        /// The store at `storePath`, when the caller opened it already (a
        /// sandboxed process can open no file once restricted).
        public var store: ResultsStore?
        /// Seconds a runner's claim on a run lasts unless renewed.
        public var claimLease = Configuration.defaultClaimLease

        /// FLIPSIDE_CLAIM_LEASE, or 30 s.
        public static var defaultClaimLease: Double {
            Double(ProcessInfo.processInfo.environment["FLIPSIDE_CLAIM_LEASE"] ?? "").flatMap { $0 > 0 ? $0 : nil } ?? 30
        }

        public init(scriptPath: String, parameters: [(String, String)], jobs: Int, timeLimit: Double?, storePath: String,
                    outputFolder: String, stdlib: String?, codeVersion: String, sandbox: LuaSandbox? = nil) {
            self.scriptPath = scriptPath
            self.parameters = parameters
            self.jobs = jobs
            self.timeLimit = timeLimit
            self.storePath = storePath
            self.outputFolder = outputFolder
            self.stdlib = stdlib
            self.codeVersion = codeVersion
            self.sandbox = sandbox
        }

        public var scriptName: String { Configuration.scriptName(of: scriptPath) }

        /// The file name without its folder and `.lua`.
        public static func scriptName(of path: String) -> String {
            let file = path.split(separator: "/").last.map(String.init) ?? path
            return file.hasSuffix(".lua") ? String(file.dropLast(4)) : file
        }
    }

    /// One (point, seed) of the grid.
    public struct Request: Sendable, Codable {
        public var id: String
        public var parameters: [String: RunValue]
        public var seed: Int
        public var label: String
        /// What the run's key covers besides parameters and seed.
        public var inputs: KeyInputs

        public init(inputs: KeyInputs, parameters: [String: RunValue], seed: Int, label: String) {
            id = ContentHash.runKey(inputs: inputs, parameters: parameters, seed: seed)
            self.inputs = inputs
            self.parameters = parameters
            self.seed = seed
            self.label = label
        }

        /// The one run of a plain (top-to-bottom) script.
        public static func plain(inputs: KeyInputs, parameters: [(String, String)]) -> Request {
            Request(inputs: inputs, parameters: Flipside.parameterTable(parameters), seed: 1, label: "whole script")
        }
    }

    public struct Summary: Sendable {
        public var total = 0
        public var ran = 0
        public var cached = 0
        /// Runs of this grid that runners sharing the store ran meanwhile.
        public var elsewhere = 0
        public var failed: [RunRecord] = []
        /// Runs the store could not take (or claims it could not record), with the error.
        public var unstored: [String] = []
        public var seconds = 0.0
    }

    public let configuration: Configuration

    /// This machine's name, as claims record it.
    static var hostName: String {
        var host = [CChar](repeating: 0, count: 256)
        guard gethostname(&host, host.count) == 0 else { return "host" }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Host, process and a random part: unique among runners sharing a store.
    public static func claimOwner() -> String {
        "\(hostName) \(getpid()) \(UUID().uuidString.prefix(8))"
    }

    /// True when a claim's owner ran on this machine and its process is gone
    /// (killed): its claims need not wait for their lease to expire.
    public static func claimOwnerIsGone(_ owner: String) -> Bool {
        let parts = owner.split(separator: " ")
        guard parts.count == 3, String(parts[0]) == hostName, let pid = Int32(parts[1]), pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// The runs of `plan`, keyed by what their code depends on, their parameters and seed.
    /// (A plain script is one run: no grid point, seed 1.)
    public func requests(_ plan: GridPlan, inputs: KeyInputs) -> [Request] {
        let fixed = Flipside.parameterTable(configuration.parameters)
        return plan.points.flatMap { point in
            plan.seeds.map { seed in
                let parameters = fixed.merging(point) { $1 }
                let label = point.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                return Request(inputs: inputs, parameters: parameters, seed: seed,
                               label: label.isEmpty ? "seed=\(seed)" : "\(label) seed=\(seed)")
            }
        }
    }

    /// Refuses, before any run, a `--set` that the script loaded in `vm` never
    /// read and does not declare, or that a grid axis would override.
    public static func requireParametersUsed(_ vm: LuaVM, _ plan: GridPlan) throws {
        do {
            try RunParameters.of(vm)?.requireAllUsed(declared: plan.declaredParameters, axes: plan.axisNames)
        } catch let error as ParameterError {
            throw GridError(error.description)
        }
    }

    /// Runs the grid of the script whose table is on top of `vm`, then its report.
    public func run(in vm: LuaVM, source: String) throws -> Summary {
        let started = LuaVM.monotonicSeconds()
        let session = try ScriptSession(adopting: vm, scriptPath: configuration.scriptPath)
        let plan = try session.plan()
        try GridRunner.requireParametersUsed(vm, plan)
        let store = try configuration.store ?? ResultsStore(path: configuration.storePath)
        let scriptHash = ContentHash.of(source)
        let all = requests(plan, inputs: try RunKeys.data(vm))
        var pending: [Request] = []
        for request in all where try store.status(of: request.id) != .ok { pending.append(request) }
        var summary = Summary(total: all.count, cached: all.count - pending.count)
        let header = plan.description.isEmpty ? configuration.scriptName : "\(configuration.scriptName): \(plan.description)"
        print("\(header)\n\(all.count) runs (\(plan.points.count) points x \(plan.seeds.count) seeds), \(summary.cached) already stored, \(pending.count) to run on \(min(configuration.jobs, max(pending.count, 1))) threads")
        fflush(nil)
        let workers = GridWorkers(configuration: configuration, store: store, requests: pending, scriptHash: scriptHash)
        let finished = workers.runAll()
        summary.unstored = workers.unstored
        summary.ran = finished.count
        summary.elsewhere = pending.count - finished.count
        summary.failed = finished.filter { $0.status == .failed }
        if plan.hasReport {
            try session.report(records: try store.records(ids: all.map(\.id)), description: plan.description,
                               outputFolder: configuration.outputFolder, storePath: configuration.storePath)
        }
        summary.seconds = LuaVM.monotonicSeconds() - started
        return summary
    }
}
