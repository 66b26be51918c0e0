/// The folder a script's output goes into, under --out: its file name without
/// `.lua`, made safe to be one path component. A name that is empty, `.` or
/// `..`, or starts with a dot, would be the output root itself, its parent, or
/// hidden: leading dots become `_`, so `...lua`, `..lua` and `.lua` write into
/// `__`, `_` and `script`.
public enum OutputFolderName {
    public static func of(_ scriptPath: String) -> String {
        let name = GridRunner.Configuration.scriptName(of: scriptPath)
        var safe = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-+".contains($0)) ? $0 : "_" })
        let dots = safe.prefix { $0 == "." }.count
        safe = String(repeating: "_", count: dots) + safe.dropFirst(dots)
        return safe.isEmpty ? "script" : safe
    }

    /// One folder name per script, in order: a name already given (two scripts
    /// `a/x.lua` and `b/x.lua`) or one of `reserved` gets `-2`, `-3`, ...
    public static func unique(_ scriptPaths: [String], reserved: Set<String> = []) -> [String] {
        var taken = reserved
        return scriptPaths.map { path in
            let base = of(path)
            var name = base
            var n = 2
            while taken.contains(name.lowercased()) {
                name = "\(base)-\(n)"
                n += 1
            }
            taken.insert(name.lowercased())
            return name
        }
    }
}
