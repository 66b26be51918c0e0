import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Progress of a batch or a grid: one line per finished run when the output is
/// not a terminal, else a status line with an ETA rewritten in place.
public final class RunProgress {
    public let total: Int
    let interactive = isatty(1) != 0
    let started = Date()
    private(set) var done = 0
    private(set) var failed = 0

    public init(total: Int) { self.total = total }

    public func finished(_ label: String, ok: Bool, seconds: Double, note: String?) {
        done += 1
        if !ok { failed += 1 }
        let left = total - done
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? elapsed / Double(done) * Double(left) : 0
        let status = String(format: "%d/%d done, %d failed, %d left, ETA %@", done, total, failed, left, RunProgress.duration(eta))
        if interactive {
            if !ok { print("\r\u{1B}[Kfailed: \(label)\(note.map { " (\($0))" } ?? "")") }
            print("\r\u{1B}[K" + status, terminator: "")
            if left == 0 { print("") }
        } else {
            print(String(format: "[%d/%d] %@: %@ %.2f s", done, total, label, ok ? "ok" : "failed", seconds)
                  + (note.map { " (\($0))" } ?? "") + (left == 0 ? "" : "; " + status))
        }
        fflush(nil)
    }

    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : (s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s")
    }
}
