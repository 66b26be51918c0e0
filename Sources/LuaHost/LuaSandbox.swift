#if canImport(Glibc)
import Glibc
#endif

/// What a sandboxed script may touch: it writes, removes and renames files
/// only strictly inside one output folder, and reads only beneath the folders
/// it is given (anywhere when it is given none) and the output folder. Paths
/// are resolved (symbolic links, `.` and `..`) before they are compared.
public struct LuaSandbox: Sendable {
    /// The output folder, absolute and free of symbolic links.
    public let outputDirectory: String
    /// The folders a script may read beneath, resolved; nil: anywhere.
    public let readableDirectories: [String]?

    /// `outputDirectory` must exist; a readable folder that does not is left out.
    public init(outputDirectory: String, readableDirectories: [String]? = nil) throws {
        guard let resolved = SandboxPaths.realPath(outputDirectory) else {
            throw LuaSandboxError("the output folder '\(outputDirectory)' does not exist")
        }
        self.outputDirectory = resolved
        self.readableDirectories = readableDirectories.map { $0.compactMap(SandboxPaths.realPath) + [resolved] }
    }

    /// The resolved path a read of `path` opens, if it lies beneath a readable folder.
    public func readablePath(_ path: String) throws -> String {
        guard let folders = readableDirectories else { return path }
        // A path that exists (a folder too: a dataset's `dir`) resolves whole.
        let resolved: String
        do {
            resolved = try SandboxPaths.realPath(path) ?? SandboxPaths.resolve(path, followingLink: true)
        } catch let error as LuaSandboxError {
            throw LuaSandboxError("cannot read '\(path)': \(error.description)")
        }
        guard folders.contains(where: { SandboxPaths.isBeneath(resolved, $0) || resolved == $0 }) else {
            throw LuaSandboxError("cannot read '\(path)': it is outside the folders a sandboxed run may read "
                                  + "(the script's, the stdlib, the datasets, the output folder and --allow-read)")
        }
        return resolved
    }

    /// The error a refusal by the kernel (EACCES under Landlock) becomes.
    public func kernelRefusal(_ path: String, writing: Bool) -> LuaSandboxError {
        writing ? LuaSandboxError("'\(path)' is outside the output folder '\(outputDirectory)' (refused by the kernel)")
            : LuaSandboxError("cannot read '\(path)': it is outside the folders a sandboxed run may read (refused by the kernel)")
    }

    /// The resolved path a write to `path` would touch, if it lies inside the
    /// output folder. With `followingLink`, a symbolic link in the last
    /// position is followed (opening follows it); without, the link itself
    /// is meant (removing or renaming it).
    public func writablePath(_ path: String, followingLink: Bool = true) throws -> String {
        let resolved: String
        do {
            resolved = try SandboxPaths.resolve(path, followingLink: followingLink)
        } catch let error as LuaSandboxError {
            throw LuaSandboxError("cannot write '\(path)': \(error.description)")
        }
        guard SandboxPaths.isBeneath(resolved, outputDirectory) else {
            throw LuaSandboxError("'\(path)' is outside the output folder '\(outputDirectory)'")
        }
        // A hard link planted in the output folder is the same file as one outside it.
        if followingLink && SandboxPaths.linkCount(resolved) > 1 {
            throw LuaSandboxError("cannot write '\(path)': it has other hard links, which may lie outside the output folder")
        }
        return resolved
    }
}

/// A refusal of the sandbox; its message reaches the script as a Lua error.
public struct LuaSandboxError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { self.description = "sandbox: " + message }
    init(unprefixed message: String) { self.description = message }
}

/// Path resolution against the file system as it is now.
public enum SandboxPaths {
    /// The path with every link and `..` resolved; nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// True when `path` lies strictly inside `folder` (both resolved).
    static func isBeneath(_ path: String, _ folder: String) -> Bool {
        path != folder && path.hasPrefix(folder == "/" ? "/" : folder + "/")
    }

    static func currentDirectory() -> String {
        guard let path = getcwd(nil, 0) else { return "/" }
        defer { free(path) }
        return String(cString: path)
    }

    /// How many names a regular file has (0 for anything else or nothing).
    static func linkCount(_ path: String) -> Int {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return 0 }
        return Int(info.st_nlink)
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// The folder holding `path` resolved in full, then its last component;
    /// that component followed too when it is a link and `followingLink`.
    static func resolve(_ path: String, followingLink: Bool) throws -> String {
        guard !path.isEmpty else { throw LuaSandboxError(unprefixed: "empty path") }
        guard !path.utf8.contains(0) else { throw LuaSandboxError(unprefixed: "path contains a zero byte") }
        var absolute = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
        while absolute.count > 1 && absolute.hasSuffix("/") { absolute.removeLast() }
        let slash = absolute.lastIndex(of: "/")!
        let name = String(absolute[absolute.index(after: slash)...])
        let folder = slash == absolute.startIndex ? "/" : String(absolute[..<slash])
        guard !name.isEmpty, name != ".", name != ".." else {
            throw LuaSandboxError(unprefixed: "'\(path)' names a folder, not a file")
        }
        guard let realFolder = realPath(folder) else {
            throw LuaSandboxError(unprefixed: "its folder does not exist")
        }
        let candidate = (realFolder == "/" ? "" : realFolder) + "/" + name
        guard followingLink, isSymbolicLink(candidate) else { return candidate }
        guard let target = realPath(candidate) else {
            throw LuaSandboxError(unprefixed: "it is a symbolic link to a missing file")
        }
        return target
    }
}
