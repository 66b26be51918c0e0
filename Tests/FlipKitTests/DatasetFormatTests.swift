@testable import FlipKit
import Testing

@Suite struct DatasetFormatTests {
    static func cifarRecords(_ labels: [[UInt8]], seed: UInt64) -> ([UInt8], [[UInt8]]) {
        let g = Generator(seed: seed)
        var bytes: [UInt8] = []
        var images: [[UInt8]] = []
        for label in labels {
            let image = (0..<3072).map { _ in UInt8(g.below(256)) }
            bytes += label + image
            images.append(image)
        }
        return (bytes, images)
    }

    @Test func cifar10ReadsBackExactlyAcrossBatches() throws {
        let folder = try TestFolder()
        var expectedImages: [[UInt8]] = []
        var expectedLabels: [Int32] = []
        for b in 1...5 {
            let labels: [[UInt8]] = [[UInt8(b)], [UInt8(9 - b)]]
            let (bytes, images) = DatasetFormatTests.cifarRecords(labels, seed: UInt64(b))
            let path = try folder.write("c10/data_batch_\(b).bin", bytes)
            if b == 3 { _ = try folder.gzip(path) }
            expectedImages += images
            expectedLabels += labels.map { Int32($0[0]) }
        }
        let (test, _) = DatasetFormatTests.cifarRecords([[4]], seed: 9)
        try folder.write("c10/test_batch.bin", test)
        let train = try CIFARDataset.cifar10.load(split: .train, directory: folder.url.path + "/c10", environment: [:])
        #expect(train.features.shape == [10, 3072])
        #expect(train.labels.int32Values == expectedLabels)
        #expect(train.features.byteValues == expectedImages.flatMap { $0 })
        #expect(try CIFARDataset.cifar10.load(split: .test, directory: folder.url.path + "/c10", environment: [:]).count == 1)
    }

    @Test func cifar100HasCoarseAndFineLabels() throws {
        let folder = try TestFolder()
        let (bytes, images) = DatasetFormatTests.cifarRecords([[3, 77], [19, 99]], seed: 4)
        try folder.write("c100/train.bin", bytes)
        try folder.write("c100/test.bin", Array(bytes.prefix(3074)))
        let dir = folder.url.path + "/c100"
        let fine = try CIFARDataset.cifar100.load(split: .train, directory: dir, environment: [:], fine: true)
        let coarse = try CIFARDataset.cifar100.load(split: .train, directory: dir, environment: [:], fine: false)
        #expect(fine.labels.int32Values == [77, 99])
        #expect(fine.classes == 100)
        #expect(coarse.labels.int32Values == [3, 19])
        #expect(coarse.classes == 20)
        #expect(fine.features.byteValues == images.flatMap { $0 })
    }

    @Test func cifarRefusesBrokenRecords() throws {
        let folder = try TestFolder()
        let short = try folder.write("short.bin", [UInt8](repeating: 1, count: 3072))
        #expect(throws: FlipError.self) { try CIFARReader.read(paths: [short], labels: .cifar10) }
        let badLabel = try folder.write("label.bin", [12] + [UInt8](repeating: 0, count: 3072))
        do {
            _ = try CIFARReader.read(paths: [badLabel], labels: .cifar10)
            Issue.record("accepted label 12")
        } catch let error as FlipError {
            #expect(error.description == "\(badLabel): record 1 has label 12; cifar10 labels are 0..9")
        }
    }

    @Test func csvReadsFeaturesAndLabels() throws {
        let folder = try TestFolder()
        let path = try folder.write("iris.csv", text: "a, b ,species\n1.5,2,setosa\r\n-3,4e1,virginica\n\n0,0.25,setosa\n")
        let result = try CSVReader.read(path: path, label: .name("species"))
        #expect(result.featureNames == ["a", "b"])
        #expect(result.classNames == ["setosa", "virginica"])
        #expect(result.dataset.features.floatValues == [1.5, 2, -3, 40, 0, 0.25])
        #expect(result.dataset.labels.int32Values == [0, 1, 0])
        let numeric = try folder.write("n.csv", text: "2,0.5,1\n0,1.5,0\n")
        let byIndex = try CSVReader.read(path: numeric, label: .index(0))
        #expect(byIndex.dataset.labels.int32Values == [2, 0])
        #expect(byIndex.dataset.classes == 3)
        #expect(byIndex.dataset.features.floatValues == [0.5, 1, 1.5, 0])
    }

