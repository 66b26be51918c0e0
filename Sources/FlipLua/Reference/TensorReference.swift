/// The documentation of flipside.tensor and flipside.Tensor (TensorModule.swift).
enum TensorReference {
    static let aliases = [
        AliasDoc("flipside.DType", #""float32"|"int32"|"uint8""#,
                 "an element type: float32 for features, int32 for labels and indices, uint8 for pixels"),
        AliasDoc("flipside.Rows", "flipside.Tensor|integer[]",
                 "1-based row numbers: a 1-D int32 tensor or a table of integers"),
    ]

    static let shape = ParameterDoc("shape", "integer|integer[]", "the size of each dimension: integers, or one table of them")
    static let shapeTail = ParameterDoc(
        "...", "integer|flipside.DType", "more sizes when `shape` is an integer, then the element type (float32 by default)",
        optional: true)
    static let shapeErrors = [
        "a size that is negative or not an integer", "a shape of more than 2^34 elements",
        "an unknown element type", "memory that cannot be allocated",
    ]
    static let operand = ParameterDoc(
        "other", "flipside.Tensor|number",
        "a number, a tensor of the same shape, or (for a 2-D tensor) a vector as long as a row, applied to every row")
    static let comparand = ParameterDoc("other", "flipside.Tensor|number", "a number or a tensor of the same shape")
    static let dimension = ParameterDoc(
        "dim", "integer", "1 or 2, for a 2-D tensor: reduce along that dimension (1 gives one value per column)",
        optional: true)

    static let module = ModuleDoc(
        "flipside.tensor",
        "Dense, row-major tensors of float32, int32 or uint8 elements. Positions and row numbers are 1-based.",
        functions: [
            FunctionDoc("flipside.tensor.zeros", "A tensor of zeros.", parameters: [shape, shapeTail],
                        returns: [ReturnDoc("flipside.Tensor", "the new tensor")], errors: shapeErrors),
            FunctionDoc("flipside.tensor.ones", "A tensor of ones.", parameters: [shape, shapeTail],
                        returns: [ReturnDoc("flipside.Tensor", "the new tensor")], errors: shapeErrors),
            FunctionDoc(
                "flipside.tensor.full", "A tensor with every element set to `value`.",
                parameters: [
                    ParameterDoc("shape", "integer|integer[]", "one size, or a table of sizes"),
                    ParameterDoc("value", "number", "the value of every element"),
                    ParameterDoc("dtype", "flipside.DType", "the element type (float32 by default)", optional: true),
                ],
                returns: [ReturnDoc("flipside.Tensor", "the new tensor")],
                errors: shapeErrors + ["a value the element type cannot hold (e.g. 300 or 1.5 for uint8)"]),
            FunctionDoc(
                "flipside.tensor.new", "A tensor holding the numbers of a table.",
                parameters: [
                    ParameterDoc("values", "number[]|number[][]", "a sequence of numbers (1-D) or of equally long rows (2-D)"),
                    ParameterDoc("dtype", "flipside.DType", "the element type (float32 by default)", optional: true),
                ],
                returns: [ReturnDoc("flipside.Tensor", "the new tensor")],
                errors: ["rows of different lengths, or an element that is not a number",
                         "a value the element type cannot hold", "an unknown element type"]),
            FunctionDoc(
                "flipside.tensor.one_hot", "One-hot rows: row i is 1 at column labels[i], 0 elsewhere.",
                parameters: [ParameterDoc("labels", "flipside.Tensor", "int32 [n], classes 0..classes − 1"),
                             ParameterDoc("classes", "integer", "the number of columns")],
                returns: [ReturnDoc("flipside.Tensor", "float32 [n, classes]")],
                errors: ["labels that are not 1-D int32", "a label outside 0..classes − 1"]),
            FunctionDoc(
                "flipside.tensor.where", "Element by element `a` where `mask` is non-zero, else `b`.",
                parameters: [ParameterDoc("mask", "flipside.Tensor", "any dtype, the shape of a"),
                             ParameterDoc("a", "flipside.Tensor", "the values where mask is non-zero"),
                             ParameterDoc("b", "flipside.Tensor", "the values elsewhere, a's dtype and shape")],
                returns: [ReturnDoc("flipside.Tensor", "a new tensor of a's dtype and shape")],
                errors: ["shapes that differ", "a and b of different dtypes"]),
            FunctionDoc(
                "flipside.tensor.cat", "The tensors one after another along the first dimension.",
                parameters: [ParameterDoc("tensors", "flipside.Tensor[]", "one dtype, the same dimensions after the first")],
                returns: [ReturnDoc("flipside.Tensor", "the joined tensor")],
                errors: ["an empty list", "tensors of other dtypes or other dimensions after the first"]),
            FunctionDoc(
                "flipside.tensor.stack", "The tensors along a new first dimension.",
                parameters: [ParameterDoc("tensors", "flipside.Tensor[]", "one dtype and shape")],
                returns: [ReturnDoc("flipside.Tensor", "[#tensors, ...]")],
                errors: ["an empty list", "tensors of other dtypes or shapes"]),
            FunctionDoc(
                "flipside.tensor.range", "The integers first, first + 1, ..., last as an int32 tensor.",
                parameters: [ParameterDoc("first", "integer", "the first value"),
                             ParameterDoc("last", "integer", "the last value (first − 1 gives an empty tensor)")],
                returns: [ReturnDoc("flipside.Tensor", "a 1-D int32 tensor")],
                errors: ["last < first − 1, or bounds outside the int32 range"]),
            FunctionDoc(
                "flipside.tensor.is_tensor", "Whether a value is a (not closed) tensor.",
                parameters: [ParameterDoc("value", "any", "any value")],
                returns: [ReturnDoc("boolean", "true for a tensor")]),
        ])

