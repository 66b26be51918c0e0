import FlipResults
import Foundation
import LuaHost

/// The threads of a local grid run. Each owns one Lua state (states are
/// never shared between threads) in which the script is loaded once; runs are
/// handed out one at a time and stored as soon as they finish.
final class GridWorkers: @unchecked Sendable {
    let configuration: GridRunner.Configuration
    let store: ResultsStore
    let requests: [GridRunner.Request]
    let scriptHash: String
    private let lock = NSLock()
    private var next = 0
    private var finished: [RunRecord] = []

    init(configuration: GridRunner.Configuration, store: ResultsStore, requests: [GridRunner.Request], scriptHash: String) {
        self.configuration = configuration
        self.store = store
        self.requests = requests
        self.scriptHash = scriptHash
    }

    /// Runs every request; returns their records in completion order.
    func runAll() -> [RunRecord] {
        let threads = min(max(configuration.jobs, 1), requests.count)
        guard threads > 0 else { return [] }
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            let thread = Thread { [self] in
                work()
                done.signal()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        for _ in 0..<threads { done.wait() }
        return finished
    }

    private func take() -> (Int, GridRunner.Request)? {
        lock.lock()
        defer { lock.unlock() }
        guard next < requests.count else { return nil }
        next += 1
        return (next, requests[next - 1])
    }

    private func work() {
        var loaded: LuaVM?
        var loadError: Error?
        do { loaded = try load() } catch { loadError = error }
        while let (n, request) = take() {
            let started = LuaVM.monotonicSeconds()
            var record = RunRecord(id: request.id, script: configuration.scriptName, scriptHash: scriptHash, parameters: request.parameters,
                                   seed: request.seed, codeVersion: configuration.codeVersion, status: .ok, seconds: 0)
            do {
                guard let vm = loaded else { throw loadError ?? GridError("the script did not load") }
                try call(vm, request, into: &record)
            } catch let error as LuaScriptError {
                record.status = .failed
                record.error = error.message
                record.traceback = error.traceback
            } catch {
                record.status = .failed
                record.error = "\(error)"
            }
            record.seconds = LuaVM.monotonicSeconds() - started
            finish(record, n: n, label: request.label)
        }
    }

    /// A fresh state with the engine and the script's table on top.
    private func load() throws -> LuaVM {
        let vm = try LuaVM()
        Flipside.install(in: vm, settings: .init(parameters: configuration.parameters, seed: 1), stdlib: configuration.stdlib)
        try vm.runFile(configuration.scriptPath, results: 1)
        guard vm.isTable(at: -1) else { throw GridError("\(configuration.scriptName) returned no table in a worker") }
        return vm
    }

    private func call(_ vm: LuaVM, _ request: GridRunner.Request, into record: inout RunRecord) throws {
        var parameters = request.parameters.mapValues(GridWorkers.lua)
        parameters["seed"] = .integer(Int64(request.seed))
        vm.rawField(-1, "run")
        if let limit = configuration.timeLimit { vm.setTimeLimit(seconds: limit) }
        defer { vm.clearLimits() }
        try vm.callTop(with: [.table(array: [], fields: parameters)], results: 1)
        defer { vm.pop() }
        try RunResult.read(try vm.value(at: -1, path: "result"), into: &record)
        vm.collectGarbage()
    }

    static func lua(_ v: RunValue) -> LuaValue {
        switch v {
        case .integer(let i): return .integer(Int64(i))
        case .number(let d): return .number(d)
        case .text(let s): return .string(s)
        case .boolean(let b): return .boolean(b)
        }
    }

    private func finish(_ record: RunRecord, n: Int, label: String) {
        var line = "[\(n)/\(requests.count)] \(label): \(record.status.rawValue) \(String(format: "%.2f", record.seconds)) s"
        do {
            try store.save(record)
        } catch {
            line += " (not stored: \(error))"
        }
        if let error = record.error { line += "\n    \(error)" }
        lock.lock()
        finished.append(record)
        lock.unlock()
        Progress.line(line)
    }
}
