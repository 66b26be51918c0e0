#if canImport(Glibc)
import Glibc
#endif
import FlipKit
import LuaHost

/// flipside.tensor: dense float32 / int32 / uint8 tensors. Indices are 1-based.
enum TensorModule {
    static func register(in vm: LuaVM) {
        vm.registerType(Tensor.self, name: "flipside.Tensor", methods: methods, metamethods: metamethods) { t in
            describe(t)
        }
    }

    /// A list of tensors at argument `i`.
    static func tensorList(_ call: LuaCall, _ i: Int32) throws -> [Tensor] {
        try call.table(i).mapElements { n, top in
            guard let t = try call.objectIfPresent(top, Tensor.self) else {
                throw LuaArgumentError(i, "element \(n): Tensor expected, got \(call.typeName(top))")
            }
            return t
        }
    }

    static func describe(_ t: Tensor) -> String {
        let shown = min(t.count, 8)
        let values = (0..<shown).map { i in
            t.dtype == .float32 ? String(t.floats[i]) : formatNumber(t.value(at: i))
        }.joined(separator: ", ")
        return "Tensor(\(t.isReadOnly ? "read-only " : "")\(t.dtype.rawValue) \(t.shapeText): \(values)\(t.count > shown ? ", ..." : ""))"
    }

    static let functions: [LuaFunction] = [
        LuaFunction("zeros") { call in try filled(call, value: 0) },
        LuaFunction("ones") { call in try filled(call, value: 1) },
        LuaFunction("full") { call in
            let (shape, next) = try call.shape(from: 1, variadic: false)
            let value = try call.number(next)
            let dtype = try call.option(next + 1, DType.self, default: .float32)
            let t = try Tensor(zeros: shape, dtype: dtype)
            do { try t.fill(value) } catch let e as FlipError { throw LuaArgumentError(next, e.description) }
            try call.push(t)
            return 1
        },
        LuaFunction("new") { call in
            let dtype = try call.option(2, DType.self, default: .float32)
            let (values, shape) = try nestedNumbers(call.table(1), argument: 1)
            let t = try Tensor(zeros: shape, dtype: dtype)
            for (i, v) in values.enumerated() {
                do { try t.checkRepresentable(v) } catch let e as FlipError {
                    throw LuaArgumentError(1, "element \(i + 1): \(e.description)")
                }
                t.setValue(v, at: i)
            }
            try call.push(t)
            return 1
        },
        LuaFunction("range") { call in
            let first = try call.integer(1)
            let last = try call.integer(2)
            guard first >= Int(Int32.min), last <= Int(Int32.max), last >= first - 1 else {
                throw LuaArgumentError(2, "range \(first)..\(last) is empty or too large")
            }
            // Filled in place: a Swift array of a script-chosen length would trap when it cannot be allocated.
            let t = try Tensor(zeros: [last - first + 1], dtype: .int32)
            for (k, value) in (first...max(first, last)).prefix(t.count).enumerated() { t.int32s[k] = Int32(value) }
            try call.push(t)
            return 1
        },
        // one_hot(labels, classes) -> float32 [n, classes]
        LuaFunction("one_hot") { call in
            let labels = try call.tensor(1)
            let classes = try call.integer(2, in: 1...65536)
            try call.push(try call.blaming(1) { try Tensor.oneHot(labels, classes: classes) })
            return 1
        },
        // where(mask, a, b) -> a where mask is non-zero, else b
        LuaFunction("where") { call in
            let (mask, a, b) = (try call.tensor(1), try call.tensor(2), try call.tensor(3))
            try call.push(try call.blaming(1) { try Tensor.choose(mask, a, b) })
            return 1
        },
        // cat(list) -> the tensors along the first dimension
        LuaFunction("cat") { call in
            let parts = try tensorList(call, 1)
            try call.push(try call.blaming(1) { try Tensor.concatenate(parts) })
            return 1
        },
        // stack(list) -> the tensors along a new first dimension
        LuaFunction("stack") { call in
            let parts = try tensorList(call, 1)
            try call.push(try call.blaming(1) { try Tensor.stack(parts) })
            return 1
        },
        LuaFunction("is_tensor") { call in
            call.push(try call.objectIfPresent(1, Tensor.self) != nil)
            return 1
        },
    ]

