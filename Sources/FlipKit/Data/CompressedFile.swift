import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file that may be gzip-compressed, exactly as many bytes as asked.
/// A gzip file must be whole: every member complete (a truncated one is an
/// error, not a shorter content) and nothing but members up to the end of the
/// file (trailing garbage is an error, where zlib's gzread would stop quietly).
final class CompressedFile {
    let path: String
    let fileSize: Int
    let isGzip: Bool
    /// What `readAll` holds, charged to the memory budget while this file lives.
    let budget: ReaderBudget
    private let file: UnsafeMutablePointer<FILE>
    private var stream = z_stream()
    private let input: UnsafeMutablePointer<UInt8>
    private static let inputSize = 1 << 16
    private var fileBytesRead = 0
    private var inputEnded = false  // the file has no more bytes to read
    private var memberEnded = false
    private var finished = false

    init(path: String) throws {
        self.path = path
        budget = ReaderBudget(path: path)
        var info = stat()
        guard stat(path, &info) == 0 else { throw FlipError("\(path): cannot open (\(CompressedFile.errnoText()))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FlipError("\(path): not a regular file") }
        fileSize = Int(info.st_size)
        guard let file = fopen(path, "rb") else { throw FlipError("\(path): cannot open (\(CompressedFile.errnoText()))") }
        self.file = file
        input = .allocate(capacity: CompressedFile.inputSize)
        var magic: (UInt8, UInt8) = (0, 0)
        isGzip = fread(&magic, 1, 2, file) == 2 && magic.0 == 0x1F && magic.1 == 0x8B
        rewind(file)
        if isGzip && inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) != Z_OK {
            fclose(file)
            input.deallocate()
            throw FlipError("\(path): cannot start decompressing (out of memory)")
        }
    }

    deinit {
        if isGzip { inflateEnd(&stream) }
        fclose(file)
        input.deallocate()
    }

    /// The most bytes this file can yield: its size, or for gzip the most
    /// that deflate's best ratio (1032:1) allows.
    var maxContentBytes: Int {
        isGzip ? fileSize.multipliedReportingOverflow(by: 1032).partialValue : fileSize
    }

    /// Reads exactly `count` bytes into `buffer`; `what` names the part for messages.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, what: String) throws {
        var done = 0
        while done < count {
            let n = try readSome(into: buffer + done, count: min(count - done, 1 << 30))
            if n == 0 { throw FlipError("\(path): truncated: \(what) needs \(count) bytes, file has \(done)") }
            done += n
        }
    }

    /// The whole content, at most `maxContentBytes`, charged to the budget as it grows.
    func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        if !isGzip { try budget.reserve(&out, for: fileSize, what: "the file's content") }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try readSome(into: $0.baseAddress!, count: $0.count) }
            if n == 0 { return out }
            if out.count + n > maxContentBytes { throw FlipError("\(path): more content than a file of \(fileSize) bytes can hold") }
            try budget.reserve(&out, for: out.count + n, what: isGzip ? "decompressed content" : "the file's content")
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// True when nothing is left to read.
    func atEnd() throws -> Bool {
        var byte: UInt8 = 0
        return try readSome(into: &byte, count: 1) == 0
    }

    /// Up to `count` bytes of content into `buffer`; 0 at its end.
    private func readSome(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        guard isGzip else {
            let n = fread(buffer, 1, count, file)
            if n == 0 && ferror(file) != 0 { throw FlipError("\(path): \(CompressedFile.errnoText())") }
            return n
        }
        while !finished {
            if stream.avail_in < 2 && !inputEnded { try refill() }
            if memberEnded {
                guard stream.avail_in > 0 else {
                    finished = true
                    break
                }
                guard stream.avail_in >= 2, stream.next_in[0] == 0x1F, stream.next_in[1] == 0x8B else {
                    let offset = fileBytesRead - Int(stream.avail_in)
                    throw FlipError("\(path): trailing garbage after the last gzip member (at byte \(offset) of \(fileSize))")
                }
                inflateReset(&stream)
                memberEnded = false
            }
            stream.next_out = buffer.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = UInt32(min(count, Int(UInt32.max)))
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = min(count, Int(UInt32.max)) - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK, Z_BUF_ERROR:
                if produced == 0 && stream.avail_in == 0 && inputEnded {
                    throw FlipError("\(path): truncated gzip member: the file ends before its compressed data does")
                }
            case Z_MEM_ERROR:
                throw FlipError("\(path): out of memory while decompressing")
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw FlipError("\(path): corrupt gzip data (\(message))")
            }
            if produced > 0 { return produced }
        }
        return 0
    }

    /// Moves what inflate has not taken to the front of the buffer and fills the rest.
    private func refill() throws {
        let left = Int(stream.avail_in)
        if left > 0 { memmove(input, stream.next_in, left) }
        let n = fread(input + left, 1, CompressedFile.inputSize - left, file)
        if ferror(file) != 0 { throw FlipError("\(path): \(CompressedFile.errnoText())") }
        fileBytesRead += n
        inputEnded = left + n < CompressedFile.inputSize
        stream.next_in = input
        stream.avail_in = UInt32(left + n)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
