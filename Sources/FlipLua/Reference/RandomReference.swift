/// The documentation of flipside.random and flipside.Generator (RandomModule.swift).
enum RandomReference {
    static let module = ModuleDoc(
        "flipside.random",
        "Seeded generators (xoshiro256**): every random choice a script makes should draw from one, so that the same seed gives the same run.",
        functions: [
            FunctionDoc(
                "flipside.random.generator", "A generator seeded with `seed`.",
                parameters: [ParameterDoc("seed", "integer", "any integer; the same seed gives the same draws")],
                returns: [ReturnDoc("flipside.Generator", "the new generator")],
                errors: ["a seed that is not an integer"]),
        ])

    static let type = TypeDoc(
        "flipside.Generator",
        "A seeded stream of random numbers. Draws advance it; `split` derives an independent stream.",
        methods: [
            FunctionDoc("flipside.Generator:seed", "The seed it was made with.", returns: [ReturnDoc("integer", "the seed")]),
            FunctionDoc("flipside.Generator:split", "A new generator seeded from this one's next draw: an independent, reproducible stream.",
                        returns: [ReturnDoc("flipside.Generator", "the new generator")]),
            FunctionDoc(
                "flipside.Generator:uniform", "Uniform draws in [0, 1): one number, or a float32 tensor of them.",
                parameters: [TensorReference.shape.optionalCopy("the tensor's shape; without it, one number"),
                             ParameterDoc("...", "integer", "more sizes", optional: true)],
                returns: [ReturnDoc("number|flipside.Tensor", "the draw or draws")],
                errors: TensorReference.shapeErrors.filter { !$0.contains("type") }),
            FunctionDoc(
                "flipside.Generator:normal", "Normal draws: one standard normal number, or a float32 tensor with a mean and standard deviation.",
                parameters: [TensorReference.shape.optionalCopy("the tensor's shape (sizes or a table); without it, one number"),
                             ParameterDoc("...", "number", "more sizes, then the mean (0) and the standard deviation (1)", optional: true)],
                returns: [ReturnDoc("number|flipside.Tensor", "the draw or draws")],
                errors: ["a standard deviation that is negative or not finite"]
                    + TensorReference.shapeErrors.filter { !$0.contains("type") }),
            FunctionDoc(
                "flipside.Generator:integer", "Uniform integers in 1..n: one, or an int32 tensor of `count`.",
                parameters: [ParameterDoc("n", "integer", "the largest value, 1..2^31 − 1"),
                             ParameterDoc("count", "integer", "how many draws; without it, one number", optional: true)],
                returns: [ReturnDoc("integer|flipside.Tensor", "the draw or draws")],
                errors: ["n out of range", "a negative or too large count"]),
            FunctionDoc(
                "flipside.Generator:permutation", "A random order of 1..n.",
                parameters: [ParameterDoc("n", "integer", "how many, 0..2^28")],
                returns: [ReturnDoc("flipside.Tensor", "a 1-D int32 tensor")],
                errors: ["n out of range"]),
            FunctionDoc(
                "flipside.Generator:sample", "k distinct values of 1..n (without replacement), in random order.",
                parameters: [ParameterDoc("n", "integer", "the population 1..n"),
                             ParameterDoc("k", "integer", "how many, 0..n")],
                returns: [ReturnDoc("flipside.Tensor", "a 1-D int32 tensor")],
                errors: ["n negative or too large", "k out of range 0..n, or above 2^24 from a population over 2^28"]),
        ])
}

extension ParameterDoc {
    /// The same parameter, optional, with another description.
    func optionalCopy(_ summary: String) -> ParameterDoc {
        ParameterDoc(name, type, summary, optional: true)
    }
}