    private static func filled(_ call: LuaCall, value: Double) throws -> Int32 {
        let (shape, next) = try call.shape(from: 1)
        let dtype = try call.option(next, DType.self, default: .float32)
        let t = try Tensor(zeros: shape, dtype: dtype)
        if value != 0 { try t.fill(value) }
        try call.push(t)
        return 1
    }

    /// Numbers of a (possibly nested, rectangular) table, row-major, and its shape.
    static func nestedNumbers(_ table: LuaTable, argument: Int32) throws -> ([Double], [Int]) {
        let call = table.call
        let n = Int(lua_rawlen_of(call, table.index))
        if n == 0 { return ([], [0]) }
        if !table.firstElementIsTable() { return (try table.numbers(), [n]) }
        var values: [Double] = []
        var width: Int?
        for row in 1...n {
            let rowValues = try table.withElement(row) { index -> [Double] in
                guard call.type(index) == LUA_TABLE_TYPE else {
                    throw LuaArgumentError(argument, "row \(row): table expected, got \(call.typeName(index))")
                }
                return try call.table(index).numbers()
            }
            if let width, width != rowValues.count {
                throw LuaArgumentError(argument, "row \(row) has \(rowValues.count) elements, row 1 has \(width)")
            }
            width = rowValues.count
            values += rowValues
        }
        return (values, [n, width ?? 0])
    }

    // MARK: methods

