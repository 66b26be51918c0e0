@testable import FlipKit
import Foundation
import Testing

@Suite struct IDXReaderTests {
    let folder: TestFolder
    var dir: URL { folder.url }

    init() throws { folder = try TestFolder() }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    static func idx(dims: [UInt32], data: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
        [0, 0, type, UInt8(dims.count)] + dims.flatMap(bigEndian) + data
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String { try folder.write(name, bytes) }
    func gzip(_ path: String) throws -> String { try folder.gzip(path) }

    func refusal(_ path: String) -> String {
        do {
            _ = try IDXReader.read(path: path)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test func imagesAndLabelsReadBackExactlyRawAndGzip() throws {
        let pixels: [UInt8] = (0..<24).map { UInt8(($0 * 37) % 256) }
        let images = try write("imgs", IDXReaderTests.idx(dims: [2, 3, 4], data: pixels))
        let labels = try write("labels", IDXReaderTests.idx(dims: [5], data: [9, 0, 3, 3, 1]))
        for path in [images, try gzip(images)] {
            let t = try IDXReader.read(path: path)
            #expect(t.dtype == .uint8)
            #expect(t.shape == [2, 12])
            #expect(t.byteValues == pixels)
        }
        for path in [labels, try gzip(labels)] {
            let t = try IDXReader.read(path: path)
            #expect(t.dtype == .int32)
            #expect(t.int32Values == [9, 0, 3, 3, 1])
        }
    }

    @Test func malformedFilesAreRefusedNamingTheFile() throws {
        let good = IDXReaderTests.idx(dims: [4, 2, 2], data: [UInt8](repeating: 7, count: 16))
        let truncated = try write("truncated", Array(good.prefix(good.count - 3)))
        #expect(refusal(truncated).contains("\(truncated): declared dimensions [4, 2, 2] need 32 bytes, but the file has 29"))
        let truncatedGz = try gzip(truncated)
        #expect(refusal(truncatedGz).contains("\(truncatedGz): truncated"))
        let magic = try write("magic", [0x12, 0x34] + good.dropFirst(2))
        #expect(refusal(magic).contains("\(magic): not an IDX file (bad magic number 0x12340803)"))
        let floats = try write("floats", IDXReaderTests.idx(dims: [1], data: [0, 0, 0, 0], type: 0x0D))
        #expect(refusal(floats).contains("\(floats): IDX type 0xd (float32 data) is not supported"))
        let long = try write("long", good + [1, 2])
        #expect(refusal(long).contains("\(long): data continues past the 16 bytes"))
        let huge = try write("huge", IDXReaderTests.idx(dims: [0xFFFF_FFFF, 0xFFFF_FFFF, 1], data: [1, 2, 3]))
        #expect(refusal(huge).contains("\(huge): declared dimensions"))
        let hugeGz = try gzip(try write("huge2", IDXReaderTests.idx(dims: [60000, 28, 28], data: [1, 2, 3])))
        #expect(refusal(hugeGz).contains("cannot hold that many"))
        let empty = try write("empty", [])
        #expect(refusal(empty).contains("\(empty): truncated"))
        let badRank = try write("rank", [0, 0, 8, 9])
        #expect(refusal(badRank).contains("declares 9 dimensions"))
        let corruptGz = try write("corrupt.gz", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + [UInt8](repeating: 0xFF, count: 40))
        #expect(refusal(corruptGz).contains(corruptGz))
        #expect(refusal(dir.appendingPathComponent("absent").path).contains("absent: cannot open"))
        #expect(refusal(dir.path).contains("not a regular file"))
    }

    @Test func datasetsAreFoundOrTheErrorSaysWhereItLooked() throws {
        let data = dir.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let pixels: [UInt8] = (0..<(3 * 784)).map { UInt8($0 % 251) }
        let images = IDXReaderTests.idx(dims: [3, 28, 28], data: pixels)
        let labels = IDXReaderTests.idx(dims: [3], data: [1, 0, 7])
        for prefix in ["train", "t10k"] {
            _ = try write("mnist/\(prefix)-images-idx3-ubyte", images)
            _ = try gzip(try write("mnist/\(prefix)-labels-idx1-ubyte", labels))
            try FileManager.default.removeItem(at: data.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
        let viaEnvironment = try IDXDataset.mnist.load(split: .test, environment: ["FLIPSIDE_DATA": dir.path])
        #expect(viaEnvironment.labels.int32Values == [1, 0, 7])
        let subset = try viaEnvironment.selectingClasses([7, 1])
        #expect(subset.labels.int32Values == [1, 0])
        let kept: [UInt8] = Array(pixels[0..<784] + pixels[(2 * 784)...])
        #expect(subset.features.byteValues == kept)

        let elsewhere = dir.appendingPathComponent("nowhere").path
        do {
            _ = try IDXDataset.mnist.load(split: .train, directory: elsewhere, environment: [:])
            Issue.record("found a dataset in an empty folder")
        } catch let error as FlipError {
            for file in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", elsewhere] {
                #expect(error.description.contains(file))
            }
            #expect(!error.description.contains("t10k"), "a split needs only its own files")
        }
        // A folder holding only the test split's files loads the test split.
        let testOnly = dir.appendingPathComponent("test-only")
        try FileManager.default.createDirectory(at: testOnly, withIntermediateDirectories: true)
        for file in ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
            guard let source = DatasetLocator.resolve(data.path, file) else { Issue.record("no \(file)"); return }
            try FileManager.default.copyItem(atPath: source, toPath: testOnly.path + "/" + URL(fileURLWithPath: source).lastPathComponent)
        }
        #expect(try IDXDataset.mnist.load(split: .test, directory: testOnly.path, environment: [:]).count == viaEnvironment.count)
    }

    @Test func datasetImagesMustHaveTheDatasetsShape() throws {
        /// A dataset folder of four files; returns the test split's images and labels paths.
        func dataset(_ folder: TestFolder, _ name: String, images: [UInt8], labels: [UInt8]) throws -> (String, String) {
            var paths: [String] = []
            for prefix in ["train", "t10k"] {
                paths = [try folder.write("\(name)/\(prefix)-images-idx3-ubyte", images), try folder.write("\(name)/\(prefix)-labels-idx1-ubyte", labels)]
            }
            return (paths[0], paths[1])
        }
        let labels = IDXReaderTests.idx(dims: [3], data: [1, 0, 7])
        for (dims, got) in [([3, 27, 28], "items of 27×28"), ([3, 784], "items of 784"), ([3, 28, 28, 1], "items of 28×28×1")] as [([UInt32], String)] {
            let folder = try TestFolder()
            let count = dims.dropFirst().reduce(1) { $0 * Int($1) } * 3
            let (images, _) = try dataset(folder, "mnist", images: IDXReaderTests.idx(dims: dims, data: [UInt8](repeating: 1, count: count)),
                                          labels: labels)
            #expect(throws: FlipError("\(images): \(got); mnist has items of 28×28"), "\(dims)") {
                try IDXDataset.mnist.load(split: .test, directory: folder.url.path + "/mnist", environment: [:])
            }
        }
        let folder = try TestFolder()
        let (_, badLabels) = try dataset(folder, "f", images: IDXReaderTests.idx(dims: [1, 28, 28], data: [UInt8](repeating: 1, count: 784)),
                                         labels: IDXReaderTests.idx(dims: [1, 1], data: [1]))
        #expect(throws: FlipError("\(badLabels): items of 1; fashion-mnist has labels (1 dimension)")) {
            try IDXDataset.fashionMNIST.load(split: .test, directory: folder.url.path + "/f", environment: [:])
        }
    }
}
