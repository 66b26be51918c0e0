import FlipRunner
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT: the batch stops launching, kills its children and reports.
let batchInterrupted = Atomic<Bool>(false)

/// Runs child tasks N at a time from the main thread, enforcing each one's
/// wall-clock limit and reporting progress.
final class BatchScheduler {
    struct Task {
        var label: String
        var arguments: [String]
        var logPath: String
        var messagePath: String
        /// Asked just before the child would start: runners sharing a store
        /// claim the run first (nil: always start).
        var claim: (() -> Claim)? = nil
        /// Called on the main thread when the child has ended.
        var finished: (ChildRunner) -> Bool  // true when the task succeeded
    }

    enum Claim {
        /// Claimed: start the child.
        case run
        /// Another runner holds it: ask again later.
        case heldElsewhere
        /// Stored meanwhile (by another runner): nothing to do.
        case done
    }

    let jobs: Int
    let timeout: Double?
    let progress: RunProgress

    init(jobs: Int, timeout: Double?, progress: RunProgress) {
        self.jobs = max(jobs, 1)
        self.timeout = timeout
        self.progress = progress
    }

    static func installInterruptHandler() {
        signal(SIGINT) { _ in batchInterrupted.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in batchInterrupted.store(true, ordering: .relaxed) }
    }

    /// Runs `tasks`; returns how many did not start because of an interrupt.
    @discardableResult
    func run(_ tasks: [Task]) -> Int {
        var queue = tasks[...]
        var running: [(ChildRunner, Task)] = []
        var held: [Task] = []
        while !queue.isEmpty || !running.isEmpty || !held.isEmpty {
            if batchInterrupted.load(ordering: .relaxed) {
                for (child, _) in running { child.stop() }
                for (child, _) in running { child.process.waitUntilExit() }
                return queue.count + running.count + held.count
            }
            if queue.isEmpty && running.isEmpty && !held.isEmpty {
                // Only runs other runners hold are left: ask again in a moment.
                usleep(500_000)
                queue = held[...]
                held = []
            }
            while running.count < jobs, let task = queue.popFirst() {
                switch task.claim?() ?? .run {
                case .run: break
                case .heldElsewhere:
                    held.append(task)
                    continue
                case .done:
                    progress.finished(task.label, ok: true, seconds: 0, note: "run by another runner")
                    continue
                }
                do {
                    running.append((try ChildRunner(arguments: task.arguments, logPath: task.logPath,
                                                    messagePath: task.messagePath, timeout: timeout), task))
                } catch {
                    progress.finished(task.label, ok: false, seconds: 0, note: "could not start: \(error)")
                }
            }
            var still: [(ChildRunner, Task)] = []
            for (child, task) in running {
                _ = child.enforceDeadline()
                if child.isRunning {
                    still.append((child, task))
                } else {
                    let ok = task.finished(child)
                    progress.finished(task.label, ok: ok, seconds: Date().timeIntervalSince(child.started), note: nil)
                }
            }
            running = still
            if !running.isEmpty { usleep(20_000) }
        }
        return 0
    }
}