    static let type = TypeDoc(
        "flipside.Tensor",
        """
        A dense tensor. Tensors are references: `b = a` shares, `a:clone()` copies, and `reshape` \
        gives a view that shares its elements. Arithmetic works between tensors, or a tensor and a \
        number on either side. `<close>` or the collector frees one; a closed tensor is an error to use.
        """,
        methods: [
            FunctionDoc("flipside.Tensor:shape", "The size of each dimension.",
                        returns: [ReturnDoc("integer[]", "the sizes, outermost first")]),
            FunctionDoc("flipside.Tensor:size", "The number of elements, or the size of one dimension.",
                        parameters: [ParameterDoc("dim", "integer", "a 1-based dimension", optional: true)],
                        returns: [ReturnDoc("integer", "the size")],
                        errors: ["a dimension outside 1..dim()"]),
            FunctionDoc("flipside.Tensor:dim", "The number of dimensions.", returns: [ReturnDoc("integer", "0, 1, 2, ...")]),
            FunctionDoc("flipside.Tensor:numel", "The number of elements.", returns: [ReturnDoc("integer", "the product of the sizes")]),
            FunctionDoc("flipside.Tensor:dtype", "The element type.", returns: [ReturnDoc("flipside.DType", "the type's name")]),
            FunctionDoc("flipside.Tensor:nbytes", "The bytes the elements take.", returns: [ReturnDoc("integer", "numel × element width")]),
            FunctionDoc(
                "flipside.Tensor:get", "One element, by its 1-based coordinates.",
                parameters: [ParameterDoc("...", "integer", "one coordinate per dimension")],
                returns: [ReturnDoc("number", "the element: a float for float32, an integer for int32 and uint8")],
                errors: ["a number of coordinates other than dim()", "a coordinate out of range"]),
            FunctionDoc(
                "flipside.Tensor:set", "Sets one element: coordinates first, the value last.",
                parameters: [ParameterDoc("...", "number", "one 1-based coordinate per dimension, then the value")],
                errors: ["a number of coordinates other than dim()", "a coordinate out of range",
                         "a value the element type cannot hold", "a read-only tensor"]),
            FunctionDoc(
                "flipside.Tensor:fill", "Sets every element to `value`.",
                parameters: [ParameterDoc("value", "number", "the new value")],
                returns: [ReturnDoc("flipside.Tensor", "the tensor itself")],
                errors: ["a value the element type cannot hold", "a read-only tensor"]),
            FunctionDoc(
                "flipside.Tensor:rows", "A copy of the given rows, in the given order (repeats allowed).",
                parameters: [ParameterDoc("rows", "flipside.Rows", "1-based row numbers")],
                returns: [ReturnDoc("flipside.Tensor", "a tensor of #rows rows")],
                errors: ["a row number out of range", "an index tensor that is not 1-D int32"]),
            FunctionDoc(
                "flipside.Tensor:index_add", "A copy with row rows[i] increased by row i of `source`, for every i (a row listed twice gets both).",
                parameters: [ParameterDoc("rows", "flipside.Rows", "1-based rows of this tensor"),
                             ParameterDoc("source", "flipside.Tensor", "#rows rows of this tensor's row length and dtype")],
                returns: [ReturnDoc("flipside.Tensor", "the new tensor")],
                errors: ["a row out of range", "a source of another dtype or shape", "a sum the dtype cannot hold"]),
            FunctionDoc("flipside.Tensor:clone", "A copy (writable, also of a read-only tensor).",
                        returns: [ReturnDoc("flipside.Tensor", "the copy")]),
            FunctionDoc(
                "flipside.Tensor:readonly",
                "The same elements as a read-only view: `set` and `fill` refuse it, and so do views made from it "
                    + "(`reshape`). A flip policy receives the training features and labels (and a server's honest "
                    + "mean) this way.",
                returns: [ReturnDoc("flipside.Tensor", "a read-only view sharing this tensor's memory")]),
            FunctionDoc("flipside.Tensor:is_readonly", "Whether the tensor is a read-only view.",
                        returns: [ReturnDoc("boolean", "true for a read-only view")]),
            FunctionDoc("flipside.Tensor:float", "A float32 copy.", returns: [ReturnDoc("flipside.Tensor", "the copy")]),
            FunctionDoc("flipside.Tensor:int", "An int32 copy; values are truncated toward zero.",
                        returns: [ReturnDoc("flipside.Tensor", "the copy")],
                        errors: ["an element outside the int32 range, or not finite"]),
            FunctionDoc("flipside.Tensor:byte", "A uint8 copy; values are truncated toward zero.",
                        returns: [ReturnDoc("flipside.Tensor", "the copy")],
                        errors: ["an element outside 0..255, or not finite"]),
            FunctionDoc(
                "flipside.Tensor:reshape", "A view of the same elements in another shape (it shares them).",
                parameters: [shape, ParameterDoc("...", "integer", "more sizes when `shape` is an integer", optional: true)],
                returns: [ReturnDoc("flipside.Tensor", "the view")],
                errors: ["a shape with another number of elements"]),
            FunctionDoc("flipside.Tensor:t", "The transpose of a 2-D tensor, as a copy.",
                        returns: [ReturnDoc("flipside.Tensor", "the transposed copy")],
                        errors: ["a tensor that is not 2-D"]),
            arithmetic("add", "+"), arithmetic("sub", "−"), arithmetic("mul", "×"), arithmetic("div", "÷"),
            reduction("sum", "The sum of all elements", "an integer for int32 tensors; 0 for an empty one"),
            reduction("mean", "The mean of all elements", "a float"),
            reduction("min", "The smallest element", "an integer for int32 tensors"),
            reduction("max", "The largest element", "an integer for int32 tensors"),
            position("argmin", "smallest"), position("argmax", "largest"),
            comparison("lt", "<"), comparison("le", "≤"), comparison("gt", ">"), comparison("ge", "≥"),
            comparison("eq", "="), comparison("ne", "≠"),
            FunctionDoc("flipside.Tensor:nonzero", "The 1-based flat positions of the non-zero elements.",
                        returns: [ReturnDoc("flipside.Tensor", "a 1-D int32 tensor, in increasing order")]),
            FunctionDoc(
                "flipside.Tensor:pick", "One element per row of a 2-D tensor: t[i, columns[i]].",
                parameters: [ParameterDoc("columns", "flipside.Tensor|integer[]", "a 1-based column for each row")],
                returns: [ReturnDoc("flipside.Tensor", "a 1-D tensor of the picked elements")],
                errors: ["a tensor that is not 2-D", "a number of columns other than the number of rows",
                         "a column out of range"]),
            FunctionDoc(
                "flipside.Tensor:equal", "Whether two tensors have the same element type, shape and bits.",
                parameters: [ParameterDoc("other", "flipside.Tensor", "the tensor to compare")],
                returns: [ReturnDoc("boolean", "true when identical")]),
            FunctionDoc("flipside.Tensor:norm", "The Euclidean norm of all elements.",
                        returns: [ReturnDoc("number", "√(Σ x²)")]),
            FunctionDoc(
                "flipside.Tensor:dot", "The sum of the products of the elements, in order.",
                parameters: [ParameterDoc("other", "flipside.Tensor", "a tensor with as many elements")],
                returns: [ReturnDoc("number", "Σ aᵢbᵢ")],
                errors: ["tensors with different numbers of elements"]),
            FunctionDoc(
                "flipside.Tensor:matmul", "The matrix product through BLAS: [n, k]·[k, m], [n, k]·[k] or [k]·[k, m].",
                parameters: [ParameterDoc("other", "flipside.Tensor", "the right-hand float32 operand")],
                returns: [ReturnDoc("flipside.Tensor", "the float32 product")],
                errors: ["an operand that is not float32", "shapes that do not match", "an operand of more than 2 dimensions"]),
            FunctionDoc(
                "flipside.Tensor:argsort", "The 1-based positions that sort a 1-D tensor; ties keep their order.",
                parameters: [ParameterDoc("descending", "boolean", "largest first (false by default)", optional: true)],
                returns: [ReturnDoc("flipside.Tensor", "a 1-D int32 tensor of positions")],
                errors: ["a tensor that is not 1-D"]),
            FunctionDoc(
                "flipside.Tensor:topk", "The k largest (or smallest) elements of a 1-D tensor and their positions.",
                parameters: [ParameterDoc("k", "integer", "how many, 0..numel()"),
                             ParameterDoc("largest", "boolean", "false for the k smallest (true by default)", optional: true)],
                returns: [ReturnDoc("flipside.Tensor", "the values, best first"),
                          ReturnDoc("flipside.Tensor", "their 1-based positions (int32)")],
                errors: ["a tensor that is not 1-D", "k out of range"]),
            FunctionDoc(
                "flipside.Tensor:totable", "The elements as a Lua table: a sequence, or a sequence of rows.",
                returns: [ReturnDoc("number[]|number[][]", "floats for float32, integers otherwise")],
                errors: ["a tensor of more than 2 dimensions"]),
        ],
        operators: [
            OperatorDoc("__add", operand: "flipside.Tensor|number", result: "flipside.Tensor", "`a + b`, as `add`"),
            OperatorDoc("__sub", operand: "flipside.Tensor|number", result: "flipside.Tensor", "`a - b`, as `sub`"),
            OperatorDoc("__mul", operand: "flipside.Tensor|number", result: "flipside.Tensor", "`a * b` elementwise, as `mul`"),
            OperatorDoc("__div", operand: "flipside.Tensor|number", result: "flipside.Tensor", "`a / b`, as `div` (float32)"),
            OperatorDoc("__unm", operand: nil, result: "flipside.Tensor", "`-a`"),
            OperatorDoc("__len", operand: nil, result: "integer", "`#a`: the size of the first dimension"),
        ])

