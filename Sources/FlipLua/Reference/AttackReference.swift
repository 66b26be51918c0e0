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
        AliasDoc("flipside.FlipPolicy",
                 "fun(ctx: flipside.PolicyContext): flipside.Rows|nil, flipside.Labels|nil, flipside.Tensor|nil",
                 "a flip policy: the rows to flip, their new labels and optionally the Δ it ranked by (provenance measures the objective with it), or nil for none"),
        AliasDoc("flipside.Direction", #""robust"|"float""#,
                 "robust: Δ from log-domain residuals, rescaled (vanishes only with the true gradient); float: the plain float32 gradient, as a float32 framework computes it"),
    ]

    static let epochOptions = ClassDoc("flipside.AttackEpochOptions", "The options of `flipside.attack.epoch`.", fields: [
        FieldDoc("model", "flipside.Model", "the attacked model"),
        FieldDoc("data", "flipside.Dataset", "the training data {x, y}"),
        FieldDoc("subset", "flipside.Rows?", "the attacker's rows K, 1-based (or give k and rng)"),
        FieldDoc("k", "number?", "the fraction of the rows K holds, drawn from rng (0)"),
        FieldDoc("rng", "flipside.Generator?", "the generator K is drawn from, with k"),
        FieldDoc("b", "number?", "the fraction of K the attacker may flip (0)"),
        FieldDoc("direction", "flipside.Direction?", "how Δ is computed (\"robust\")"),
        FieldDoc("number", "integer?", "the epoch's number (1)"),
    ])

    static let classes = [
        ClassDoc("flipside.PolicyContext", "What a flip policy is called with (stdlib/flipside/context.lua), in the protocol's epochs and the server's rounds alike. `ctx:layer_delta(i)` is layer i of delta (only that layer computed where the model allows); `ctx:derive(fields [, drop])` a context with fields replaced, the rest inherited (delta too, still uncomputed) but for the names in `drop`.", fields: [
            FieldDoc("features", "flipside.Tensor", "the training features, read-only"),
            FieldDoc("labels", "flipside.Tensor", "the honest labels, read-only"),
            FieldDoc("subset", "flipside.Tensor", "the attacker's rows K this epoch or round (1-based, int32)"),
            FieldDoc("budget", "integer", "the most flips allowed, ⌊b·|K|⌋"),
            FieldDoc("classes", "integer", "the number of classes"),
            FieldDoc("model", "flipside.Model", "a copy of the current model"),
            FieldDoc("direction", "flipside.Direction", "how delta is computed"),
            FieldDoc("delta", "flipside.Tensor", "Δ = −∇L_{D_H} (robust: minus its direction), shaped like the parameters, read-only, computed when first read"),
            FieldDoc("rng", "flipside.Generator", "the attacker's generator"),
            FieldDoc("epoch", "integer", "the epoch (or round)"),
            FieldDoc("round", "integer?", "server rounds: the round"),
            FieldDoc("worker", "integer?", "server rounds: the attacking worker, 1-based"),
            FieldDoc("honest_mean", "flipside.Tensor?", "server rounds, omniscient attacker: the honest workers' mean message"),
        ]),
        epochOptions,
        ClassDoc("flipside.Provenance", "What an attack epoch's applied answer did (`flipside.AttackEpoch:provenance`).", fields: [
            FieldDoc("rows", "flipside.Tensor", "the flipped rows, 1-based"),
            FieldDoc("old", "flipside.Tensor", "their honest labels"),
            FieldDoc("new", "flipside.Tensor", "their poisoned labels"),
            FieldDoc("objective_before", "number", "|K|·⟨∇L_K, −Δ⟩ with the honest labels, Δ the one the policy ranked by (in double, from the direction of ∇L_K and its scale)"),
            FieldDoc("objective_after", "number", "the same with the poisoned labels"),
            FieldDoc("objective_delta", "string", "which Δ: \"robust\" or \"float\" (the epoch's) or \"policy\" (one the policy returned)"),
            FieldDoc("deviation", "number", "‖poisoned gradient − honest gradient‖ in float32"),
            FieldDoc("cosine", "number?", "cosine between the poisoned and honest gradients (nil when either is zero)"),
            FieldDoc("gradient_norm", "number", "‖∇L_{D_H}‖ as float32 computes it"),
            FieldDoc("log_gradient_norm", "number", "log of the true ‖∇L_{D_H}‖ (its direction's norm and scale); −inf when it is zero"),
            FieldDoc("log_scale", "number", "the direction's scale: ∇L_{D_H} = e^log_scale · direction"),
            FieldDoc("underflow", "boolean", "the float32 gradient is zero or holds less than half the true norm"),
        ]),
    ]

    static let epoch = TypeDoc(
        "flipside.AttackEpoch",
        "One attacked epoch of Algorithm 2, or one attacking worker's server round: the attacker's rows K, the budget ⌊b·|K|⌋, the honest Δ (computed when first asked for, at the model's parameters when the epoch was made), the threat model's check of the policy's answer and its provenance. `flipside.context` shows it to a policy.",
        methods: [
            FunctionDoc("flipside.AttackEpoch:delta", "Δ, read-only: minus the honest gradient's direction (robust) or minus the float32 gradient.",
                        returns: [ReturnDoc("flipside.Tensor", "shaped like the parameters")]),
            FunctionDoc("flipside.AttackEpoch:layer_delta", "Layer i of Δ; while the whole Δ is unknown, only that layer is computed where the model allows (the MLP's output layer).",
                        parameters: [ParameterDoc("i", "integer", "the 1-based layer")],
                        returns: [ReturnDoc("flipside.Tensor", "[outputs, inputs + 1], read-only")], errors: ["a layer that does not exist"]),
            FunctionDoc("flipside.AttackEpoch:subset", "The attacker's rows K.", returns: [ReturnDoc("flipside.Tensor", "1-based, int32")]),
            FunctionDoc("flipside.AttackEpoch:budget", "⌊b·|K|⌋.", returns: [ReturnDoc("integer", "the most flips allowed")]),
            FunctionDoc("flipside.AttackEpoch:number", "The epoch's (or round's) number.", returns: [ReturnDoc("integer", "from 1")]),
            FunctionDoc("flipside.AttackEpoch:direction", "How Δ is computed.", returns: [ReturnDoc("flipside.Direction", "the mode")]),
            FunctionDoc("flipside.AttackEpoch:model", "A copy of the model as the epoch began.", returns: [ReturnDoc("flipside.Model", "the policy's own copy")]),
            FunctionDoc("flipside.AttackEpoch:data", "The training data, read-only.", returns: [ReturnDoc("flipside.Dataset", "{x, y, classes}")]),
            FunctionDoc(
                "flipside.AttackEpoch:apply", "The threat model's check of an answer against this epoch's own K and budget: a poisoned copy of the labels, or an error and no change.",
                parameters: [ParameterDoc("rows", "flipside.Tensor|integer[]", "the rows to flip, 1-based"),
                             ParameterDoc("labels", "flipside.Labels", "their new labels"),
                             ParameterDoc("delta", "flipside.Tensor", "the Δ the policy ranked by, for the provenance", optional: true)],
                returns: [ReturnDoc("flipside.Tensor", "the poisoned copy of the labels"), ReturnDoc("integer", "the number of flips")],
                errors: ["a row outside K, a row flipped twice, more flips than the budget, a label outside the classes, or rows and labels of different lengths",
                         "a delta of another size, or not finite (\"the policy's delta is not finite\")"]),
            FunctionDoc("flipside.AttackEpoch:provenance", "What the applied answer did.",
                        returns: [ReturnDoc("flipside.Provenance?", "nil before an answer was applied")]),
        ])

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
                errors: ["labels other than 0 and 1", "a delta of another size", "a delta that is not finite (\"delta is not finite\")",
                         "a non-finite score (the model or Δ diverged)"]),
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
                         "a delta that is not finite (\"delta is not finite\")", "a non-finite score"]),
            FunctionDoc(
                "flipside.attack.epoch", "An attack epoch: the attacker's rows (given, or a fraction k drawn from rng), the budget ⌊b·|K|⌋ and the honest Δ of the model on the data.",
                parameters: [ParameterDoc("opts", "flipside.AttackEpochOptions", "model, data, subset or k and rng, b, direction, number")],
                returns: [ReturnDoc("flipside.AttackEpoch", "the epoch")],
                errors: ["a missing model or data", "both subset and k, or k without rng", "k or b outside [0, 1]",
                         "a direction other than \"robust\" and \"float\""]),
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
