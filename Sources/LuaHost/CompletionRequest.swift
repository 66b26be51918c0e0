/// What the text before the cursor asks to complete: the partial `word` at its
/// end, after a chain of names (`flipside.tensor.ze` has path
/// ["flipside", "tensor"]), and whether a `:` asks for a method. Only a chain
/// of plain names qualifies: completing after `f().` or `t[1].` would mean
/// running code.
public struct CompletionRequest: Equatable, Sendable {
    public var path: [String]
    public var method: Bool
    public var word: String

    public init(path: [String], method: Bool, word: String) {
        self.path = path
        self.method = method
        self.word = word
    }

    /// Nil when the text ends inside a string or a comment, or after
    /// something other than a chain of names.
    public init?(before text: String) {
        let bytes = Array(text.utf8)
        guard !LuaLexicalState.endsInsideStringOrComment(bytes) else { return nil }
        var end = bytes.endIndex
        guard let word = Self.name(endingAt: &end, in: bytes, allowEmpty: true) else { return nil }
        self.word = word
        self.method = end > 0 && bytes[end - 1] == UInt8(ascii: ":")
        self.path = []
        guard end > 0, method || bytes[end - 1] == UInt8(ascii: ".") else { return }
        // `a..fl` is a concatenation: `fl` is a name of its own.
        if !method, end > 1, bytes[end - 2] == UInt8(ascii: ".") { return }
        var components: [String] = []
        while end > 0, bytes[end - 1] == UInt8(ascii: ".") || (components.isEmpty && method) {
            end -= 1
            guard let component = Self.name(endingAt: &end, in: bytes, allowEmpty: false) else { return nil }
            components.insert(component, at: 0)
            if end > 1, bytes[end - 1] == UInt8(ascii: "."), bytes[end - 2] == UInt8(ascii: ".") { break }
            if end > 0, bytes[end - 1] == UInt8(ascii: ":") { return nil }
        }
        self.path = components
    }

    /// The name whose last byte is just before `end`; moves `end` to its first byte.
    /// Nil if it starts with a digit (a number), or is empty where a name must be.
    private static func name(endingAt end: inout Int, in bytes: [UInt8], allowEmpty: Bool) -> String? {
        var start = end
        while start > 0, isNameByte(bytes[start - 1]) { start -= 1 }
        if start == end { return allowEmpty ? "" : nil }
        guard !isDigit(bytes[start]) else { return nil }
        defer { end = start }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "_")
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
