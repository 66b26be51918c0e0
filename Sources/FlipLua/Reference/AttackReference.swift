/// The documentation of flipside.attack (AttackModule.swift).
enum AttackReference {
    static let features = ParameterDoc("x", "flipside.Tensor", "features, one row per sample")
    static let labels = ParameterDoc("y", "flipside.Tensor", "the honest int32 labels")
    static let subset = ParameterDoc("subset", "flipside.Rows", "the attacker's rows K, 1-based")
    static let budget = ParameterDoc("budget", "integer", "the most flips allowed, ⌊b·|K|⌋")
    static let variant = ParameterDoc(
        "variant", "flipside.GreedyVariant", "\"exact\" (the optimum, by default) or \"paper\" (as printed)", optional: true)
    static let answer = [ReturnDoc("flipside.Tensor", "the 1-based rows to flip (int32)"),
                         ReturnDoc("flipside.Tensor", "their new labels (int32), in the same order")]

    static let aliases = [
        AliasDoc("flipside.GreedyVariant", #""exact"|"paper""#,
                 "exact: the optimum of the per-epoch objective; paper: the algorithm as printed"),
        AliasDoc("flipside.Labels", "flipside.Tensor|integer[]", "class labels: an int32 tensor or a table of integers"),
        AliasDoc("flipside.FlipPolicy", "fun(ctx: flipside.PolicyContext): flipside.Rows|nil, flipside.Labels|nil",
                 "a flip policy: the rows to flip and their new labels, or nil for none"),
    ]

    static let classes = [
        ClassDoc("flipside.PolicyContext", "What a flip policy is called with.", fields: [
            FieldDoc("features", "flipside.Tensor", "the training features"),
            FieldDoc("labels", "flipside.Tensor", "the honest labels"),
            FieldDoc("subset", "flipside.Tensor", "the attacker's rows K this epoch or round (1-based, int32)"),
            FieldDoc("budget", "integer", "the most flips allowed"),
            FieldDoc("classes", "integer", "the number of classes"),
            FieldDoc("model", "flipside.Model", "the current model (a copy in server rounds)"),
            FieldDoc("delta", "flipside.Tensor", "Δ: minus the honest gradient, shaped like the parameters"),
            FieldDoc("rng", "flipside.Generator", "the attacker's generator"),
            FieldDoc("epoch", "integer", "the epoch (or round)"),
            FieldDoc("round", "integer?", "server rounds: the round"),
            FieldDoc("worker", "integer?", "server rounds: the attacking worker, 1-based"),
            FieldDoc("honest_mean", "flipside.Tensor?", "server rounds, omniscient attacker: the honest workers' mean message"),
        ]),
        ClassDoc("flipside.Provenance", "What `flipside.attack.provenance` measures for one attacked epoch.", fields: [
            FieldDoc("rows", "flipside.Tensor", "the flipped rows, 1-based"),
            FieldDoc("old", "flipside.Tensor", "their honest labels"),
            FieldDoc("new", "flipside.Tensor", "their poisoned labels"),
            FieldDoc("objective_before", "number", "⟨Σ_{i∈K} ∇ℓ_i, −Δ⟩ with the honest labels"),
            FieldDoc("objective_after", "number", "the same with the poisoned labels"),
            FieldDoc("deviation", "number", "‖poisoned gradient − honest gradient‖"),
            FieldDoc("cosine", "number?", "cosine between the poisoned and honest gradients (when the honest gradient is given)"),
        ]),
    ]

    static let module = ModuleDoc(
        "flipside.attack",
        "The greedy flip rules and the threat model's checks. Rows are 1-based dataset rows; labels are classes 0..C − 1.",
        functions: [
            FunctionDoc(
                "flipside.attack.budget", "⌊fraction·n⌋, computed without floating-point surprises.",
                parameters: [ParameterDoc("fraction", "number", "in [0, 1]"), ParameterDoc("n", "integer", "a count ≥ 0")],
                returns: [ReturnDoc("integer", "the budget")],
                errors: ["a fraction outside [0, 1]", "a negative count"]),
            FunctionDoc(
                "flipside.attack.scores", "Binary scores s_i = ⟨Δ, (x_i, 1)⟩ of the subset's rows.",
                parameters: [features, subset, ParameterDoc("delta", "flipside.Tensor", "Δ, d + 1 elements")],
                returns: [ReturnDoc("flipside.Tensor", "float32, one score per subset row")],
                errors: ["a delta of another size", "a row out of range"]),
            FunctionDoc(
                "flipside.attack.greedy_binary", "The binary greedy rule: which subset rows to flip, and to what.",
                parameters: [features, labels, subset, ParameterDoc("delta", "flipside.Tensor", "Δ, d + 1 elements"), budget, variant],
                returns: answer,
                errors: ["labels other than 0 and 1", "a delta of another size", "a non-finite score (the model or Δ diverged)"]),
            FunctionDoc(
                "flipside.attack.class_scores", "Multi-class scores s_nc = ⟨(x_n, 1), Δ_c⟩ of the subset's rows.",
                parameters: [features, subset, ParameterDoc("delta", "flipside.Tensor", "Δ, [C, d + 1]")],
                returns: [ReturnDoc("flipside.Tensor", "float32 [|subset|, C]")],
                errors: ["a delta of another shape", "a row out of range"]),
            FunctionDoc(
                "flipside.attack.greedy_multiclass", "The multi-class greedy rule (Algorithm 1): which subset rows to flip, and to what.",
                parameters: [features, labels, subset, ParameterDoc("delta", "flipside.Tensor", "Δ, [C, d + 1]"), budget, variant,
                             ParameterDoc("model", "flipside.Model", "the model, whose probabilities the paper's rule needs", optional: true)],
                returns: answer,
                errors: ["the paper's rule without a model", "a label outside the classes", "a delta of another shape",
                         "a non-finite score"]),
            FunctionDoc(
                "flipside.attack.provenance", "What a set of flips did to the attacker's objective and to the gradient.",
                parameters: [ParameterDoc("model", "flipside.Model", "the current model"), features,
                             ParameterDoc("honest", "flipside.Tensor", "the honest labels"),
                             ParameterDoc("poisoned", "flipside.Tensor", "the poisoned labels"),
                             subset, ParameterDoc("delta", "flipside.Tensor", "Δ, shaped like the parameters"),
                             ParameterDoc("honest_gradient", "flipside.Tensor", "the honest gradient, for the cosine", optional: true)],
                returns: [ReturnDoc("flipside.Provenance", "the flips and the measures")],
                errors: ["label tensors of different sizes", "a delta of another size"]),
            FunctionDoc(
                "flipside.attack.apply", "The threat model's check: a poisoned copy of y, or an error and no change.",
                parameters: [labels, subset,
                             ParameterDoc("rows", "flipside.Tensor|integer[]", "the rows to flip, 1-based"),
                             ParameterDoc("labels", "flipside.Labels", "their new labels"),
                             budget, ParameterDoc("classes", "integer", "the number of classes, ≥ 2")],
                returns: [ReturnDoc("flipside.Tensor", "the poisoned copy of y")],
                errors: ["a row outside the subset, a row flipped twice, more flips than the budget, a label outside the classes, or rows and labels of different lengths"]),
        ])
}
