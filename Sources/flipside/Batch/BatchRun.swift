import FlipLua
import FlipRunner
import FlipResults
import Foundation

/// One execution of `flipside batch` on this machine.
final class BatchRun {
    let command: BatchCommand
    let scripts: [String]
    let store: ResultsStore
    let pairs: [(String, String)]
    let logs: String
    var plans: [String: WorkerMessage.Plan] = [:]
    var planFailures: [String: RunRecord] = [:]
    var ran: [RunRecord] = []
    var skipped: [String: Int] = [:]
    /// Runs the store could not take, with its error: the batch then fails.
    var unstored: [String] = []
    /// This runner's name in the store's claims, and how long a claim lasts unless renewed.
    let owner = GridRunner.claimOwner()
    let lease = GridRunner.Configuration.defaultClaimLease
    /// Each script's folder name under --out, unique in this batch.
    let folders: [String: String]

    init(command: BatchCommand, scripts: [String]) throws {
        self.command = command
        self.scripts = scripts
        store = try ResultsStore(path: command.db)
        pairs = try command.parameters.pairs()
        folders = Dictionary(zip(scripts, OutputFolderName.unique(scripts, reserved: ["logs", "slurm"]))) { first, _ in first }
        // Batches may share an output folder (the shards of a cluster array run at
        // once): each keeps its children's messages and logs in a folder of its own.
        logs = (command.out as NSString).appendingPathComponent("logs/batch-\(getpid())")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
    }

    var baseArguments: [String] {
        pairs.flatMap { ["--set", "\($0.0)=\($0.1)"] } + (command.timeout.map { ["--time-limit", String($0)] } ?? [])
            + (command.memory.map { ["--memory", String($0)] } ?? [])
    }

    /// A script's folder under --out: its report, and all a sandboxed script may write.
    func folder(of script: String) -> String {
        (command.out as NSString).appendingPathComponent(folders[script] ?? OutputFolderName.of(script))
    }

    /// What every child of `script` is told besides its step.
    func childArguments(_ script: String) -> [String] {
        baseArguments + (command.sandbox ? ["--sandbox", "--out", folder(of: script)] + command.sandboxFlags.arguments : [])
    }

    func scriptHash(_ script: String) -> String {
        ContentHash.of(String(decoding: FileManager.default.contents(atPath: script) ?? Data(), as: UTF8.self))
    }

    func wanted(_ id: String) throws -> Bool {
        switch try store.status(of: id) {
        case .ok?: return false
        case .failed?: return command.retryFailed
        case nil: return true
        }
    }

    /// Plans, runs, summarises and reports; false when a run failed.
    func execute() throws -> Bool {
        let started = Date()
        try planScripts()
        if batchInterrupted.load(ordering: .relaxed) { return summarise(started) }
        let shard = try command.shardSpec()
        var requests: [(String, GridRunner.Request)] = []
        var index = 0
        for script in scripts {
            guard let plan = plans[script], plan.kind == "data" else { continue }
            for request in plan.requests {
                defer { index += 1 }
                if let shard, index % shard.count != shard.index { continue }
                if try wanted(request.id) { requests.append((script, request)) } else { skipped[script, default: 0] += 1 }
            }
        }
        print("\(requests.count) runs to do on \(min(command.jobs, max(requests.count, 1))) processes"
              + (shard.map { " (shard \($0.index)/\($0.count))" } ?? ""))
        let scheduler = BatchScheduler(jobs: command.jobs, timeout: command.timeout, progress: RunProgress(total: requests.count))
        let renewing = Thread { [store, owner, lease] in
            while !Thread.current.isCancelled {
                Thread.sleep(forTimeInterval: lease / 3)
                try? store.renewClaims(owner: owner, lease: lease)  // a missed renewal only shortens the claims
            }
        }
        renewing.start()
        scheduler.run(requests.enumerated().map { n, item in runTask(n, script: item.0, request: item.1) })
        renewing.cancel()
        let clean = summarise(started)
        if !command.noReport && !batchInterrupted.load(ordering: .relaxed) { report() }
        return clean
    }

    /// Each script is loaded in a child: a data script gives its grid; a plain
    /// script runs whole there and its outcome is stored as its one run.
    func planScripts() throws {
        var tasks: [BatchScheduler.Task] = []
        for (n, script) in scripts.enumerated() {
            let hash = scriptHash(script)
            let plainID = GridRunner.Request.plain(inputs: RunKeys.plain(scriptHash: hash, stdlib: StdlibLocator.find()), parameters: pairs).id
            let message = (logs as NSString).appendingPathComponent("plan-\(n).json")
            let name = GridRunner.Configuration.scriptName(of: script)
            if let stored = try store.records(ids: [plainID]).first, try !wanted(plainID),
               stored.metrics["kind"] == .text("plain script") || stored.status == .failed {
                skipped[script, default: 0] += 1  // a plain script that ran, or a script that would not load
                continue
            }
            tasks.append(.init(label: "\(name) (load)", arguments: ["plan", script, "--message", message] + childArguments(script),
                               logPath: (logs as NSString).appendingPathComponent("plan-\(name).log"), messagePath: message) { child in
                if let plan = try? WorkerMessage.read(WorkerMessage.Plan.self, from: message) {
                    self.plans[script] = plan
                    if var record = plan.plain {
                        record.metrics["kind"] = .text("plain script")
                        if (try? self.wanted(plainID)) ?? true { self.save(record); self.ran.append(record) } else {
                            self.skipped[script, default: 0] += 1
                        }
                        return record.status == .ok
                    }
                    return true
                }
                let failure = RunRecord(id: plainID, script: name, scriptHash: hash,
                                        keyInputs: RunKeys.plain(scriptHash: hash, stdlib: StdlibLocator.find()), parameters: [:], seed: 1,
                                        codeVersion: "", status: .failed,
                                        error: "the script could not be loaded: " + child.failureReason(timeout: self.command.timeout, memory: self.command.memory),
                                        seconds: Date().timeIntervalSince(child.started))
                self.planFailures[script] = failure
                self.save(failure)
                self.ran.append(failure)
                return false
            })
        }
        print("loading \(tasks.count) of \(scripts.count) scripts")
        BatchScheduler(jobs: command.jobs, timeout: command.timeout, progress: RunProgress(total: tasks.count)).run(tasks)
    }

