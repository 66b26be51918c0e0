#if canImport(Glibc)
import Glibc
#endif

/// What a sandboxed script may touch: it reads anywhere, but writes, removes
/// and renames files only strictly inside one output folder. Paths are
/// resolved (symbolic links, `.` and `..`) before they are compared.
public struct LuaSandbox: Sendable {
    /// The output folder, absolute and free of symbolic links.
    public let outputDirectory: String

    /// `outputDirectory` must exist.
    public init(outputDirectory: String) throws {
        guard let resolved = SandboxPaths.realPath(outputDirectory) else {
            throw LuaSandboxError("the output folder '\(outputDirectory)' does not exist")
        }
        self.outputDirectory = resolved
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
        guard resolved.hasPrefix(outputDirectory == "/" ? "/" : outputDirectory + "/"), resolved != outputDirectory else {
            throw LuaSandboxError("'\(path)' is outside the output folder '\(outputDirectory)'")
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
enum SandboxPaths {
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func currentDirectory() -> String {
        guard let path = getcwd(nil, 0) else { return "/" }
        defer { free(path) }
        return String(cString: path)
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