    static let methods: [LuaFunction] = [
        LuaFunction("shape") { call in
            call.pushArray(try call.tensor(1).shape)
            return 1
        },
        LuaFunction("size") { call in
            let t = try call.tensor(1)
            if call.isNoneOrNil(2) {
                call.push(t.count)
            } else {
                let d = try call.integer(2, in: 1...max(t.rank, 1))
                call.push(t.rank == 0 ? 1 : t.shape[d - 1])
            }
            return 1
        },
        LuaFunction("dim") { call in call.push(try call.tensor(1).rank); return 1 },
        LuaFunction("numel") { call in call.push(try call.tensor(1).count); return 1 },
        LuaFunction("dtype") { call in call.push(try call.tensor(1).dtype.rawValue); return 1 },
        LuaFunction("nbytes") { call in
            let t = try call.tensor(1)
            call.push(t.count * t.dtype.byteWidth)
            return 1
        },
        LuaFunction("get") { call in
            let t = try call.tensor(1)
            let flat = try flatIndex(call, t, from: 2, count: call.count - 1)
            let v = t.value(at: flat)
            if t.dtype == .float32 { call.push(v) } else { call.push(Int(v)) }
            return 1
        },
        LuaFunction("set") { call in
            let t = try writableTensor(call)
            let n = call.count - 2
            let flat = try flatIndex(call, t, from: 2, count: n)
            let v = try call.number(call.count)
            do { try t.checkRepresentable(v) } catch let e as FlipError { throw LuaArgumentError(call.count, e.description) }
            t.setValue(v, at: flat)
            return 0
        },
        LuaFunction("fill") { call in
            let t = try writableTensor(call)
            do { try t.fill(try call.number(2)) } catch let e as FlipError { throw LuaArgumentError(2, e.description) }
            lua_pushvalue_of(call, 1)
            return 1
        },
        LuaFunction("rows") { call in
            let t = try call.tensor(1)
            try call.push(try t.gatherRows(try call.rowIndices(2, limit: t.rows)))
            return 1
        },
        // index_add(rows, source) -> a copy with row rows[i] increased by source's row i
        LuaFunction("index_add") { call in
            let t = try call.tensor(1)
            let rows = try call.rowIndices(2, limit: t.rows)
            let source = try call.tensor(3)
            try call.push(try call.blaming(3) { try t.addingRows(rows, source) })
            return 1
        },
        LuaFunction("clone") { call in try call.push(try call.tensor(1).clone()); return 1 },
        LuaFunction("readonly") { call in try call.push(try call.tensor(1).readOnlyView()); return 1 },
        LuaFunction("is_readonly") { call in call.push(try call.tensor(1).isReadOnly); return 1 },
        LuaFunction("float") { call in try call.push(try call.tensor(1).converted(to: .float32)); return 1 },
        LuaFunction("int") { call in try call.push(try call.tensor(1).converted(to: .int32)); return 1 },
        LuaFunction("byte") { call in try call.push(try call.tensor(1).converted(to: .uint8)); return 1 },
        LuaFunction("reshape") { call in
            let t = try call.tensor(1)
            let (shape, _) = try call.shape(from: 2)
            do { try call.push(try t.reshaped(shape)) } catch let e as FlipError { throw LuaArgumentError(2, e.description) }
            return 1
        },
        LuaFunction("t") { call in try call.push(try call.tensor(1).transposed()); return 1 },
        LuaFunction("add") { call in try arithmetic(call, .add) },
        LuaFunction("sub") { call in try arithmetic(call, .sub) },
        LuaFunction("mul") { call in try arithmetic(call, .mul) },
        LuaFunction("div") { call in try arithmetic(call, .div) },
        LuaFunction("sum") { call in try reduce(call, .sum) },
        LuaFunction("mean") { call in try reduce(call, .mean) },
        LuaFunction("min") { call in try reduce(call, .min) },
        LuaFunction("max") { call in try reduce(call, .max) },
        LuaFunction("argmin") { call in try reduce(call, .argmin) },
        LuaFunction("argmax") { call in try reduce(call, .argmax) },
        LuaFunction("lt") { call in try compare(call, .lt) },
        LuaFunction("le") { call in try compare(call, .le) },
        LuaFunction("gt") { call in try compare(call, .gt) },
        LuaFunction("ge") { call in try compare(call, .ge) },
        LuaFunction("eq") { call in try compare(call, .eq) },
        LuaFunction("ne") { call in try compare(call, .ne) },
        // nonzero(): 1-based positions of the non-zero elements
        LuaFunction("nonzero") { call in try call.pushOneBased(try call.tensor(1).nonzeroIndices().int32Values); return 1 },
        // pick(columns): t[i, columns[i]] for each row i of a 2-D tensor (1-based columns)
        LuaFunction("pick") { call in
            let t = try call.tensor(1)
            // Anything below 1 becomes -1, which the engine reports as out of range (-2^31 - 1 would overflow).
            let columns = try call.integers(2, what: "column").map { $0 >= 1 ? $0 - 1 : -1 }
            try call.push(try call.blaming(2) { try t.pick(columns: try Tensor(int32: columns)) })
            return 1
        },
        // equal(other): same dtype, shape and bits in every element
        LuaFunction("equal") { call in
            let (a, b) = (try call.tensor(1), try call.tensor(2))
            call.push(a.dtype == b.dtype && a.shape == b.shape && memcmp(a.raw, b.raw, a.count * a.dtype.byteWidth) == 0)
            return 1
        },
        LuaFunction("norm") { call in call.push(try call.tensor(1).norm()); return 1 },
        LuaFunction("dot") { call in call.push(try Tensor.dot(try call.tensor(1), try call.tensor(2))); return 1 },
        LuaFunction("matmul") { call in try call.push(try Tensor.matmul(try call.tensor(1), try call.tensor(2))); return 1 },
        LuaFunction("argsort") { call in
            let t = try call.tensor(1)
            let order = try t.argsort(descending: try call.boolean(2, default: false))
            try call.pushOneBased(order.int32Values)
            return 1
        },
        LuaFunction("topk") { call in
            let t = try call.tensor(1)
            let k = try call.integer(2, in: 0...t.count)
            let (values, indices) = try t.topk(k, largest: try call.boolean(3, default: true))
            try call.push(values)
            try call.pushOneBased(indices.int32Values)
            return 2
        },
        LuaFunction("totable") { call in
            try pushTable(call, try call.tensor(1))
            return 1
        },
    ]

    static let metamethods: [String: LuaFunction] = [
        "__add": LuaFunction("__add") { call in try arithmetic(call, .add) },
        "__sub": LuaFunction("__sub") { call in try arithmetic(call, .sub) },
        "__mul": LuaFunction("__mul") { call in try arithmetic(call, .mul) },
        "__div": LuaFunction("__div") { call in try arithmetic(call, .div) },
        "__unm": LuaFunction("__unm") { call in
            try call.push(try Tensor.elementwise(.mul, try call.tensor(1), scalar: -1))
            return 1
        },
        "__len": LuaFunction("__len") { call in
            let t = try call.tensor(1)
            call.push(t.rank == 0 ? t.count : t.shape[0])
            return 1
        },
    ]

