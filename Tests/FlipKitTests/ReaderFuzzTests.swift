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

    /// The gzip readers, each with a seed file it reads whole.
    static let gzipReaders: [(name: String, seed: [UInt8], read: @Sendable (String) throws -> Void)] = [
        ("idx", idxSeed(), { _ = try IDXReader.read(path: $0) }),
        ("cifar10", cifarSeed(labelBytes: 1), { _ = try CIFARReader.read(paths: [$0], labels: .cifar10) }),
        ("cifar100", cifarSeed(labelBytes: 2), { _ = try CIFARReader.read(paths: [$0], labels: .fine) }),
        ("csv", csvSeed, { _ = try CSVReader.read(path: $0) }),
    ]

    static func refusal(_ read: (String) throws -> Void, _ path: String) -> String? {
        do {
            try read(path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aGzipFileCutAnywhereIsRefused() throws {
        let folder = try TestFolder()
        for reader in ReaderFuzzTests.gzipReaders {
            let gz = Array(try Data(contentsOf: URL(fileURLWithPath: folder.gzip(try folder.write("whole-\(reader.name)", reader.seed)))))
            #expect(ReaderFuzzTests.refusal(reader.read, folder.url.path + "/whole-\(reader.name).gz") == nil)
            let path = folder.url.path + "/cut-\(reader.name).gz"
            // Every cut after the gzip header, the trailer's 8 bytes (CRC and length) included.
            for cut in 10..<gz.count {
                try folder.write("cut-\(reader.name).gz", Array(gz.prefix(cut)))
                let message = ReaderFuzzTests.refusal(reader.read, path) ?? "read"
                let named = message.contains(path) && message.contains("truncated")
                #expect(named, "\(reader.name) cut at \(cut) of \(gz.count): \(message)")
            }
        }
    }

    @Test func trailingGarbageAfterTheLastMemberIsRefused() throws {
        let folder = try TestFolder()
        let g = Generator(seed: 5)
        for reader in ReaderFuzzTests.gzipReaders {
            let gz = Array(try Data(contentsOf: URL(fileURLWithPath: folder.gzip(try folder.write("seed-\(reader.name)", reader.seed)))))
            let path = folder.url.path + "/tail-\(reader.name).gz"
            let tails: [[UInt8]] = [[0], [0x1F], [0, 0, 0, 0], Array("garbage".utf8)] + (0..<20).map { _ in
                var tail = (0..<1 + g.below(300)).map { _ in UInt8(g.below(256)) }
                if tail[0] == 0x1F { tail[0] = 0 }
                return tail
            }
            for tail in tails {
                try folder.write("tail-\(reader.name).gz", gz + tail)
                let message = ReaderFuzzTests.refusal(reader.read, path) ?? "read"
                let expected = "\(path): trailing garbage after the last gzip member (at byte \(gz.count) of \(gz.count + tail.count))"
                #expect(message == expected, "\(reader.name) + \(tail.count) bytes")
            }
        }
    }

    @Test func membersOneAfterAnotherReadAsOneFile() throws {
        let folder = try TestFolder()
        let seed = ReaderFuzzTests.cifarSeed(labelBytes: 1)
        let first = try Data(contentsOf: URL(fileURLWithPath: folder.gzip(try folder.write("a", Array(seed.prefix(1000))))))
        let second = try Data(contentsOf: URL(fileURLWithPath: folder.gzip(try folder.write("b", Array(seed.dropFirst(1000))))))
        let path = try folder.write("two.gz", Array(first + second))
        let (features, labels) = try CIFARReader.read(paths: [path], labels: .cifar10)
        let (expected, _) = try CIFARReader.read(paths: [try folder.write("raw", seed)], labels: .cifar10)
        #expect(labels.int32Values == [1, 2])
        #expect(features.byteValues == expected.byteValues)
    }
}
