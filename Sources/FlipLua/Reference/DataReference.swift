/// The documentation of flipside.data (DataModule.swift).
enum DataReference {
    static let dataset = ParameterDoc("dataset", "flipside.Dataset", "a dataset table {x, y, classes}")

    /// The options of `flipside.data.load`, by the datasets that read them.
    static let imageOptions = [
        FieldDoc("split", #""train"|"test"|nil"#, "image datasets: which split (train by default)"),
        FieldDoc("dir", "string?", "image datasets: the folder holding the dataset's files"),
    ]
    static let cifar100Options = [FieldDoc("labels", #""fine"|"coarse"|nil"#, "cifar100: the label set (fine by default)")]
    static let csvOptions = [
        FieldDoc("path", "string?", "csv: the file"),
        FieldDoc("label", "string|integer|nil", "csv: the label column, by name or 1-based number (the last by default)"),
        FieldDoc("delimiter", "string?", "csv: the one-character delimiter (`,` by default)"),
    ]
    static let blobOptions = [
        FieldDoc("n", "integer?", "blobs: the number of samples (1000)"),
        FieldDoc("d", "integer?", "blobs: the number of features (2)"),
        FieldDoc("classes", "integer?", "blobs: the number of classes (2)"),
        FieldDoc("separation", "number?", "blobs: the distance between class centres (3)"),
        FieldDoc("seed", "integer?", "blobs: the seed (1)"),
    ]
    static let loadOptions = ClassDoc(
        "flipside.LoadOptions", "Options of `flipside.data.load`; each dataset takes the ones it reads, and refuses the others.",
        fields: imageOptions + cifar100Options + csvOptions + blobOptions)

    static let shardOptions = ClassDoc("flipside.ShardOptions", "Options of `flipside.data.shards`.", fields: [
        FieldDoc("rng", "flipside.Generator", "the generator that deals the rows (required)"),
        FieldDoc("scheme", #""iid"|"dirichlet"|"classes"|"quantity"|nil"#, "equal random shares (iid, the default), Dirichlet class mixes, McMahan's shards by class (rows sorted by label, cut into workers·per_worker pieces, per_worker random pieces each), or quantity skew (shard sizes in Dirichlet shares, one row each first)"),
        FieldDoc("alpha", "number?", "dirichlet and quantity: the Dirichlet concentration (0.5); smaller is more skewed"),
        FieldDoc("per_worker", "integer?", "classes: the pieces each worker gets (2)"),
    ])

    static let classes = [
        ClassDoc("flipside.Dataset", "A dataset: features, labels and the number of classes.", fields: [
            FieldDoc("x", "flipside.Tensor", "features, one row per sample (uint8 pixels stay uint8)"),
            FieldDoc("y", "flipside.Tensor", "int32 labels 0..classes − 1"),
            FieldDoc("classes", "integer", "the number of classes"),
            FieldDoc("name", "string", "the dataset's name"),
        ]),
        ClassDoc("flipside.Shard", "One worker's part of a dataset: the whole dataset plus the rows it owns (a view, not a copy).", fields: [
            FieldDoc("x", "flipside.Tensor", "the dataset's features"),
            FieldDoc("y", "flipside.Tensor", "the dataset's labels"),
            FieldDoc("classes", "integer", "the number of classes"),
            FieldDoc("name", "string", "the dataset's name"),
            FieldDoc("rows", "flipside.Tensor", "the 1-based rows the worker owns (int32)"),
            FieldDoc("worker", "integer", "the worker's number, 1-based"),
        ]),
        loadOptions,
        shardOptions,
    ]

    static let module = ModuleDoc(
        "flipside.data",
        """
        Datasets as tables {x, y, classes, name}. Files are looked up in `dir`, then \
        `$FLIPSIDE_DATA/<name>`, then Debian's location; nothing is downloaded, and a miss names \
        every file needed and every place looked.
        """,
        functions: [
            FunctionDoc(
                "flipside.data.load", "Loads a dataset: fashion-mnist, mnist (IDX, raw or .gz), cifar10, cifar100, csv, or synthetic Gaussian blobs.",
                parameters: [ParameterDoc("name", "string", #""fashion-mnist", "mnist", "cifar10", "cifar100", "csv" or "blobs""#),
                             ParameterDoc("options", "flipside.LoadOptions", "where and what to load", optional: true)],
                returns: [ReturnDoc("flipside.Dataset", "the dataset")],
                errors: ["an unknown dataset name or option", "missing files (all places looked are named)",
                         "a malformed file (the file and the fault are named)", "blobs too large"]),
            FunctionDoc(
                "flipside.data.read_idx", "Reads one IDX file (raw or .gz) as a tensor of its element type and shape.",
                parameters: [ParameterDoc("path", "string", "the file")],
                returns: [ReturnDoc("flipside.Tensor", "the file's contents")],
                errors: ["a missing or malformed file"]),
            FunctionDoc(
                "flipside.data.select_classes", "The samples of some classes, relabelled by their position in `classes` (the first becomes 0).",
                parameters: [dataset, ParameterDoc("classes", "integer[]", "the classes to keep, in their new order")],
                returns: [ReturnDoc("flipside.Dataset", "a new dataset with #classes classes")],
                errors: ["fewer than 2 classes, a class that is not an integer or not in the dataset, or one given twice"]),
            FunctionDoc(
                "flipside.data.normalize", "Normalises features with statistics fitted on `train` only, and applies them to the other datasets too.",
                parameters: [ParameterDoc("method", #""none"|"minmax"|"standardize""#, "per feature: none, scale to [0, 1], or zero mean and unit variance"),
                             ParameterDoc("train", "flipside.Dataset", "the dataset the statistics come from"),
                             ParameterDoc("...", "flipside.Dataset", "more datasets to transform the same way", optional: true)],
                returns: [ReturnDoc("flipside.Dataset", "the normalised train set, then one per extra dataset, in order")],
                errors: ["an unknown method", "datasets whose features do not match"]),
            FunctionDoc(
                "flipside.data.split", "Splits a dataset at random into a rest and a held-out part of ⌊fraction·n⌋ rows (both copies).",
                parameters: [dataset, ParameterDoc("fraction", "number", "the held-out fraction, in [0, 1]"),
                             ParameterDoc("rng", "flipside.Generator", "the generator that picks the rows")],
                returns: [ReturnDoc("flipside.Dataset", "the rest"), ReturnDoc("flipside.Dataset", "the held-out part")],
                errors: ["a fraction outside [0, 1]"]),
            FunctionDoc(
                "flipside.data.shards", "Deals a dataset's rows to workers: iid, by a Dirichlet class mix, by class pieces, or in skewed quantities.",
                parameters: [dataset, ParameterDoc("workers", "integer", "how many workers, 1..10^6"),
                             ParameterDoc("options", "flipside.ShardOptions", "the scheme and the generator")],
                returns: [ReturnDoc("flipside.Shard[]", "one shard per worker")],
                errors: ["no `rng`", "an unknown scheme", "more workers than rows, or a non-positive alpha"]),
        ])
}
