import FlipKit

/// The documentation of flipside.server, flipside.Aggregator and flipside.Server (ServerModule.swift).
enum ServerReference {
    static let aliases = [
        AliasDoc("flipside.Rule", #""mean"|"median"|"trimmed_mean"|"krum"|"multi_krum"|"geometric_median"|"centered_clipping"|"bulyan"|"fltrust"|"foolsgold"|"lfighter"|"pca""#,
                 "an aggregation rule"),
        AliasDoc("flipside.AggregationRule", "fun(stack: flipside.Tensor): flipside.Tensor",
                 "a rule written in Lua: the stacked messages [n, P] in, the aggregate vector out"),
    ]

    static let aggregationFields = [
        FieldDoc("rule", "flipside.Rule?", "the rule (mean by default)"),
        FieldDoc("f", "integer?", "trimmed_mean, krum, multi_krum, bulyan: the number of faulty workers tolerated"),
        FieldDoc("m", "integer?", "multi_krum: how many messages to average"),
        FieldDoc("tolerance", "number?", "geometric_median: Weiszfeld's stopping tolerance (1e-6)"),
        FieldDoc("iterations", "integer?", "geometric_median (100) and centered_clipping (1): the iterations"),
        FieldDoc("smoothing", "number?", "geometric_median: the smoothing of distances (1e-8)"),
        FieldDoc("tau", "number?", "centered_clipping: the clipping radius (required)"),
        FieldDoc("source", "integer?", "pca: the source class whose output neuron's rows are analysed (0..C − 1); by default the class whose two clusters lie furthest apart"),
        FieldDoc("window", "integer?", "pca: the rounds of updates analysed together, this one included (1); pca keeps them, so it runs in a server only"),
        FieldDoc("confidence", "number?", "foolsgold: κ, the confidence of the logit re-weighting (1); foolsgold keeps each worker's history, so it runs in a server only"),
        FieldDoc("steps", "table[]?", #"steps before the rule, in order: {"clip", threshold} (norm clipping), {"nnm", f} (nearest-neighbour mixing) {"arc", f} (adaptive robust clipping: the ⌊2·(f/n)·(n − f)⌋ largest messages clipped to the next one's norm) or {"bucket", s} (bucketing: the messages in a random order, each bucket of s replaced by its mean; in a server the order is seeded, in a bare aggregator it is drawn from `rng`)"#),
    ]

    static let classes = [aggregatorOptions, serverOptions, gradientAttackOptions] + results

    static let aggregatorOptions = ClassDoc("flipside.AggregatorOptions", "Options of `flipside.server.aggregator`.", fields: aggregationFields + [
        FieldDoc("rng", "flipside.Generator?", "the generator of bucketing's orders (required with a bucket step)"),
    ])
    static let serverOptions = ClassDoc("flipside.ServerOptions", "Options of `flipside.server.new`, plus those of an aggregator; `flipside.federated.server` also takes `policy` (a flip policy of a context) and `rule` as a Lua function of the stacked messages.", fields: [
            FieldDoc("model", "flipside.Model", "the global model (required)"),
            FieldDoc("data", "flipside.Dataset", "the training data {x, y} (required)"),
            FieldDoc("workers", "integer?", "an iid split over this many workers; not with `shards`"),
            FieldDoc("shards", "(flipside.Rows|flipside.Shard)[]?", "each worker's 1-based rows, or `data.shards` tables"),
            FieldDoc("batch", "integer?", "each worker's batch per round (\(Defaults.batch))"),
            FieldDoc("attackers", "integer[]?", "the attacking workers, 1-based"),
            FieldDoc("b", "number?", "the fraction of the rows it controls an attacker may flip (0)"),
            FieldDoc("share", "number?", "the fraction of its batch an attacker controls, drawn each round (1: all of it)"),
            FieldDoc("omniscient", "boolean?", "whether attackers see the honest mean (\(Defaults.omniscient))"),
            FieldDoc("direction", "flipside.Direction?", "how the attackers' Δ is computed: \"robust\" or \"float\" (\(Defaults.direction.rawValue))"),
            FieldDoc("provenance", "boolean?", "record each attack's provenance in the round's record (\(Defaults.provenance))"),
            FieldDoc("mode", #""gradient"|"local"|nil"#, "workers send gradients (default) or local updates"),
            FieldDoc("local_steps", "integer?", "local mode: steps per round (1)"),
            FieldDoc("local_lr", "number?", "local mode: the workers' learning rate (\(formatNumber(Defaults.learningRate)))"),
            FieldDoc("lr", "number?", "the server's plain SGD rate (\(formatNumber(Defaults.learningRate)) for gradients, 1 for local updates, which apply the mean change as it is); not with `optimizer`"),
            FieldDoc("optimizer", "flipside.Optimizer?", "the server's optimizer; not with `lr`"),
            FieldDoc("seed", "integer?", "the seed of the batches (\(Defaults.seed)); or give `rng`"),
            FieldDoc("rng", "flipside.Generator?", "the generator of the batches"),
            FieldDoc("gradient_attack", "flipside.GradientAttackOptions?", "the attackers send this attack's messages instead of flipping labels (not with `b` > 0 nor a flip policy)"),
            FieldDoc("root", "flipside.Rows?", "fltrust: the server's root dataset, 1-based rows of `data`; each round the server computes its own update on all of them (required by, and only for, fltrust)"),
            FieldDoc("sample", "integer?", "client sampling: the workers drawn uniformly for each round, 1..n (all of them when absent)"),
            FieldDoc("sample_attackers", "integer?", "with `sample`: exactly this many of each round's workers are attackers (drawn like anyone when absent)"),
        ] + aggregationFields)

    static let gradientAttackOptions = ClassDoc("flipside.GradientAttackOptions", "A gradient attack, the attackers' message rule; it reads the round's honest messages (mean μ, standard deviation σ with divisor h − 1), and every attacker sends the same message except under `gaussian`.", fields: [
            FieldDoc("kind", GradientAttackOptions.kinds.map { "\"\($0)\"" }.joined(separator: "|"), "sign_flip: −μ; ipm: −ε·μ (Xie et al. 2020); alie: μ − z·σ (Baruch et al. 2019); gaussian: N(mean, std²) per coordinate; mimic: the message of the honest worker farthest along the honest messages' direction of largest variance, found by power iteration over the first `warmup` rounds and then kept (Karimireddy et al. 2022); min_max, min_sum: μ + γ·p with the largest γ that stays within the honest messages' largest distance, or sum of squared distances (Shejwalkar & Houmansadr 2021); fang_trimmed_mean, fang_krum: Fang et al. 2020's full-knowledge attacks on trimmed mean and on Krum (f = the round's attackers)"),
            FieldDoc("epsilon", "number?", "ipm: ε (\(formatNumber(GradientAttack.defaultEpsilon)))"),
            FieldDoc("z", "number?", "alie: z; by default from the round's n workers and f attackers, s = ⌊n/2 + 1⌋ − f, z = Φ⁻¹((n − s)/n)"),
            FieldDoc("mean", "number?", "gaussian: the mean (0)"),
            FieldDoc("std", "number?", "gaussian: the standard deviation (1)"),
            FieldDoc("perturbation", #""unit"|"std"|"sign"|nil"#, "min_max, min_sum: p = −μ/‖μ‖ (unit, the default), −σ or −sign(μ)"),
            FieldDoc("gamma_init", "number?", "min_max, min_sum: the search's first γ (\(formatNumber(GradientAttack.defaultGammaInit)))"),
            FieldDoc("tolerance", "number?", "min_max, min_sum: the search stops within this of γ (\(GradientAttack.defaultTolerance))"),
            FieldDoc("b", "number?", "fang_trimmed_mean: values are drawn between the honest extreme and b times (or 1/b of) it (\(formatNumber(GradientAttack.defaultFangB)))"),
            FieldDoc("threshold", "number?", "fang_krum: λ is halved until Krum picks an attacker or λ would fall below this (\(GradientAttack.defaultFangThreshold))"),
            FieldDoc("warmup", "integer?", "mimic: the rounds over which the attackers estimate the direction and choose the worker to copy (\(GradientAttack.defaultMimicWarmup))"),
        ])

    static let results = [
        ClassDoc("flipside.AggregationInfo", "What an aggregation reports besides its vector.", fields: [
            FieldDoc("selected", "integer[]?", "Krum and multi-Krum: the workers chosen, 1-based, lowest score first; Bulyan: the n − 2f workers Krum chose, in order"),
            FieldDoc("iterations", "integer?", "iterative rules: the iterations run"),
            FieldDoc("converged", "boolean?", "geometric_median: whether it met the tolerance"),
            FieldDoc("weights", "number[]?", "fltrust: each message's weight in the aggregate, ReLU(cos) over their sum (all 0 when none is trusted); foolsgold: each message's α in [0, 1]; lfighter, pca: 1 kept, 0 left out"),
        ]),
        ClassDoc("flipside.Detection", "Which workers a round's rule left out of the aggregate, against the real attackers.", fields: [
            FieldDoc("excluded", "integer[]", "the workers not selected or weighted 0, 1-based, ascending"),
            FieldDoc("true_positive_rate", "number?", "excluded attackers over the round's attackers (with attackers)"),
            FieldDoc("false_positive_rate", "number?", "excluded honest workers over the round's honest workers (with any)"),
        ]),
        ClassDoc("flipside.RoundRecord", "What one server round returns.", fields: [
            FieldDoc("round", "integer", "the round, from 1"),
            FieldDoc("norms", "number[]", "each worker's message norm"),
            FieldDoc("attackers", "integer[]", "the attacking workers, 1-based"),
            FieldDoc("direction", "flipside.Direction", "how the attackers' Δ was computed"),
            FieldDoc("provenance", "table<integer, flipside.Provenance>?", "with provenance = true: each attack's provenance, by worker"),
            FieldDoc("flips", "integer[]", "the flips each attacker made"),
            FieldDoc("norm_ratio", "number?", "mean attacker norm over mean honest norm (with attackers)"),
            FieldDoc("cosine", "number?", "cosine between the aggregate and the honest mean"),
            FieldDoc("honest_loss", "number?", "the honest workers' mean loss"),
            FieldDoc("status", #""ok"|"diverged""#, "the model's status after the round"),
            FieldDoc("aggregation", "flipside.AggregationInfo", "what the rule reported; Krum's `selected` names workers"),
            FieldDoc("detection", "flipside.Detection?", "rules that select or weigh workers (krum, multi_krum, bulyan, fltrust, foolsgold, lfighter, pca): whom they excluded (weight 0)"),
            FieldDoc("sampled", "integer[]?", "with client sampling: the round's workers, 1-based, ascending; `norms` follow this order and `attackers` are those among them"),
            FieldDoc("gradient_attack", "{name: string, scale: number?, copied: integer?}?", "with a gradient attack: its name and scale (ALIE's z, Min-Max's and Min-Sum's γ, IPM's ε, Fang's λ against Krum); Mimic: the worker copied"),
        ]),
    ]

    static let module = ModuleDoc(
        "flipside.server",
        "Robust aggregation rules and the parameter server. Flip policies and Lua aggregation rules are called back, protected, during a round.",
        functions: [
            FunctionDoc(
                "flipside.server.aggregator", "An aggregation: a rule, after optional pre-aggregation steps.",
                parameters: [ParameterDoc("options", "flipside.AggregatorOptions", "the rule and its settings")],
                returns: [ReturnDoc("flipside.Aggregator", "the aggregation")],
                errors: ["an unknown rule or step", "a setting the rule needs that is missing or out of range"]),
            FunctionDoc(
                "flipside.server.stack", "Stacks messages (tensors of equal size) into [n, P].",
                parameters: [ParameterDoc("list", "flipside.Tensor[]", "the messages")],
                returns: [ReturnDoc("flipside.Tensor", "float32 [n, P]")],
                errors: ["an element that is not a tensor", "messages of different sizes", "an empty list"]),
            FunctionDoc(
                "flipside.server.new", "A parameter server: workers on shards, attackers flipping through a checked policy, and an aggregation.",
                parameters: [ParameterDoc("options", "flipside.ServerOptions", "the model, data, workers and aggregation")],
                returns: [ReturnDoc("flipside.Server", "the server")],
                errors: ["a missing model or data", "both `workers` and `shards`, or both `lr` and `optimizer`",
                         "a shard row or an attacker out of range", "an unknown mode or rule"]),
        ])

    static let aggregator = TypeDoc(
        "flipside.Aggregator", "An aggregation rule with its pre-aggregation steps; `tostring` names them.",
        methods: [
            FunctionDoc(
                "flipside.Aggregator:aggregate", "Combines a stack of messages into one vector.",
                parameters: [ParameterDoc("stack", "flipside.Tensor", "float32 [n, P], one message per row"),
                             ParameterDoc("reference", "flipside.Tensor", "centered_clipping's starting point; fltrust's server update, required (P elements)", optional: true)],
                returns: [ReturnDoc("flipside.Tensor", "the aggregate, P elements"),
                          ReturnDoc("flipside.AggregationInfo", "what the rule reported")],
                errors: ["too few workers for the rule's f", "a message that holds a non-finite value",
                         "a stack that is not 2-D float32"]),
            FunctionDoc("flipside.Aggregator:name", "The rule's name.", returns: [ReturnDoc("string", "e.g. \"Krum\"")]),
        ])

    static let server = TypeDoc(
        "flipside.Server", "A parameter server. Each round every worker computes a message on its next batch; attackers first flip labels.",
        methods: [
            FunctionDoc(
                "flipside.Server:round", "One round: batches, attackers' flips (checked against the threat model), messages, aggregation, update.",
                parameters: [ParameterDoc("policy", "flipside.FlipPolicy",
                                          "the attackers' flip policy; its ctx holds the server's features, labels and honest mean as read-only views and a copy of the model",
                                          optional: true),
                             ParameterDoc("rule", "flipside.AggregationRule",
                                          "an aggregation rule in Lua, used instead of the native one; it receives the stacked messages read-only",
                                          optional: true)],
                returns: [ReturnDoc("flipside.RoundRecord", "what happened")],
                errors: ["a policy's or rule's own error, with its traceback",
                         "a policy answer the threat model refuses (nothing is applied)",
                         "a rule result that is not a float32 tensor of the parameters' size"]),
            FunctionDoc("flipside.Server:model", "The global model (the live object, not a copy).",
                        returns: [ReturnDoc("flipside.Model", "the model")]),
            FunctionDoc("flipside.Server:rounds", "The number of rounds run.", returns: [ReturnDoc("integer", "the count")]),
            FunctionDoc("flipside.Server:workers", "The number of workers.", returns: [ReturnDoc("integer", "the count")]),
            FunctionDoc("flipside.Server:attackers", "The attacking workers.", returns: [ReturnDoc("integer[]", "1-based, in increasing order")]),
        ])
}
