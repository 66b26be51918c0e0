import FlipKit
import LuaHost

/// Argument readers shared by the bindings. Lua sees 1-based row indices; the
/// engine works 0-based: conversions happen here and nowhere else.
extension LuaCall {
    func tensor(_ i: Int32) throws -> Tensor { try object(i, Tensor.self) }

    func generator(_ i: Int32) throws -> Generator { try object(i, Generator.self) }

    /// A tensor shape: one integer, a table of integers, or integers i, i+1, ...
    /// up to the first non-number argument. Returns the shape and the next argument index.
    /// With `variadic` false only a single integer or a table is read.
    func shape(from i: Int32, variadic: Bool = true) throws -> (shape: [Int], next: Int32) {
        if type(i) == LUA_TABLE_TYPE {
            let dims = try table(i).numbers()
            return (try dims.enumerated().map { n, d in try dimension(d, argument: i, position: n + 1) }, i + 1)
        }
        var dims: [Int] = []
        var k = i
        while type(k) == LUA_NUMBER_TYPE && (variadic || k == i) {
            dims.append(try dimension(try number(k), argument: k, position: nil))
            k += 1
        }
        guard !dims.isEmpty else { throw argumentError(i, expected: "shape (integer or table of integers)") }
        return (dims, k)
    }

    private func dimension(_ d: Double, argument: Int32, position: Int?) throws -> Int {
        let at = position.map { "dimension \($0): " } ?? ""
        guard d == d.rounded(), d >= 0, d <= Double(Tensor.maxElements) else {
            throw LuaArgumentError(argument, "\(at)size must be a non-negative integer, got \(formatNumber(d))")
        }
        return Int(d)
    }

    /// 1-based row indices given as an int32 tensor or a table of integers,
    /// returned 0-based; each must be in 1...limit.
    func rowIndices(_ i: Int32, limit: Int) throws -> Tensor {
        if let t = try objectIfPresent(i, Tensor.self) {
            guard t.dtype == .int32, t.rank == 1 else {
                throw LuaArgumentError(i, "1-D int32 index tensor expected, got \(t.dtype.rawValue) \(t.shapeText)")
            }
            // Checked and converted in one pass, into storage that reports a failed allocation.
            let rows = try Tensor(zeros: [t.count], dtype: .int32)
            for n in 0..<t.count {
                let v = t.int32s[n]
                guard v >= 1, Int(v) <= limit else {
                    throw LuaArgumentError(i, "index \(v) at position \(n + 1) out of range 1..\(limit)")
                }
                rows.int32s[n] = v - 1
            }
            return rows
        }
        guard type(i) == LUA_TABLE_TYPE else { throw argumentError(i, expected: "index tensor or table") }
        let values = try table(i).numbers()
        var rows = [Int32](repeating: 0, count: values.count)
        for (n, v) in values.enumerated() {
            // A tensor of 0-wide rows can have more rows than an int32 counts.
            guard v == v.rounded(), v >= 1, v <= Double(min(limit, Int(Int32.max))) else {
                throw LuaArgumentError(i, "index \(formatNumber(v)) at position \(n + 1) out of range 1..\(limit)")
            }
            rows[n] = Int32(v) - 1
        }
        return try Tensor(int32: rows)
    }

    /// Integers (rows or labels, named by `what`) given as an int32 tensor or a table.
    func integers(_ i: Int32, what: String) throws -> [Int32] {
        if let t = try objectIfPresent(i, Tensor.self) {
            guard t.dtype == .int32, t.rank == 1 else {
                throw LuaArgumentError(i, "1-D int32 tensor of \(what)s expected, got \(t.dtype.rawValue) \(t.shapeText)")
            }
            return t.int32Values
        }
        guard type(i) == LUA_TABLE_TYPE else { throw argumentError(i, expected: "\(what) tensor or table") }
        return try table(i).numbers().enumerated().map { n, v in
            guard v == v.rounded(), abs(v) <= Double(Int32.max) else {
                throw LuaArgumentError(i, "\(what) \(formatNumber(v)) at position \(n + 1) is not an integer")
            }
            return Int32(v)
        }
    }

    /// Pushes an engine index tensor (0-based) as a 1-based int32 tensor.
    func pushOneBased(_ rows: [Int32]) throws {
        try push(try Tensor(int32: rows.map { $0 + 1 }))
    }

    func pushTensor(_ t: Tensor) throws { try push(t) }
}


extension LuaCall {
    /// Runs `body`, reporting an engine error as a bad argument `i`.
    func blaming<R>(_ i: Int32, _ body: () throws -> R) throws -> R {
        do { return try body() } catch let e as FlipError { throw LuaArgumentError(i, e.description) }
    }

    /// Optional 1-based rows at argument `i` (nil or absent: every row).
    func optionalRows(_ i: Int32, limit: Int) throws -> Tensor? {
        isNoneOrNil(i) ? nil : try rowIndices(i, limit: limit)
    }

    /// Optional labels at argument `i`: an int32 tensor or a table of integers.
    func optionalLabels(_ i: Int32) throws -> Tensor? {
        isNoneOrNil(i) ? nil : try Tensor(int32: try integers(i, what: "label"))
    }
}

extension Tensor: LuaExternalMemory {
    public var externalBytes: Int { count * dtype.byteWidth }
}

extension Model: LuaExternalMemory {
    public var externalBytes: Int { parameterCount * 4 }
}

extension LuaTable {
    /// Refuses a key that `fields` (an options table's declaration in the Reference) does not declare.
    func requireDeclared(_ fields: [FieldDoc]) throws { try rejectUnknownKeys(fields.map(\.name)) }

    /// The option `data`, a dataset table {x, y} of tensors.
    func dataset(_ call: LuaCall) throws -> (x: Tensor, y: Tensor) {
        try withField("data") { top in
            guard call.type(top) == LUA_TABLE_TYPE else { throw fieldError("data", "dataset table {x, y} expected, got \(call.typeName(top))") }
            let data = nested(at: top)
            guard let x = try data.object("x", Tensor.self), let y = try data.object("y", Tensor.self) else {
                throw fieldError("data", "dataset table {x, y} expected")
            }
            return (x, y)
        }
    }
}
