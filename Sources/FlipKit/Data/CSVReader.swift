/// Reader for CSV files of numeric features and one label column (raw or gzip).
/// A first row with a non-numeric feature field is a header. Labels that are all
/// non-negative integers are used as class numbers; otherwise each distinct text
/// becomes a class, numbered in sorted order.
public enum CSVReader {
    public enum LabelColumn: Sendable, Equatable {
        case last
        case index(Int)  // 0-based
        case name(String)
    }

    public struct Result {
        public let dataset: Dataset
        public let featureNames: [String]
        public let classNames: [String]
    }

    public static func read(path: String, label: LabelColumn = .last, delimiter: UInt8 = UInt8(ascii: ",")) throws -> Result {
        let file = try CompressedFile(path: path)
        let bytes = try file.readAll()
        // The parsed rows are charged as they grow (a small .gz can hold millions of them).
        let valuesBudget = ReaderBudget(path: path), labelsBudget = ReaderBudget(path: path)
        var header: [String]?
        var width = 0
        var labelIndex = 0
        var values: [Float] = []
        var labelTexts: [String] = []
        var firstDataLine = 0
        try forEachRecord(bytes, delimiter: delimiter) { line, fields in
            if width == 0 {
                width = fields.count
                guard width >= 2 else { throw FlipError("\(path): line \(line) has \(width) field; need features and a label") }
                if fields.contains(where: { Double($0) == nil }) {
                    header = fields
                }
                labelIndex = try resolve(label, header: header, width: width, path: path)
                if header != nil { return }
            }
            guard fields.count == width else {
                throw FlipError("\(path): line \(line) has \(fields.count) fields, expected \(width)")
            }
            if firstDataLine == 0 { firstDataLine = line }
            let rowCount = labelTexts.count + 1
            try valuesBudget.reserve(&values, for: values.count + width - 1, what: "the features of \(rowCount) rows")
            try labelsBudget.reserve(&labelTexts, for: rowCount, what: "the labels of \(rowCount) rows")
            for (k, field) in fields.enumerated() {
                if k == labelIndex {
                    labelTexts.append(field)
                } else if let v = Double(field), v.isFinite {
                    values.append(Float(v))
                } else {
                    throw FlipError("\(path): line \(line), column \(k + 1) ('\(field.prefix(40))') is not a finite number")
                }
            }
        }
        guard width > 0 else { throw FlipError("\(path): no rows") }
        guard !labelTexts.isEmpty else { throw FlipError("\(path): no data rows") }
        try labelsBudget.add(labelTexts.count * MemoryLayout<Int32>.stride, for: "the class numbers of \(labelTexts.count) rows")
        let (labels, classNames) = try encodeLabels(labelTexts, path: path)
        let features: Tensor
        do { features = try Tensor(values, shape: [labelTexts.count, width - 1]) } catch let error as FlipError {
            throw FlipError("\(path): \(error.description)")
        }
        var names = header ?? (0..<width).map { "column \($0 + 1)" }
        names.remove(at: labelIndex)
        guard classNames.count >= 2 else {
            throw FlipError("\(path): the label column holds a single class ('\(classNames.first ?? "")'); need at least 2")
        }
        let dataset = try Dataset(features: features, labels: try Tensor(int32: labels), classes: classNames.count,
                                  name: String(path.split(separator: "/").last ?? Substring(path)))
        withExtendedLifetime((file, valuesBudget, labelsBudget)) {}
        return Result(dataset: dataset, featureNames: names, classNames: classNames)
    }

    private static func resolve(_ label: LabelColumn, header: [String]?, width: Int, path: String) throws -> Int {
        switch label {
        case .last: return width - 1
        case .index(let i):
            guard i >= 0, i < width else { throw FlipError("\(path): label column \(i + 1) out of range 1..\(width)") }
            return i
        case .name(let name):
            guard let header else { throw FlipError("\(path): no column named '\(name)' (the file has no header)") }
            guard let i = header.firstIndex(of: name) else {
                throw FlipError("\(path): no column named '\(name)'; columns are \(header.joined(separator: ", "))")
            }
            return i
        }
    }

    /// The most classes a file may define: as many as a classifier takes.
    public static let maxClasses = 1 << 16

    /// Integer labels (all ≥ 0) keep their numbers; any other texts are numbered in sorted order.
    private static func encodeLabels(_ texts: [String], path: String) throws -> ([Int32], [String]) {
        let numbers = texts.compactMap { Int32($0) }.filter { $0 >= 0 }
        if numbers.count == texts.count {
            let top = Int(numbers.max() ?? 0)
            guard top < maxClasses else {
                let row = (numbers.firstIndex(of: Int32(top)) ?? 0) + 1
                throw FlipError("\(path): label \(top) (data row \(row)) is not a class number 0..\(maxClasses - 1)")
            }
            return (numbers, (0...max(top, 1)).map(String.init))
        }
        let names = Array(Set(texts)).sorted()
        guard names.count <= maxClasses else {
            throw FlipError("\(path): the label column holds \(names.count) distinct labels, more than the \(maxClasses) classes a dataset may have")
        }
        var index: [String: Int32] = [:]
        for (i, name) in names.enumerated() { index[name] = Int32(i) }
        return (texts.map { index[$0] ?? 0 }, names)
    }

    /// Calls `body(line, fields)` for each non-empty record. Fields are trimmed of
    /// spaces; double quotes protect delimiters and newlines.
    static func forEachRecord(_ bytes: [UInt8], delimiter: UInt8, _ body: (Int, [String]) throws -> Void) throws {
        var fields: [String] = []
        var current: [UInt8] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        func endField() {
            fields.append(String(decoding: current, as: UTF8.self).trimmingSpaces())
            current.removeAll(keepingCapacity: true)
        }
        func endRecord() throws {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { try body(recordLine, fields) }
            fields.removeAll(keepingCapacity: true)
        }
        for b in bytes {
            if b == UInt8(ascii: "\n") { line += 1 }
            if inQuotes {
                if b == UInt8(ascii: "\"") { inQuotes = false } else { current.append(b) }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inQuotes = true
            case delimiter: endField()
            case UInt8(ascii: "\n"):
                try endRecord()
                recordLine = line
            case UInt8(ascii: "\r"): break
            default: current.append(b)
            }
        }
        if !current.isEmpty || !fields.isEmpty { try endRecord() }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
