import FlipKit

/// The documentation of flipside.model, flipside.Model and flipside.Optimizer (ModelModule.swift).
enum ModelReference {
    static let features = ParameterDoc("x", "flipside.Tensor", "features, one row per sample (float32, or uint8 pixels)")
    static let labels = ParameterDoc("y", "flipside.Tensor", "int32 labels 0..classes − 1, one per row of x")
    static let rows = ParameterDoc("rows", "flipside.Rows", "only these 1-based rows (all by default)", optional: true)
    static let shapeErrors = ["features whose width is not the model's dimension", "labels that do not match the rows or the classes"]

    static let trainOptions = ClassDoc("flipside.TrainOptions", "Options of `Model:train_epoch`.", fields: [
        FieldDoc("rng", "flipside.Generator", "the generator that shuffles the batches (required)"),
        FieldDoc("batch", "integer?", "the batch size (\(Defaults.batch))"),
        FieldDoc("lr", "number?", "plain SGD with this learning rate (\(formatNumber(Defaults.learningRate))); not with `optimizer`"),
        FieldDoc("optimizer", "flipside.Optimizer?", "the optimizer to step; not with `lr`"),
        FieldDoc("rows", "flipside.Rows?", "train on these 1-based rows only"),
    ])

    static let sgdOptions = ClassDoc("flipside.SGDOptions", "Options of `flipside.model.sgd`.", fields: [
        FieldDoc("lr", "number?", "the learning rate (\(formatNumber(Defaults.learningRate)))"),
        FieldDoc("momentum", "number?", "the momentum (0)"),
        FieldDoc("weight_decay", "number?", "L2 weight decay (0)"),
    ])

    static let adamOptions = ClassDoc("flipside.AdamOptions", "Options of `flipside.model.adam`.", fields: [
        FieldDoc("lr", "number?", "the learning rate (\(formatNumber(Defaults.learningRate)))"),
        FieldDoc("beta1", "number?", "the first moment's decay (0.9)"),
        FieldDoc("beta2", "number?", "the second moment's decay (0.999)"),
        FieldDoc("eps", "number?", "the denominator's guard (1e-8)"),
        FieldDoc("weight_decay", "number?", "L2 weight decay (0)"),
    ])

