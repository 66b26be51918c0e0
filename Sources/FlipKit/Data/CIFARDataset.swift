/// CIFAR-10 and CIFAR-100 from their official binary files.
public enum CIFARDataset: String, CaseIterable, Sendable {
    case cifar10
    case cifar100

    var trainFiles: [String] {
        self == .cifar10 ? (1...5).map { "data_batch_\($0).bin" } : ["train.bin"]
    }
    var testFiles: [String] { self == .cifar10 ? ["test_batch.bin"] : ["test.bin"] }

    /// Where one split's files are: a split needs only its own.
    func locator(_ split: IDXDataset.Split) -> DatasetLocator {
        let archive = self == .cifar10 ? "cifar-10-binary.tar.gz" : "cifar-100-binary.tar.gz"
        return DatasetLocator(
            name: rawValue, files: split == .train ? trainFiles : testFiles, systemDirectory: nil,
            howToObtain: "get \(archive) (the binary version) from the CIFAR website and extract its .bin files into one of these folders")
    }

    /// Loads one split; pixels stay uint8 [n, 3072]. For CIFAR-100, `fine` selects
    /// the 100 fine labels, otherwise the 20 coarse ones.
    public func load(split: IDXDataset.Split, directory: String? = nil, environment: [String: String], fine: Bool = true) throws -> Dataset {
        let dir = try locator(split).locate(directory: directory, environment: environment)
        let names = split == .train ? trainFiles : testFiles
        let paths = try names.map { name in
            guard let path = DatasetLocator.resolve(dir, name) else { throw FlipError("dataset '\(rawValue)': \(name) vanished from \(dir)") }
            return path
        }
        let kind: CIFARReader.Labels = self == .cifar10 ? .cifar10 : (fine ? .fine : .coarse)
        let (features, labels) = try CIFARReader.read(paths: paths, labels: kind)
        return try Dataset(features: features, labels: labels, classes: kind.classes, name: "\(rawValue)/\(split.rawValue)")
    }
}
