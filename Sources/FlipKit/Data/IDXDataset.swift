/// MNIST-format datasets in IDX files (Fashion-MNIST, MNIST).
public enum IDXDataset: String, CaseIterable, Sendable {
    case fashionMNIST = "fashion-mnist"
    case mnist

    public enum Split: String, CaseIterable, Sendable { case train, test }

    /// Where one split's files are: a split needs only its own two files.
    func locator(_ split: Split) -> DatasetLocator {
        let prefix = split == .train ? "train" : "t10k"
        let files = ["\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte"]
        switch self {
        case .fashionMNIST:
            return DatasetLocator(
                name: rawValue, files: files, systemDirectory: "/usr/share/datasets/fashion-mnist",
                howToObtain: "install Debian's package: apt-get install dataset-fashion-mnist")
        case .mnist:
            return DatasetLocator(
                name: rawValue, files: files, systemDirectory: nil,
                howToObtain: "place MNIST's official IDX files in one of these folders")
        }
    }

    /// Loads one split; pixels stay uint8, [n, 784].
    public func load(split: Split, directory: String? = nil, environment: [String: String]) throws -> Dataset {
        let dir = try locator(split).locate(directory: directory, environment: environment)
        let prefix = split == .train ? "train" : "t10k"
        guard let imagesPath = DatasetLocator.resolve(dir, "\(prefix)-images-idx3-ubyte"),
            let labelsPath = DatasetLocator.resolve(dir, "\(prefix)-labels-idx1-ubyte")
        else { throw FlipError("dataset '\(rawValue)': files vanished from \(dir)") }
        // Both datasets hold 28×28 images: any other shape is a different (or broken) file.
        let images = try IDXReader.read(path: imagesPath, itemShape: [28, 28], of: rawValue)
        let labels = try IDXReader.read(path: labelsPath, itemShape: [], of: rawValue)
        guard images.rows == labels.count else {
            throw FlipError("\(imagesPath) has \(images.rows) images but \(labelsPath) has \(labels.count) labels")
        }
        do {
            return try Dataset(features: images, labels: labels, classes: 10, name: "\(rawValue)/\(split.rawValue)")
        } catch let error as FlipError {
            throw FlipError("\(labelsPath): \(error.description)")
        }
    }
}