    /// `a op b` where either side may be a number (for metamethods and methods alike).
    private static func arithmetic(_ call: LuaCall, _ op: ArithmeticOp) throws -> Int32 {
        if let a = try call.objectIfPresent(1, Tensor.self) {
            if let b = try call.objectIfPresent(2, Tensor.self) {
                try call.push(try Tensor.elementwise(op, a, b))
            } else {
                try call.push(try Tensor.elementwise(op, a, scalar: try call.number(2)))
            }
        } else {
            let s = try call.number(1)
            try call.push(try Tensor.elementwise(op, try call.tensor(2), scalar: s, scalarFirst: true))
        }
        return 1
    }

    private static func compare(_ call: LuaCall, _ op: ComparisonOp) throws -> Int32 {
        let a = try call.tensor(1)
        if let b = try call.objectIfPresent(2, Tensor.self) {
            try call.push(try call.blaming(2) { try a.compare(op, b) })
        } else {
            try call.push(try a.compare(op, scalar: try call.number(2)))
        }
        return 1
    }

    private static func reduce(_ call: LuaCall, _ r: Reduction) throws -> Int32 {
        let t = try call.tensor(1)
        let isIndex = r == .argmin || r == .argmax
        if call.isNoneOrNil(2) {
            let v = try t.reduce(r)
            if isIndex {
                call.push(Int(v) + 1)
            } else if t.dtype == .int32 && r != .mean {
                call.push(Int(v))
            } else {
                call.push(v)
            }
        } else {
            let dim = try call.integer(2, in: 1...2)
            let out = try t.reduce(r, dimension: dim - 1)
            if isIndex {
                try call.pushOneBased(out.int32Values)
            } else {
                try call.push(out)
            }
        }
        return 1
    }

    /// Argument 1 of a method that writes into its tensor.
    private static func writableTensor(_ call: LuaCall) throws -> Tensor {
        let t = try call.tensor(1)
        try call.blaming(1) { try t.requireWritable() }
        return t
    }

    private static func flatIndex(_ call: LuaCall, _ t: Tensor, from first: Int32, count: Int32) throws -> Int {
        guard count == max(t.rank, 1) else {
            throw LuaArgumentError(first, "\(max(t.rank, 1)) indices expected for shape \(t.shapeText), got \(max(count, 0))")
        }
        var coordinates: [Int] = []
        for k in 0..<count {
            let i = first + k
            let limit = t.rank == 0 ? 1 : t.shape[Int(k)]
            let c = try call.integer(i)
            guard c >= 1, c <= limit else { throw LuaArgumentError(i, "index \(c) out of range 1..\(limit)") }
            coordinates.append(c - 1)
        }
        return t.rank == 0 ? 0 : try t.flatIndex(coordinates)
    }

    private static func pushTable(_ call: LuaCall, _ t: Tensor) throws {
        // A Lua number in a table takes 16 bytes, a row's table about 64 more.
        let bytes = t.count * 16 + (t.rank == 2 ? t.shape[0] * 64 : 0)
        guard MemoryBudget.hasRoom(for: bytes) else {
            throw FlipError("a table of \(t.count) numbers needs about \(bytes) bytes: \(MemoryBudget.summary)")
        }
        if t.rank <= 1 {
            pushRow(call, t, start: 0, count: t.count)
            return
        }
        guard t.rank == 2 else { throw FlipError("totable supports 1-D and 2-D tensors, got \(t.shapeText)") }
        let (n, m) = (t.shape[0], t.shape[1])
        lua_createtable_of(call, n)
        for i in 0..<n {
            pushRow(call, t, start: i * m, count: m)
            lua_rawseti_of(call, -2, i + 1)
        }
    }

    /// Elements as Lua numbers: floats as floats, integers as integers.
    private static func pushRow(_ call: LuaCall, _ t: Tensor, start: Int, count: Int) {
        if t.dtype == .float32 {
            call.pushArray((0..<count).map { t.value(at: start + $0) })
        } else {
            call.pushArray((0..<count).map { Int(t.value(at: start + $0)) })
        }
    }
}