    @Test func csvErrorsNameFileLineAndColumn() throws {
        let folder = try TestFolder()
        func message(_ text: String, _ label: CSVReader.LabelColumn = .last) throws -> String {
            let path = try folder.write("bad.csv", text: text)
            do {
                _ = try CSVReader.read(path: path, label: label)
                return "accepted"
            } catch {
                return "\(error)".replacingOccurrences(of: path, with: "FILE")
            }
        }
        #expect(try message("x,y\n1,0\n2,abc,1\n") == "FILE: line 3 has 3 fields, expected 2")
        #expect(try message("1,2,0\n3,zz,1\n") == "FILE: line 2, column 2 ('zz') is not a finite number")
        #expect(try message("1,nan,0\n") == "FILE: line 1, column 2 ('nan') is not a finite number")
        #expect(try message("a,b\n") == "FILE: no data rows")
        #expect(try message("") == "FILE: no rows")
        #expect(try message("a,b\n1,2\n", .name("c")) == "FILE: no column named 'c'; columns are a, b")
        #expect(try message("1,b\n3,b\n") == "FILE: the label column holds a single class ('b'); need at least 2")
        // A class number is an index: 2e9 would have meant 2e9 class names (32 GB) and a crash.
        #expect(try message("1,0\n3,2000000000\n") == "FILE: label 2000000000 (data row 2) is not a class number 0..65535")
        #expect(try message("1,0\n3,65535\n") == "accepted")
        let names = (0...65536).map { "\($0 % 7).5,c\($0)" }.joined(separator: "\n")
        #expect(try message("x,label\n" + names) == "FILE: the label column holds 65537 distinct labels, more than the 65536 classes a dataset may have")
    }

    @Test func blobsAreSeededBalancedAndSeparable() throws {
        let a = try SyntheticBlobs.make(count: 301, dimension: 4, classes: 3, separation: 5, seed: 8)
        let b = try SyntheticBlobs.make(count: 301, dimension: 4, classes: 3, separation: 5, seed: 8)
        #expect(a.features.floatValues == b.features.floatValues)
        #expect(a.labels.int32Values == b.labels.int32Values)
        let counts = (0..<3).map { c in a.labels.int32s.filter { $0 == c }.count }
        #expect(counts.max()! - counts.min()! <= 1)
        #expect(throws: FlipError.self) { try SyntheticBlobs.make(count: 10, dimension: 2, classes: 1, separation: 1, seed: 1) }
    }

    @Test func normalisationIsFittedOnTrainAndAppliedToTest() throws {
        let train = try Tensor([0, 10, 5, 10, 10, 10], shape: [3, 2])
        let test = try Tensor([20, 10], shape: [1, 2])
        let minmax = try Normalizer(fitting: train, method: .minmax)
        #expect(try minmax.apply(train).floatValues == [0, 0, 0.5, 0, 1, 0])
        #expect(try minmax.apply(test).floatValues == [2, 0])
        let standard = try Normalizer(fitting: train, method: .standardize)
        let z = try standard.apply(train)
        #expect(abs(z.floats[0] + z.floats[2] + z.floats[4]) < 1e-6)
        #expect(abs(Double(z.floats[4]) - 1.224744871) < 1e-5)
        let pixels = try Tensor(zeros: [2, 2], dtype: .uint8)
        #expect(try Normalizer(fitting: pixels, method: .none).apply(pixels) === pixels)
        #expect(throws: FlipError.self) { try minmax.apply(try Tensor([1, 2, 3], shape: [1, 3])) }
    }
}
