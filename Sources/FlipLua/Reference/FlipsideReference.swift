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
                "flipside.reference", "The reference entry of a native function or method, as docs/api.md shows it (what the REPL's `help` prints).",
                parameters: [ParameterDoc("name", "string", "its full name, e.g. \"flipside.tensor.zeros\" or \"flipside.Tensor:sum\"")],
                returns: [ReturnDoc("string?", "the entry, or nil for a name the reference does not hold")]),
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
            FieldDoc("blas", "flipside.BLAS", "the BLAS the engine's matrix products run on, and how its kernel was chosen"),
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

    static let classes = [
        defaults,
        ClassDoc(
            "flipside.BLAS",
            """
            `flipside.blas`: the BLAS library and the kernel it runs. When OpenBLAS detects a kernel older than \
            the processor's vector units (it knows processors by model, so a newer model gets SSE3's Prescott), \
            `flipside` starts itself again with the matching kernel in `OPENBLAS_CORETYPE` (SkylakeX with AVX-512; \
            Haswell, or Zen on AMD, with AVX2 and FMA), checks its products against a plain loop, and falls back \
            to the library's choice if they disagree. An `OPENBLAS_CORETYPE` the user set is always kept.
            """,
            fields: [
                FieldDoc("library", "string", "the library, \"OpenBLAS\""),
                FieldDoc("version", "string", "its version, e.g. \"0.3.21\""),
                FieldDoc("kernel", "string", "the kernel in use (OpenBLAS's core name), e.g. \"Haswell\" or \"SkylakeX\""),
                FieldDoc("chosen", "string",
                         """
                         how: "library" (the library's detection), "selected" (chosen for the processor, checked), \
                         "user" (`OPENBLAS_CORETYPE`), or "fallback" (the selected kernel failed the check)
                         """),
                FieldDoc("rejected", "string?", "with \"fallback\": the kernel that failed the check"),
                FieldDoc("config", "string", "the library's configuration line (`openblas_get_config()`)"),
                FieldDoc("cpu", "string", "the processor's brand string, e.g. \"AMD EPYC\""),
                FieldDoc("summary", "string",
                         "all of it in one line, as `flipside --version` and the benchmarks print it"),
            ]),
    ]
}
