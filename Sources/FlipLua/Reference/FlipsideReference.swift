/// The documentation of `require "flipside"` itself.
enum FlipsideReference {
    static let module = ModuleDoc(
        "flipside",
        """
        The engine: `local flipside = require "flipside"` gives the native modules as fields \
        (`flipside.tensor`, `.random`, `.data`, `.model`, `.attack`, `.metrics`, `.server`; each \
        also loads alone, e.g. `require "flipside.tensor"`), the run's parameters and seed, and \
        a clock. The stdlib's Lua modules load as `require "flipside.protocol"` and so on.
        """,
        functions: [
            FunctionDoc(
                "flipside.clock", "Seconds on a monotonic clock, for timing parts of a script.",
                returns: [ReturnDoc("number", "seconds since an arbitrary start")]),
            FunctionDoc(
                "flipside.generator", "The same function as `flipside.random.generator`.",
                parameters: [ParameterDoc("seed", "integer", "the seed")],
                returns: [ReturnDoc("flipside.Generator", "a new generator")],
                errors: ["a seed that is not an integer"]),
        ],
        fields: [
            FieldDoc("version", "string", "the engine's version"),
            FieldDoc("seed", "integer", "the run's seed (`--seed`, default 1)"),
            FieldDoc("params", "table<string, string|number|boolean>",
                     "the run's `--set name=value` parameters; numbers and `true`/`false` converted"),
            FieldDoc("out", "string?",
                     "the run's output folder (`--out`, default `out/<script name>`); in `flipside test`, the file's TEST_TMP"),
        ])
}
