/// Just enough of Lua's lexer to tell whether source text stops inside a
/// string (short or long) or a comment: there, a name is not a name.
enum LuaLexicalState {
    static func endsInsideStringOrComment(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                i += 2
                if let level = longBracketLevel(bytes, at: i) {
                    guard let end = longBracketEnd(bytes, from: i + level + 2, level: level) else { return true }
                    i = end
                } else {
                    while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
                    if i == bytes.count { return true }
                }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let quote = bytes[i]
                i += 1
                while i < bytes.count, bytes[i] != quote, bytes[i] != UInt8(ascii: "\n") {
                    i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
                }
                if i >= bytes.count { return true }
                i += 1
            case UInt8(ascii: "["):
                if let level = longBracketLevel(bytes, at: i) {
                    guard let end = longBracketEnd(bytes, from: i + level + 2, level: level) else { return true }
                    i = end
                } else {
                    i += 1
                }
            default:
                i += 1
            }
        }
        return false
    }

    /// `[[` is level 0, `[==[` level 2; nil if no long bracket opens at `i`.
    private static func longBracketLevel(_ bytes: [UInt8], at i: Int) -> Int? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return nil }
        var j = i + 1
        while j < bytes.count, bytes[j] == UInt8(ascii: "=") { j += 1 }
        guard j < bytes.count, bytes[j] == UInt8(ascii: "[") else { return nil }
        return j - i - 1
    }

    /// Just past the `]=…=]` of `level` closing the bracket, or nil if it stays open.
    private static func longBracketEnd(_ bytes: [UInt8], from start: Int, level: Int) -> Int? {
        var i = start
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "]") {
                var j = i + 1
                while j < bytes.count, bytes[j] == UInt8(ascii: "=") { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "]"), j - i - 1 == level { return j + 1 }
            }
            i += 1
        }
        return nil
    }
}
