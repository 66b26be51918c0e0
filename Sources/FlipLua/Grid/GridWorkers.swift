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
        var session: ScriptSession?
        var loadError: Error?
        do {
            session = try ScriptSession(scriptPath: configuration.scriptPath, parameters: configuration.parameters,
                                        stdlib: configuration.stdlib, sandbox: configuration.sandbox,
                                        outputFolder: configuration.outputFolder)
        } catch {
            loadError = error
        }
        while let (n, request) = take() {
            var record: RunRecord
            if let session {
                record = session.run(request, scriptHash: scriptHash, codeVersion: configuration.codeVersion,
                                     timeLimit: configuration.timeLimit)
            } else {
                record = RunRecord(id: request.id, script: configuration.scriptName, scriptHash: scriptHash,
                                   keyInputs: request.inputs, parameters: request.parameters, seed: request.seed, codeVersion: configuration.codeVersion,
                                   status: .failed, error: "the script did not load: \(loadError.map { "\($0)" } ?? "unknown error")",
                                   seconds: 0)
            }
            finish(record, n: n, label: request.label)
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
