import FlipResults
import Foundation
import LuaHost

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

        public init(scriptPath: String, parameters: [(String, String)], jobs: Int, timeLimit: Double?, storePath: String,
                    outputFolder: String, stdlib: String?, codeVersion: String) {
            self.scriptPath = scriptPath
            self.parameters = parameters
            self.jobs = jobs
            self.timeLimit = timeLimit
            self.storePath = storePath
            self.outputFolder = outputFolder
            self.stdlib = stdlib
            self.codeVersion = codeVersion
        }

        public var scriptName: String { Configuration.scriptName(of: scriptPath) }

        /// The file name without its folder and `.lua`.
        public static func scriptName(of path: String) -> String {
            let file = path.split(separator: "/").last.map(String.init) ?? path
            return file.hasSuffix(".lua") ? String(file.dropLast(4)) : file
        }
    }

    /// One (point, seed) of the grid.
    public struct Request: Sendable {
        public var id: String
        public var parameters: [String: RunValue]
        public var seed: Int
        public var label: String
    }

    public struct Summary: Sendable {
        public var total = 0
        public var ran = 0
        public var cached = 0
        public var failed: [RunRecord] = []
        public var seconds = 0.0
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// The runs of `plan`, keyed by script content, parameters and seed.
    public func requests(_ plan: GridPlan, scriptHash: String) -> [Request] {
        let fixed = Dictionary(configuration.parameters.map { ($0.0, Flipside.parameterValue($0.1)) }) { $1 }
        return plan.points.flatMap { point in
            plan.seeds.map { seed in
                let parameters = fixed.merging(point) { $1 }
                let label = point.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                return Request(id: ContentHash.runKey(scriptHash: scriptHash, parameters: parameters, seed: seed),
                               parameters: parameters, seed: seed, label: label.isEmpty ? "seed=\(seed)" : "\(label) seed=\(seed)")
            }
        }
    }

    /// Runs the grid of the script whose table is on top of `vm`, then its report.
    public func run(in vm: LuaVM, source: String) throws -> Summary {
        let started = LuaVM.monotonicSeconds()
        let plan = try GridPlan.read(vm, at: -1, script: configuration.scriptName)
        let store = try ResultsStore(path: configuration.storePath)
        let scriptHash = ContentHash.of(source)
        let all = requests(plan, scriptHash: scriptHash)
        var pending: [Request] = []
        for request in all where try store.status(of: request.id) != .ok { pending.append(request) }
        var summary = Summary(total: all.count, cached: all.count - pending.count)
        let header = plan.description.isEmpty ? configuration.scriptName : "\(configuration.scriptName): \(plan.description)"
        Progress.line("\(header)\n\(all.count) runs (\(plan.points.count) points x \(plan.seeds.count) seeds), \(summary.cached) already stored, \(pending.count) to run on \(min(configuration.jobs, max(pending.count, 1))) threads")
        let finished = GridWorkers(configuration: configuration, store: store, requests: pending, scriptHash: scriptHash).runAll()
        summary.ran = finished.count
        summary.failed = finished.filter { $0.status == .failed }
        if plan.hasReport {
            try report(in: vm, records: try store.records(ids: all.map(\.id)), description: plan.description)
        }
        summary.seconds = LuaVM.monotonicSeconds() - started
        return summary
    }

    /// report(results, {out = folder, description = ..., store = path}) in the script's own state.
    func report(in vm: LuaVM, records: [RunRecord], description: String) throws {
        try FileManager.default.createDirectory(atPath: configuration.outputFolder, withIntermediateDirectories: true)
        let order = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($1.id, $0) })
        let results = LuaValue.table(array: records.sorted { order[$0.id]! < order[$1.id]! }.map(RunResult.table), fields: [:])
        let context = LuaValue.table(array: [], fields: [
            "out": .string(configuration.outputFolder), "description": .string(description),
            "store": .string(configuration.storePath), "script": .string(configuration.scriptName),
        ])
        vm.rawField(-1, "report")
        try vm.callTop(with: [results, context], results: 0)
    }
}

/// Serialised progress lines from several threads.
enum Progress {
    private static let lock = NSLock()

    static func line(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        print(text)
        fflush(nil)
    }
}