    static let classes = [
        ClassDoc("flipside.Evaluation", "What `Model:evaluate` returns.", fields: [
            FieldDoc("status", #""ok"|"diverged""#, "diverged when the parameters are not finite (no other field then)"),
            FieldDoc("accuracy", "number?", "the fraction of correct predictions"),
            FieldDoc("macro_f1", "number?", "the mean F1 over the classes present"),
            FieldDoc("loss", "number?", "the mean loss"),
            FieldDoc("confusion", "flipside.Tensor?", "int32 [C, C] counts, rows are true classes"),
        ]),
        trainOptions,
        sgdOptions,
        adamOptions,
    ] + DeepModelReference.classDocs

    static let module = ModuleDoc(
        "flipside.model",
        "The paper's models, a CNN and a vision transformer, and their optimizers. Parameters include a bias, stored last in each row.",
        functions: [
            FunctionDoc(
                "flipside.model.logistic", "Binary logistic regression: α ∈ R^{d+1}, labels 0 and 1.",
                parameters: [ParameterDoc("d", "integer", "the number of features")],
                returns: [ReturnDoc("flipside.Model", "a model with zero parameters")],
                errors: ["d out of range"]),
            FunctionDoc(
                "flipside.model.softmax", "Softmax regression over C classes: parameters [C, d+1].",
                parameters: [ParameterDoc("d", "integer", "the number of features"),
                             ParameterDoc("classes", "integer", "the number of classes, 2..65536")],
                returns: [ReturnDoc("flipside.Model", "a model with zero parameters")],
                errors: ["d or classes out of range"]),
            FunctionDoc(
                "flipside.model.mlp", "A two-layer ReLU perceptron: layers [hidden, d+1] and [C, hidden+1], drawn uniformly in ±1/√fan-in.",
                parameters: [ParameterDoc("d", "integer", "the number of features"),
                             ParameterDoc("hidden", "integer", "the hidden units"),
                             ParameterDoc("classes", "integer", "the number of classes, 2..65536"),
                             ParameterDoc("rng", "flipside.Generator", "draws the initial weights")],
                returns: [ReturnDoc("flipside.Model", "the model")],
                errors: ["a size out of range or too large"]),
            FunctionDoc(
                "flipside.model.load", "The model a checkpoint written by `Model:save` holds, bit for bit.",
                parameters: [ParameterDoc("path", "string", "the checkpoint")],
                returns: [ReturnDoc("flipside.Model", "the model")],
                errors: ["a file that is not a flipside checkpoint, or not whole (too short, a header beyond the file, another dtype or shape, bytes missing or left over): the error names the file and the fault"]),
            FunctionDoc(
                "flipside.model.sgd", "Stochastic gradient descent, with optional momentum and weight decay.",
                parameters: [ParameterDoc("options", "flipside.SGDOptions", "lr, momentum, weight_decay", optional: true)],
                returns: [ReturnDoc("flipside.Optimizer", "the optimizer")],
                errors: ["a learning rate that is not positive and finite, or another option out of range"]),
            FunctionDoc(
                "flipside.model.adam", "Adam, with optional weight decay.",
                parameters: [ParameterDoc("options", "flipside.AdamOptions", "lr, beta1, beta2, eps, weight_decay", optional: true)],
                returns: [ReturnDoc("flipside.Optimizer", "the optimizer")],
                errors: ["a learning rate that is not positive and finite", "a beta outside [0, 1)"]),
            FunctionDoc(
                "flipside.model.is_model", "Whether a value is a (not closed) model.",
                parameters: [ParameterDoc("value", "any", "any value")],
                returns: [ReturnDoc("boolean", "true for a model")]),
        ] + DeepModelReference.functions)

    static let type = TypeDoc(
        "flipside.Model",
        "A model and every pass a protocol needs: gradients on any rows with any labels, losses, predictions, training.",
        methods: [
            FunctionDoc("flipside.Model:kind", "The architecture.", returns: [ReturnDoc(#""logistic"|"softmax"|"mlp"|"cnn"|"vit"|"sequential""#, "its name")]),
            FunctionDoc("flipside.Model:dimension", "The number of input features.", returns: [ReturnDoc("integer", "d")]),
            FunctionDoc("flipside.Model:classes", "The number of classes.", returns: [ReturnDoc("integer", "C (2 for logistic)")]),
            FunctionDoc("flipside.Model:parameter_count", "The number of parameters.", returns: [ReturnDoc("integer", "all layers' parameters")]),
            FunctionDoc("flipside.Model:params", "A copy of the parameters.",
                        returns: [ReturnDoc("flipside.Tensor", "float32, shaped like the model's parameters")]),
            FunctionDoc(
                "flipside.Model:set_params", "Replaces the parameters with a tensor of the same shape (or number of elements).",
                parameters: [ParameterDoc("values", "flipside.Tensor", "the new float32 parameters")],
                errors: ["a tensor of another size or type"]),
            FunctionDoc("flipside.Model:layer_count", "The number of layers with parameters.", returns: [ReturnDoc("integer", "1, 2 for the MLP, a deep model's blocks (convolutions, norms, embeddings, attentions, linear layers; the head last)")]),
            FunctionDoc(
                "flipside.Model:layer", "Layer i of the parameters, or of a tensor shaped like them (a gradient, a delta).",
                parameters: [ParameterDoc("i", "integer", "the 1-based layer"),
                             ParameterDoc("source", "flipside.Tensor", "a tensor shaped like the parameters", optional: true)],
                returns: [ReturnDoc("flipside.Tensor", "the layer as a copy: [outputs, inputs + 1] for a dense layer or a convolution (its inputs a receptive field, row, column, channel), [2, channels] for a norm (scales, shifts), [tokens, width] for learned positions, [1, width] for a class token, [4·width, width + 1] for an attention (Q, K, V, then the output projection)")],
                errors: ["a layer that does not exist", "a source of another size"]),
            FunctionDoc(
                "flipside.Model:set_layer", "Replaces layer i.",
                parameters: [ParameterDoc("i", "integer", "the 1-based layer"),
                             ParameterDoc("values", "flipside.Tensor", "a float32 tensor shaped like the layer")],
                errors: ["a layer that does not exist", "values of another size or type"]),
            FunctionDoc(
                "flipside.Model:probabilities", "Class probabilities for each row.",
                parameters: [features, rows],
                returns: [ReturnDoc("flipside.Tensor", "float32 [n, C]")],
                errors: shapeErrors),
            FunctionDoc("flipside.Model:clone", "An independent copy.", returns: [ReturnDoc("flipside.Model", "the copy")]),
            FunctionDoc(
                "flipside.Model:save",
                "The model as a safetensors checkpoint: an 8-byte little-endian header length, a JSON header (the tensor `parameters`: F32, its shape and offsets; `__metadata__`: kind, inputs, hidden, classes, engine, and a deep model's `architecture`, its input and layers as JSON), then the raw little-endian floats. NumPy: `n = int.from_bytes(f.read(8), 'little'); header = json.loads(f.read(n)); p = numpy.frombuffer(f.read(), '<f4').reshape(header['parameters']['shape'])`.",
                parameters: [ParameterDoc("path", "string", "the file to write")],
                errors: ["a path the sandbox does not let the script write", "a file that cannot be written"]),
            FunctionDoc("flipside.Model:is_finite", "Whether every parameter is finite.", returns: [ReturnDoc("boolean", "false once diverged")]),
            FunctionDoc("flipside.Model:status", "`ok`, or `diverged` when a parameter is not finite.",
                        returns: [ReturnDoc(#""ok"|"diverged""#, "the status")]),
            FunctionDoc(
                "flipside.Model:gradient", "The mean gradient of the loss over all rows or the given rows; `labels` overrides their labels, in order (the honest and the poisoned gradient).",
                parameters: [features, labels, rows,
                             ParameterDoc("labels", "flipside.Labels", "a label for each visited row", optional: true)],
                returns: [ReturnDoc("flipside.Tensor", "float32, shaped like the parameters")],
                errors: shapeErrors + ["as many override labels as visited rows are needed"]),
            FunctionDoc(
                "flipside.Model:direction",
                "The direction of `gradient(features, labels, rows, labels)` and its scale: gradient = e^log_scale · direction. Residuals come from the log domain, rescaled by the largest of the pass, so the direction vanishes only where the true gradient does (the float32 gradient is exactly zero once every residual rounds to 0, as on separable raw-scale data).",
                parameters: [features, labels, rows,
                             ParameterDoc("labels", "flipside.Labels", "a label for each visited row", optional: true)],
                returns: [ReturnDoc("flipside.Tensor", "float32, shaped like the parameters; its largest residual has magnitude 1"),
                          ReturnDoc("number", "log_scale, the natural log of the largest residual magnitude (−inf without rows)")],
                errors: shapeErrors + ["as many override labels as visited rows are needed"]),
            FunctionDoc(
                "flipside.Model:layer_gradient",
                "Layer i of `gradient(features, labels, rows, labels)`, the same numbers. For the MLP's output layer the pass stops at that layer (no product back through the inner layer), about half the work of the whole gradient.",
                parameters: [ParameterDoc("i", "integer", "the 1-based layer"), features, labels, rows,
                             ParameterDoc("labels", "flipside.Labels", "a label for each visited row", optional: true)],
                returns: [ReturnDoc("flipside.Tensor", "float32, [outputs, inputs + 1] like `layer(i)`")],
                errors: ["a layer that does not exist"] + shapeErrors + ["as many override labels as visited rows are needed"]),
            FunctionDoc(
                "flipside.Model:losses", "The loss of each visited row.",
                parameters: [features, labels, rows,
                             ParameterDoc("labels", "flipside.Labels", "a label for each visited row", optional: true)],
                returns: [ReturnDoc("flipside.Tensor", "float32, one loss per visited row")],
                errors: shapeErrors),
            FunctionDoc(
                "flipside.Model:loss", "The mean loss over all rows or the given rows.",
                parameters: [features, labels, rows],
                returns: [ReturnDoc("number", "the mean loss")],
                errors: shapeErrors),
            FunctionDoc(
                "flipside.Model:predict", "The predicted class of each row.",
                parameters: [features, rows],
                returns: [ReturnDoc("flipside.Tensor", "int32 classes")],
                errors: shapeErrors),
            FunctionDoc(
                "flipside.Model:features", "The penultimate features, the input of the last layer: the MLP's ReLU activations, a CNN's hidden units, a ViT's normalised class token; the input itself for linear models.",
                parameters: [features, rows],
                returns: [ReturnDoc("flipside.Tensor", "float32 [n, width of the last layer's input]")],
                errors: shapeErrors),
            FunctionDoc(
                "flipside.Model:train_epoch", "One epoch of mini-batch training over shuffled rows.",
                parameters: [features, labels, ParameterDoc("options", "flipside.TrainOptions", "rng, batch, lr or optimizer, rows")],
                returns: [ReturnDoc("number", "the mean training loss"), ReturnDoc(#""ok"|"diverged""#, "the status afterwards")],
                errors: shapeErrors + ["no `rng`", "both `lr` and `optimizer`", "a batch size below 1"]),
            FunctionDoc(
                "flipside.Model:accuracy", "The fraction of rows predicted correctly.",
                parameters: [features, labels],
                returns: [ReturnDoc("number?", "the accuracy, or nil when the model diverged"),
                          ReturnDoc(#""diverged"?"#, "why there is no accuracy")],
                errors: shapeErrors + ["an empty set", "a model of more than 4096 classes"]),
            FunctionDoc(
                "flipside.Model:evaluate", "Accuracy, macro-F1, loss and confusion matrix in one pass.",
                parameters: [features, labels],
                returns: [ReturnDoc("flipside.Evaluation", "the metrics, or only status = \"diverged\"")],
                errors: shapeErrors + ["an empty set", "a model of more than 4096 classes (the confusion matrix)"]),
        ])

    static let optimizer = TypeDoc(
        "flipside.Optimizer",
        "An optimizer with its state (momentum, moments); one per model.",
        methods: [
            FunctionDoc("flipside.Optimizer:name", "Which optimizer.", returns: [ReturnDoc(#""sgd"|"adam""#, "its name")]),
            FunctionDoc("flipside.Optimizer:lr", "The learning rate.", returns: [ReturnDoc("number", "the rate")]),
            FunctionDoc(
                "flipside.Optimizer:set_lr", "Changes the learning rate (for schedules).",
                parameters: [ParameterDoc("lr", "number", "a positive, finite rate")],
                errors: ["a rate that is not positive and finite"]),
            FunctionDoc("flipside.Optimizer:steps", "The number of steps taken.", returns: [ReturnDoc("integer", "the count")]),
            FunctionDoc("flipside.Optimizer:reset", "Forgets the momentum and moments, and the step count."),
            FunctionDoc(
                "flipside.Optimizer:step", "One update of a model from a mean gradient.",
                parameters: [ParameterDoc("model", "flipside.Model", "the model to update"),
                             ParameterDoc("gradient", "flipside.Tensor", "float32, shaped like the model's parameters")],
                errors: ["a gradient of another size or type", "a model of another size than the one this optimizer has state for"]),
        ])
}
