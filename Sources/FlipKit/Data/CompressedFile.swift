import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file that may be gzip-compressed, exactly as many bytes as asked.
/// Raw files pass through zlib unchanged.
final class CompressedFile {
    let path: String
    let fileSize: Int
    let isGzip: Bool
    private let handle: gzFile

    init(path: String) throws {
        self.path = path
        var info = stat()
        guard stat(path, &info) == 0 else { throw FlipError("\(path): cannot open (\(CompressedFile.errnoText()))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FlipError("\(path): not a regular file") }
        fileSize = Int(info.st_size)
        isGzip = CompressedFile.hasGzipMagic(path)
        guard let handle = gzopen(path, "rb") else {
            throw FlipError("\(path): cannot open (\(CompressedFile.errnoText()))")
        }
        self.handle = handle
    }

    deinit { gzclose(handle) }

    /// The most bytes this file can yield: its size, or for gzip the most
    /// that deflate's best ratio (1032:1) allows.
    var maxContentBytes: Int {
        isGzip ? fileSize.multipliedReportingOverflow(by: 1032).partialValue : fileSize
    }

    /// Reads exactly `count` bytes into `buffer`; `what` names the part for messages.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, what: String) throws {
        var done = 0
        while done < count {
            let chunk = UInt32(min(count - done, 1 << 30))
            let n = gzread(handle, buffer + done, chunk)
            if n < 0 { throw FlipError("\(path): \(zlibError()) while reading \(what)") }
            if n == 0 { throw FlipError("\(path): truncated: \(what) needs \(count) bytes, file has \(done)") }
            done += Int(n)
        }
    }

    /// The whole content, at most `maxContentBytes`.
    func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        if !isGzip { out.reserveCapacity(fileSize) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(handle, $0.baseAddress, UInt32($0.count)) }
            if n < 0 { throw FlipError("\(path): \(zlibError())") }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<Int(n)])
            if out.count > maxContentBytes { throw FlipError("\(path): more content than a file of \(fileSize) bytes can hold") }
        }
    }

    /// True when nothing is left to read.
    func atEnd() throws -> Bool {
        var byte: UInt8 = 0
        let n = gzread(handle, &byte, 1)
        if n < 0 { throw FlipError("\(path): \(zlibError())") }
        return n == 0
    }

    private func zlibError() -> String {
        var code: Int32 = 0
        let message = gzerror(handle, &code).map { String(cString: $0) } ?? "read error"
        return code == Z_ERRNO ? CompressedFile.errnoText() : "corrupt gzip data (\(message))"
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    private static func hasGzipMagic(_ path: String) -> Bool {
        guard let f = fopen(path, "rb") else { return false }
        defer { fclose(f) }
        var magic: (UInt8, UInt8) = (0, 0)
        return fread(&magic, 1, 2, f) == 2 && magic.0 == 0x1F && magic.1 == 0x8B
    }
}
