#if canImport(Glibc)
import Glibc
#endif

/// Finds a dataset's files: the folder the user named, then
/// `$FLIPSIDE_DATA/<name>`, then the system location (Debian's packages).
/// Nothing is downloaded: a miss names every file and every place looked.
public struct DatasetLocator {
    public let name: String
    public let files: [String]
    public let systemDirectory: String?
    public let howToObtain: String

    public func locate(directory: String?, environment: [String: String]) throws -> String {
        var candidates: [String] = []
        if let directory { candidates.append(directory) }
        if let root = environment["FLIPSIDE_DATA"], !root.isEmpty { candidates.append(root + "/" + name) }
        if let systemDirectory { candidates.append(systemDirectory) }
        for dir in candidates where files.allSatisfy({ DatasetLocator.resolve(dir, $0) != nil }) {
            return dir
        }
        var lines = ["dataset '\(name)' not found; it needs these files (raw or .gz):"]
        lines += files.map { "  \($0)" }
        lines.append("looked in:")
        if candidates.isEmpty { lines.append("  (nowhere: no folder given and FLIPSIDE_DATA is not set)") }
        for dir in candidates {
            let missing = files.filter { DatasetLocator.resolve(dir, $0) == nil }
            lines.append("  \(dir) (missing: \(missing.joined(separator: ", ")))")
        }
        lines.append(howToObtain)
        throw FlipError(lines.joined(separator: "\n"))
    }

    /// `dir/file` or `dir/file.gz`, whichever exists.
    public static func resolve(_ dir: String, _ file: String) -> String? {
        for candidate in [dir + "/" + file, dir + "/" + file + ".gz"] where access(candidate, R_OK) == 0 {
            return candidate
        }
        return nil
    }
}
