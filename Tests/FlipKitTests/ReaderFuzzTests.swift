@testable import FlipKit
import Foundation
import Testing

/// Feeds corrupted, truncated and random files to every reader: each must be
/// read or refused with a FlipError naming the file, never crash, and never
/// allocate more than the file could justify.
@Suite struct ReaderFuzzTests {
    struct Reader {
        let name: String
        let seed: [UInt8]
        let gzip: Bool
        /// Largest tensor allocation a file of `size` bytes may cause.
        let bound: (Int) -> Int
        let read: (String) throws -> Void
    }

    static func idxSeed() -> [UInt8] {
        [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + (0..<12).map { UInt8($0 * 20) }
    }

    static func cifarSeed(labelBytes: Int) -> [UInt8] {
        (0..<2).flatMap { r in [UInt8](repeating: UInt8(r + 1), count: labelBytes) + (0..<3072).map { UInt8(($0 + r) % 251) } }
    }

    static let csvSeed = Array("a,b,label\n1.5,2,cat\n-3,4e1,dog\n0,0.25,cat\n".utf8)

    /// One mutation of `seed`, drawn from `g`.
    static func mutate(_ seed: [UInt8], _ g: Generator) -> [UInt8] {
        var bytes = seed
        switch g.below(6) {
        case 0:  // flip a few bytes
            for _ in 0...g.below(4) where !bytes.isEmpty { bytes[g.below(bytes.count)] = UInt8(g.below(256)) }
        case 1:  // truncate
            bytes = Array(bytes.prefix(g.below(bytes.count + 1)))
        case 2:  // append garbage
            bytes += (0..<1 + g.below(64)).map { _ in UInt8(g.below(256)) }
        case 3:  // random content
            bytes = (0..<g.below(200)).map { _ in UInt8(g.below(256)) }
        case 4:  // corrupt the header region with large values
            for i in 0..<min(16, bytes.count) where g.below(3) == 0 { bytes[i] = g.below(2) == 0 ? 0xFF : UInt8(g.below(256)) }
        default:  // duplicate a chunk in the middle
            if bytes.count > 4 {
                let start = g.below(bytes.count - 2)
                let end = start + g.below(bytes.count - start)
                bytes.insert(contentsOf: bytes[start..<end], at: start)
            }
        }
        return bytes
    }

    @Test func everyReaderSurvivesTenThousandBrokenFiles() throws {
        let folder = try TestFolder()
        let gz = 1032
        let readers: [Reader] = [
            Reader(name: "idx", seed: ReaderFuzzTests.idxSeed(), gzip: false, bound: { 4 * $0 + 64 }) { _ = try IDXReader.read(path: $0) },
            Reader(name: "idx.gz", seed: ReaderFuzzTests.idxSeed(), gzip: true, bound: { 4 * gz * $0 + 64 }) { _ = try IDXReader.read(path: $0) },
            Reader(name: "cifar10", seed: ReaderFuzzTests.cifarSeed(labelBytes: 1), gzip: false, bound: { $0 + 64 }) {
                _ = try CIFARReader.read(paths: [$0], labels: .cifar10)
            },
            Reader(name: "cifar100.gz", seed: ReaderFuzzTests.cifarSeed(labelBytes: 2), gzip: true, bound: { gz * $0 + 64 }) {
                _ = try CIFARReader.read(paths: [$0], labels: .fine)
            },
            Reader(name: "csv", seed: ReaderFuzzTests.csvSeed, gzip: false, bound: { 2 * $0 + 64 }) { _ = try CSVReader.read(path: $0) },
        ]
        let g = Generator(seed: 77)
        let probe = AllocationProbe()
        var files = 0, refused = 0
        for reader in readers {
            var seed = reader.seed
            if reader.gzip { seed = Array(try Data(contentsOf: URL(fileURLWithPath: folder.gzip(try folder.write("seed-\(reader.name)", seed))))) }
            let path = try folder.write("fuzz-\(reader.name)", seed)
            try AllocationProbe.$current.withValue(probe) {
                for _ in 0..<2100 {
                    let bytes = ReaderFuzzTests.mutate(seed, g)
                    try folder.write("fuzz-\(reader.name)", bytes)
                    probe.reset()
                    files += 1
                    do {
                        try reader.read(path)
                    } catch let error as FlipError {
                        refused += 1
                        #expect(error.description.contains(path), "\(reader.name): \(error.description)")
                    }
                    #expect(probe.largestAllocation <= reader.bound(bytes.count),
                            "\(reader.name): allocated \(probe.largestAllocation) bytes for a \(bytes.count)-byte file")
                }
            }
        }
        print("reader fuzz: \(files) files, \(refused) refused with a named error, \(files - refused) read, 0 crashes")
        #expect(files >= 10_000)
        #expect(refused > files / 2)
    }
}

