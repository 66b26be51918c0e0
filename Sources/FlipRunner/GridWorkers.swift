import FlipLua
import FlipResults
import Foundation
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// The threads of a local grid run. Each owns one Lua state (states are
/// never shared between threads) in which the script is loaded once; runs are
/// handed out one at a time and stored as soon as they finish. Runners sharing
/// a store claim each run before running it (ResultsStore.claim): a run
/// another runner holds is left to it, and taken over if its claim expires.
final class GridWorkers: @unchecked Sendable {
    let configuration: GridRunner.Configuration
    let store: ResultsStore
    let requests: [GridRunner.Request]
    let scriptHash: String
    private let lock = NSLock()
    private var next = 0
    private var finished: [RunRecord] = []
    /// Runs another runner held when this one came to them, to look at again.
    private var heldElsewhere: [(Int, GridRunner.Request)] = []
    private var active = 0
    private(set) var unstored: [String] = []
    let owner = GridRunner.claimOwner()
    /// Seconds a claim lasts without renewal; renewed every third of it.
    let lease: Double
    private let progress: RunProgress


    init(configuration: GridRunner.Configuration, store: ResultsStore, requests: [GridRunner.Request], scriptHash: String) {
        self.configuration = configuration
        self.store = store
        self.requests = requests
        self.scriptHash = scriptHash
        lease = configuration.claimLease
        progress = RunProgress(total: requests.count)
    }

    /// Runs every request; returns their records in completion order.
    func runAll() -> [RunRecord] {
        let threads = min(max(configuration.jobs, 1), requests.count)
        guard threads > 0 else { return [] }
        let done = DispatchSemaphore(value: 0)
        let renewing = Thread { [self] in
            while !Thread.current.isCancelled {
                Thread.sleep(forTimeInterval: lease / 3)
                try? store.renewClaims(owner: owner, lease: lease)  // a missed renewal only shortens the claim
            }
        }
        renewing.start()
        defer { renewing.cancel() }
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

    /// The next run this runner claims: in order, then the ones other runners
    /// held, until each is stored or claimed here (an expired claim, a runner killed).
    private func take() -> (Int, GridRunner.Request)? {
        while true {
            lock.lock()
            var candidate: (Int, GridRunner.Request)?
            if next < requests.count {
                next += 1
                candidate = (next, requests[next - 1])
            } else if !heldElsewhere.isEmpty {
                candidate = heldElsewhere.removeFirst()
            } else {
                lock.unlock()
                return nil
            }
            lock.unlock()
            guard let (n, request) = candidate else { return nil }
            do {
                if try store.claim(request.id, owner: owner, lease: lease, rerunningFailed: true,
                                  isGone: GridRunner.claimOwnerIsGone) { return (n, request) }
                if try store.status(of: request.id) == .ok { continue }
            } catch {
                lock.lock()
                unstored.append("\(request.label): \(error)")
                lock.unlock()
                continue
            }
            lock.lock()
            heldElsewhere.append((n, request))
            let waiting = next >= requests.count
            lock.unlock()
            // Only runs held elsewhere are left: wait a little before asking again.
            if waiting { Thread.sleep(forTimeInterval: min(1, lease / 4)) }
        }
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
        var note = record.error
        do {
            try store.save(record)
            try store.releaseClaim(record.id, owner: owner)
        } catch {
            note = (note.map { $0 + "; " } ?? "") + "not stored: \(error)"
            lock.lock()
            unstored.append("\(label): \(error)")
            lock.unlock()
        }
        lock.lock()
        finished.append(record)
        progress.finished(label, ok: record.status == .ok && note == record.error, seconds: record.seconds, note: note)
        lock.unlock()
    }
}
