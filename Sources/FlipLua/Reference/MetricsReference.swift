/// The documentation of flipside.metrics (MetricsModule.swift).
enum MetricsReference {
    static let labelled = [
        ParameterDoc("predicted", "flipside.Tensor", "int32 predicted classes"),
        ParameterDoc("labels", "flipside.Tensor", "int32 true classes, as many"),
        ParameterDoc("classes", "integer", "the number of classes, up to 4096 (the largest label seen + 1 by default)", optional: true),
    ]
    static let labelledErrors = ["tensors of different sizes or not int32", "a label outside the classes"]

    static let module = ModuleDoc(
        "flipside.metrics",
        "Classification metrics from predictions, and the geometry of gradients.",
        functions: [
            FunctionDoc("flipside.metrics.accuracy", "The fraction of matching predictions.", parameters: labelled,
                        returns: [ReturnDoc("number", "in [0, 1]")], errors: labelledErrors + ["an empty set"]),
            FunctionDoc("flipside.metrics.macro_f1", "The mean F1 over the classes present in labels or predictions.",
                        parameters: labelled, returns: [ReturnDoc("number", "in [0, 1]")], errors: labelledErrors + ["an empty set"]),
            FunctionDoc("flipside.metrics.confusion", "The confusion matrix; rows are true classes.", parameters: labelled,
                        returns: [ReturnDoc("flipside.Tensor", "int32 [C, C] counts")], errors: labelledErrors),
            FunctionDoc(
                "flipside.metrics.cosine", "The cosine of the angle between two tensors' elements.",
                parameters: [ParameterDoc("a", "flipside.Tensor", "float32"), ParameterDoc("b", "flipside.Tensor", "float32, as many elements")],
                returns: [ReturnDoc("number", "in [−1, 1]")],
                errors: ["tensors of different sizes", "a zero vector"]),
            FunctionDoc(
                "flipside.metrics.norms", "The Euclidean norm of each row of a stack of messages.",
                parameters: [ParameterDoc("stack", "flipside.Tensor", "float32 [n, P]")],
                returns: [ReturnDoc("number[]", "n norms")],
                errors: ["a tensor that is not 2-D float32"]),
            FunctionDoc(
                "flipside.metrics.norm_ratio", "Mean attacker gradient norm over mean honest norm (the paper's Tables 3–4); rows are workers.",
                parameters: [ParameterDoc("attacker", "flipside.Tensor", "float32 [a, P]"), ParameterDoc("honest", "flipside.Tensor", "float32 [h, P]")],
                returns: [ReturnDoc("number", "the ratio")],
                errors: ["stacks of different widths, empty or not 2-D float32", "honest norms that are all zero"]),
        ])
}
