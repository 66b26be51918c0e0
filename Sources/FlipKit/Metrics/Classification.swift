/// Classification metrics from predicted and true labels (int32, same length).
public struct ConfusionMatrix {
    public let classes: Int
    /// counts[truth * classes + predicted]
    public let counts: [Int]
    public let total: Int
    public static let maxClasses = 4096

    /// Counts over `classes` classes (labels must lie in 0..<classes).
    public init(predicted: Tensor, truth: Tensor, classes: Int) throws {
        try predicted.requireDType(.int32, "predictions")
        try truth.requireDType(.int32, "labels")
        guard predicted.count == truth.count else {
            throw FlipError("\(predicted.count) predictions but \(truth.count) labels")
        }
        // classes² counts are held densely: 4096 classes already take 128 MiB.
        guard classes >= 1, classes <= ConfusionMatrix.maxClasses else {
            throw FlipError("a confusion matrix needs 1 to \(ConfusionMatrix.maxClasses) classes, got \(classes)")
        }
        var counts = [Int](repeating: 0, count: classes * classes)
        for i in 0..<truth.count {
            let (t, p) = (Int(truth.int32s[i]), Int(predicted.int32s[i]))
            guard t >= 0, t < classes else { throw FlipError("label \(t) at row \(i + 1) is not a class 0..\(classes - 1)") }
            guard p >= 0, p < classes else { throw FlipError("prediction \(p) at row \(i + 1) is not a class 0..\(classes - 1)") }
            counts[t * classes + p] += 1
        }
        self.classes = classes
        self.counts = counts
        total = truth.count
    }

    /// The smallest class count covering every label in `tensors`.
    public static func classCount(_ tensors: Tensor...) -> Int {
        let top = tensors.compactMap { $0.int32s.max() }.max() ?? 0
        return max(Int(top) + 1, 1)
    }

    public subscript(truth: Int, predicted: Int) -> Int { counts[truth * classes + predicted] }

    public var accuracy: Double {
        guard total > 0 else { return .nan }
        return Double((0..<classes).reduce(0) { $0 + self[$1, $1] }) / Double(total)
    }

    /// F1 of each class: 2·TP / (2·TP + FP + FN); nil for a class that
    /// neither occurs nor is predicted.
    public var f1PerClass: [Double?] {
        (0..<classes).map { c in
            let tp = self[c, c]
            let actual = (0..<classes).reduce(0) { $0 + self[c, $1] }
            let predicted = (0..<classes).reduce(0) { $0 + self[$1, c] }
            guard actual + predicted > 0 else { return nil }
            return 2 * Double(tp) / Double(actual + predicted)
        }
    }

    /// Mean F1 over the classes that occur in the labels or the predictions.
    public var macroF1: Double {
        let present = f1PerClass.compactMap { $0 }
        guard !present.isEmpty else { return .nan }
        return present.reduce(0, +) / Double(present.count)
    }
}
