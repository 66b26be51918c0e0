/// Features and labels of one split: features [n, d] (uint8 pixels or
/// float32), labels int32 [n] in 0..<classes.
public struct Dataset {
    public let features: Tensor
    public let labels: Tensor
    public let classes: Int
    public let name: String

    public init(features: Tensor, labels: Tensor, classes: Int, name: String) throws {
        try features.requireRank(2, "features")
        guard features.dtype != .int32 else { throw FlipError("features must be float32 or uint8, got int32") }
        try labels.requireDType(.int32, "labels")
        try labels.requireRank(1, "labels")
        guard features.rows == labels.count else {
            throw FlipError("\(features.rows) feature rows but \(labels.count) labels")
        }
        guard classes >= 2 else { throw FlipError("a dataset needs at least 2 classes, got \(classes)") }
        for (i, y) in labels.int32s.enumerated() where y < 0 || Int(y) >= classes {
            throw FlipError("label \(y) at row \(i + 1) is outside the class set 0..\(classes - 1)")
        }
        self.features = features
        self.labels = labels
        self.classes = classes
        self.name = name
    }

    public var count: Int { labels.count }
    public var dimension: Int { features.rowLength }

    /// The rows whose label is in `classes`, relabelled by position in that
    /// list: selecting [0, 1] of Fashion-MNIST gives T-shirt = 0, Trouser = 1.
    public func selectingClasses(_ keep: [Int]) throws -> Dataset {
        guard keep.count >= 2 else { throw FlipError("a class subset needs at least 2 classes, got \(keep.count)") }
        var newLabel = [Int32](repeating: -1, count: classes)
        for (position, c) in keep.enumerated() {
            guard c >= 0, c < classes else { throw FlipError("class \(c) is not in 0..\(classes - 1)") }
            guard newLabel[c] < 0 else { throw FlipError("class \(c) is listed twice") }
            newLabel[c] = Int32(position)
        }
        var rows: [Int32] = []
        var relabelled: [Int32] = []
        for (i, y) in labels.int32s.enumerated() where newLabel[Int(y)] >= 0 {
            rows.append(Int32(i))
            relabelled.append(newLabel[Int(y)])
        }
        let subset = try features.gatherRows(try Tensor(int32: rows))
        return try Dataset(features: subset, labels: try Tensor(int32: relabelled), classes: keep.count,
                           name: "\(name)[\(keep.map(String.init).joined(separator: ","))]")
    }
}