    func runTask(_ n: Int, script: String, request: GridRunner.Request) -> BatchScheduler.Task {
        let name = GridRunner.Configuration.scriptName(of: script)
        let message = (logs as NSString).appendingPathComponent("run-\(request.id).json")
        let requestJSON = String(decoding: (try? WorkerMessage.encoder.encode(request)) ?? Data(), as: UTF8.self)
        let claim = { [self] () -> BatchScheduler.Claim in
            do {
                if try store.claim(request.id, owner: owner, lease: lease, rerunningFailed: command.retryFailed,
                                  isGone: GridRunner.claimOwnerIsGone) { return .run }
                return try wanted(request.id) ? .heldElsewhere : .done
            } catch {
                unstored.append("\(name) \(request.label): \(error)")
                return .done
            }
        }
        return .init(label: "\(name) \(request.label)",
                     arguments: ["run", script, "--message", message, "--request", requestJSON] + childArguments(script),
                     logPath: (logs as NSString).appendingPathComponent("run-\(request.id).log"), messagePath: message,
                     claim: claim) { child in
            var record: RunRecord
            if let message = try? WorkerMessage.read(RunRecord.self, from: message) {
                record = message
            } else {
                record = RunRecord(id: request.id, script: name, scriptHash: self.scriptHash(script), keyInputs: request.inputs,
                                   parameters: request.parameters,
                                   seed: request.seed, codeVersion: "", status: .failed,
                                   error: child.failureReason(timeout: self.command.timeout, memory: self.command.memory),
                                   seconds: Date().timeIntervalSince(child.started))
            }
            self.save(record)
            try? self.store.releaseClaim(record.id, owner: self.owner)  // an unreleased claim only expires
            unlink(message)
            self.ran.append(record)
            return record.status == .ok
        }
    }

    /// The summary table and every failure with its reason; true when none failed.
    /// Stores `record`; a store that refuses it is remembered and fails the batch.
    func save(_ record: RunRecord) {
        do { try store.save(record) } catch {
            unstored.append("\(record.script) \(record.id.prefix(12)): \(error)")
        }
    }

    func summarise(_ started: Date) -> Bool {
        print("")
        print("script                              ran    ok  failed  stored before")
        for script in scripts {
            let name = GridRunner.Configuration.scriptName(of: script)
            let mine = ran.filter { $0.script == name }
            print(name.padding(toLength: 32, withPad: " ", startingAt: 0)
                  + String(format: "%7d %5d %7d %14d", mine.count, mine.filter { $0.status == .ok }.count,
                           mine.filter { $0.status == .failed }.count, skipped[script] ?? 0))
        }
        let failures = ran.filter { $0.status == .failed }
        if !failures.isEmpty {
            print("\nfailures:")
            for f in failures {
                let where_ = f.parameters.isEmpty ? "" : " " + f.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                print("- \(f.script)\(where_) seed=\(f.seed): \(f.error ?? "failed")")
                if let traceback = f.traceback, !traceback.isEmpty {
                    print(traceback.split(separator: "\n").prefix(6).map { "    " + $0 }.joined(separator: "\n"))
                }
            }
        }
        if batchInterrupted.load(ordering: .relaxed) { print("\ninterrupted: the runs not finished will run next time") }
        if !unstored.isEmpty {
            print("\nnot stored (the store refused them):")
            for line in unstored { print("- \(line)") }
        }
        print(String(format: "\n%d runs in %.1f s, %d failed", ran.count, Date().timeIntervalSince(started), failures.count)
              + (unstored.isEmpty ? "" : ", \(unstored.count) not stored"))
        return failures.isEmpty && unstored.isEmpty
    }

    /// Each data script's report, in a child of its own.
    func report() {
        let tasks = scripts.compactMap { script -> BatchScheduler.Task? in
            guard let plan = plans[script], plan.kind == "data", plan.hasReport else { return nil }
            let name = GridRunner.Configuration.scriptName(of: script)
            let log = (logs as NSString).appendingPathComponent("report-\(name).log")
            let folder = folder(of: script)
            return .init(label: "\(name) report",
                         arguments: ["report", script, "--db", command.db, "--out", folder] + pairs.flatMap { ["--set", "\($0.0)=\($0.1)"] }
                             + (command.sandbox ? ["--sandbox"] + command.sandboxFlags.arguments : []),
                         logPath: log, messagePath: log + ".none") { child in
                let output = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
                print("\n== report of \(name) (\(folder))\n" + output, terminator: output.hasSuffix("\n") ? "" : "\n")
                return child.process.terminationStatus == 0
            }
        }
        guard !tasks.isEmpty else { return }
        BatchScheduler(jobs: command.jobs, timeout: nil, progress: RunProgress(total: tasks.count)).run(tasks)
    }
}
