/// Reader for the IDX format of MNIST and Fashion-MNIST (raw or `.gz`).
/// Only unsigned-byte data (type 0x08) is accepted; every declared size is
/// checked against what the file can hold before anything is allocated.
public enum IDXReader {
    static let typeNames: [UInt8: String] = [
        0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16", 0x0C: "int32", 0x0D: "float32", 0x0E: "float64",
    ]

    /// Reads an IDX file into a uint8 tensor. Labels (1 dimension) come back as
    /// int32 [n]; images (3 dimensions) as uint8 [n, rows*cols]. With `itemShape`,
    /// the dimensions after the first must be exactly these (`of` names the
    /// dataset that has that shape, for the message).
    public static func read(path: String, itemShape: [Int]? = nil, of dataset: String = "") throws -> Tensor {
        let file = try CompressedFile(path: path)
        var header: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        try withUnsafeMutableBytes(of: &header) { try file.read(into: $0.baseAddress!, count: 4, what: "the header") }
        guard header.0 == 0, header.1 == 0 else {
            throw FlipError("\(path): not an IDX file (bad magic number \(hex(header.0, header.1, header.2, header.3)))")
        }
        guard header.2 == 0x08 else {
            let name = typeNames[header.2].map { "\($0) data" } ?? "unknown type code"
            throw FlipError("\(path): IDX type 0x\(String(header.2, radix: 16)) (\(name)) is not supported; expected unsigned byte data (0x08)")
        }
        let rank = Int(header.3)
        guard rank >= 1, rank <= 4 else { throw FlipError("\(path): IDX declares \(rank) dimensions; expected 1 to 4") }
        var dims = [UInt32](repeating: 0, count: rank)
        try dims.withUnsafeMutableBytes { try file.read(into: $0.baseAddress!, count: 4 * rank, what: "the dimensions") }
        let shape = dims.map { Int(UInt32(bigEndian: $0)) }
        if let itemShape, Array(shape.dropFirst()) != itemShape {
            let got = rank == 1 ? "labels (1 dimension)" : "items of " + shape.dropFirst().map(String.init).joined(separator: "×")
            let wanted = itemShape.isEmpty ? "labels (1 dimension)" : "items of " + itemShape.map(String.init).joined(separator: "×")
            throw FlipError("\(path): \(got); \(dataset.isEmpty ? "expected" : dataset + " has") \(wanted)")
        }
        let headerBytes = 4 + 4 * rank
        var total = 1
        for d in shape {
            let (p, overflow) = total.multipliedReportingOverflow(by: d)
            guard !overflow, p <= Tensor.maxElements else { throw FlipError("\(path): declared dimensions \(shape) are too large") }
            total = p
        }
        guard headerBytes + total <= file.maxContentBytes else {
            let size = file.isGzip ? "a gzip file of \(file.fileSize) bytes cannot hold" : "the file has \(file.fileSize) bytes, not"
            throw FlipError("\(path): declared dimensions \(shape) need \(headerBytes + total) bytes, but \(size) that many")
        }
        let flatShape = rank == 1 ? [shape[0]] : [shape[0], shape.dropFirst().reduce(1, *)]
        let data: Tensor
        do { data = try Tensor(zeros: flatShape, dtype: .uint8) } catch let error as FlipError { throw FlipError("\(path): \(error.description)") }
        try file.read(into: data.raw, count: total, what: "\(total) bytes of data for dimensions \(shape)")
        guard try file.atEnd() else { throw FlipError("\(path): data continues past the \(total) bytes that dimensions \(shape) declare") }
        return rank == 1 ? try data.converted(to: .int32) : data
    }

    private static func hex(_ bytes: UInt8...) -> String {
        "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