    static func arithmetic(_ name: String, _ symbol: String) -> FunctionDoc {
        FunctionDoc(
            "flipside.Tensor:\(name)",
            "Elementwise this \(symbol) other. int32 with int32 stays int32 (but for `div`); otherwise the result is float32.",
            parameters: [operand],
            returns: [ReturnDoc("flipside.Tensor", "a new tensor of this tensor's shape")],
            errors: ["shapes that do not match", "an int32 result that overflows"])
    }

    static func reduction(_ name: String, _ what: String, _ kind: String) -> FunctionDoc {
        FunctionDoc(
            "flipside.Tensor:\(name)", "\(what), or along one dimension of a 2-D tensor.",
            parameters: [dimension],
            returns: [ReturnDoc("number|flipside.Tensor", "without `dim`, a number (\(kind)); with it, a 1-D tensor")],
            errors: name == "sum" ? ["`dim` for a tensor that is not 2-D"]
                : ["an empty tensor or dimension", "`dim` for a tensor that is not 2-D"])
    }

    static func position(_ name: String, _ which: String) -> FunctionDoc {
        FunctionDoc(
            "flipside.Tensor:\(name)", "The 1-based position of the first \(which) element, or of each along one dimension of a 2-D tensor.",
            parameters: [dimension],
            returns: [ReturnDoc("integer|flipside.Tensor", "without `dim`, a flat position; with it, an int32 tensor of positions")],
            errors: ["an empty tensor or dimension", "`dim` for a tensor that is not 2-D"])
    }

    static func comparison(_ name: String, _ symbol: String) -> FunctionDoc {
        FunctionDoc(
            "flipside.Tensor:\(name)", "Elementwise this \(symbol) other, as a mask.",
            parameters: [comparand],
            returns: [ReturnDoc("flipside.Tensor", "an int32 tensor of 0 and 1, of this tensor's shape")],
            errors: ["shapes that do not match"])
    }
}
