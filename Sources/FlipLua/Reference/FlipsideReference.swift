import FlipKit

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
                "flipside.type", "A value's type as error messages name it: `flipside.Tensor`, `flipside.Model`, ... for the engine's types, else Lua's type name.",
                parameters: [ParameterDoc("value", "any", "any value")],
                returns: [ReturnDoc("string", "the type's name")]),
            FunctionDoc(
                "flipside.nearest", "The name a misspelt word most likely meant (edit distance at most a third of its letters, and at most 3): what an unknown option's error suggests.",
                parameters: [ParameterDoc("word", "string", "the misspelt word"), ParameterDoc("names", "string[]", "the known names")],
                returns: [ReturnDoc("string?", "the nearest name, or nil when none is close")],
                errors: ["a name that is not a string"]),
            FunctionDoc(
                "flipside.generator", "The same function as `flipside.random.generator`.",
                parameters: [ParameterDoc("seed", "integer", "the seed")],
                returns: [ReturnDoc("flipside.Generator", "a new generator")],
                errors: ["a seed that is not an integer"]),
        ],
        fields: [
            FieldDoc("version", "string", "the engine's version"),
            FieldDoc("defaults", "flipside.Defaults", "the one default of each concept the native modules and the stdlib share"),
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

    static let defaults = ClassDoc("flipside.Defaults", "The shared defaults (`flipside.defaults`): every entry point that takes one of these options uses this value.", fields: [
        FieldDoc("lr", "number", "plain SGD's learning rate (\(formatNumber(Defaults.learningRate)))"),
        FieldDoc("batch", "integer", "rows per mini-batch and per worker per round (\(Defaults.batch))"),
        FieldDoc("seed", "integer", "a run's seed (\(Defaults.seed))"),
        FieldDoc("omniscient", "boolean", "whether the attacker reads the model and the honest gradient (\(Defaults.omniscient))"),
        FieldDoc("provenance", "boolean", "whether attacked epochs record their provenance (\(Defaults.provenance))"),
        FieldDoc("direction", "flipside.Direction", "how the attacker's Δ is computed (\"\(Defaults.direction.rawValue)\")"),
    ])
}
