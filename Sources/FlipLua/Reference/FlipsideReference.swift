/// The documentation of `require "flipside"` itself.
enum FlipsideReference {
    static let module = ModuleDoc(
        "flipside",
        """
        The engine: `local flipside = require "flipside"` gives the native modules as fields \
        (`flipside.tensor`, `.random`, `.data`, `.model`, `.attack`, `.metrics`, `.server`; each \
        also loads alone, e.g. `require "flipside.tensor"`), the run's parameters and seed, and \
        a clock and the memory budget. The stdlib's Lua modules load as `require "flipside.protocol"` and so on.
        """,
        functions: [
            FunctionDoc(
                "flipside.clock", "Seconds on a monotonic clock, for timing parts of a script.",
                returns: [ReturnDoc("number", "seconds since an arbitrary start")]),
            FunctionDoc(
                "flipside.memory",
                """
                The process's memory budget (`flipside run --memory MB`, else `$FLIPSIDE_MEMORY`, else 15/16 \
                of the memory available at start) and what tensors and Lua heaps hold of it. An allocation \
                beyond the budget first collects garbage, then fails with an error `pcall` catches.
                """,
                returns: [ReturnDoc("integer", "bytes held now by tensors and Lua heaps (all of this process's states)"),
                          ReturnDoc("integer", "the budget in bytes")]),
            FunctionDoc(
                "flipside.generator", "The same function as `flipside.random.generator`.",
                parameters: [ParameterDoc("seed", "integer", "the seed")],
                returns: [ReturnDoc("flipside.Generator", "a new generator")],
                errors: ["a seed that is not an integer"]),
        ],
        fields: [
            FieldDoc("version", "string", "the engine's version"),
            FieldDoc("seed", "integer", "the run's seed (`--seed`, default 1)"),
            FieldDoc("fixed_point_kernel", "string",
                     """
                     what computes the binary logistic model on uint8 features: "avx512-vnni" or "portable" \
                     (exact integer sums, the same numbers either way), or "float" (the float pass, with \
                     `FLIPSIDE_FIXED_KERNEL=float`; `FLIPSIDE_FIXED_KERNEL=portable` chooses the portable kernel)
                     """),
            FieldDoc("params", "table<string, string|number|boolean>",
                     "the run's `--set name=value` parameters; numbers and `true`/`false` converted"),
            FieldDoc("out", "string?",
                     "the run's output folder (`--out`, default `out/<script name>`); in `flipside test`, the file's TEST_TMP"),
        ])
}
