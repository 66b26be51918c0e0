/// Reader for the binary versions of CIFAR-10 and CIFAR-100: fixed-size records
/// of label byte(s) followed by 3072 pixels (3 × 32 × 32, channel-major).
public enum CIFARReader {
    public static let pixelsPerImage = 3 * 32 * 32

    public enum Labels: String, CaseIterable, Sendable {
        /// CIFAR-10: one label byte, 10 classes.
        case cifar10
        /// CIFAR-100: coarse then fine label byte; 20 or 100 classes.
        case coarse, fine

        var labelBytes: Int { self == .cifar10 ? 1 : 2 }
        var classes: Int {
            switch self {
            case .cifar10: return 10
            case .coarse: return 20
            case .fine: return 100
            }
        }
        var labelOffset: Int { self == .fine ? 1 : 0 }
    }

    /// Reads and concatenates the records of `paths` (raw or gzip).
    public static func read(paths: [String], labels kind: Labels) throws -> (features: Tensor, labels: Tensor) {
        let recordBytes = kind.labelBytes + pixelsPerImage
        // Each file stays open while its content is held: the budget counts that content until then.
        var contents: [(path: String, bytes: [UInt8], file: CompressedFile)] = []
        for path in paths {
            let file = try CompressedFile(path: path)
            let bytes = try file.readAll()
            guard !bytes.isEmpty, bytes.count % recordBytes == 0 else {
                throw FlipError("\(path): \(bytes.count) bytes\(file.isGzip ? " uncompressed" : "") is not a whole number of \(recordBytes)-byte records (\(kind.labelBytes) label \(kind.labelBytes == 1 ? "byte" : "bytes") + 3072 pixels)")
            }
            contents.append((path, bytes, file))
        }
        let total = contents.reduce(0) { $0 + $1.bytes.count / recordBytes }
        let features: Tensor, labels: Tensor
        do {
            features = try Tensor(zeros: [total, pixelsPerImage], dtype: .uint8)
            labels = try Tensor(zeros: [total], dtype: .int32)
        } catch let error as FlipError {
            throw FlipError("\(paths.joined(separator: ", ")): \(error.description)")
        }
        var row = 0
        for (path, bytes, _) in contents {
            try bytes.withUnsafeBytes { source in
                for r in 0..<(bytes.count / recordBytes) {
                    let record = source.baseAddress! + r * recordBytes
                    let label = Int(record.load(fromByteOffset: kind.labelOffset, as: UInt8.self))
                    guard label < kind.classes else {
                        throw FlipError("\(path): record \(r + 1) has label \(label); \(kind.rawValue) labels are 0..\(kind.classes - 1)")
                    }
                    labels.int32s[row] = Int32(label)
                    (features.raw + row * pixelsPerImage).copyMemory(from: record + kind.labelBytes, byteCount: pixelsPerImage)
                    row += 1
                }
            }
        }
        return (features, labels)
    }
}
