/// The one default of each concept that several entry points share (the
/// native bindings read these; the stdlib reads them as flipside.defaults).
public enum Defaults {
    /// Learning rate of plain SGD everywhere: a model's epoch, the protocol,
    /// early stopping, the server, a surrogate, `model.sgd` and `model.adam`
    /// (the paper's 0.001).
    public static let learningRate = 0.001
    /// Rows per mini-batch, and per worker per server round.
    public static let batch = 64
    /// The seed of a run, of the protocol's and the server's generators.
    public static let seed = 1
    /// Whether the attacker reads the model and the honest gradient (paper Section 2.2).
    public static let omniscient = true
    /// Whether attacked epochs record their provenance (it costs extra passes).
    public static let provenance = false
    /// How the attacker's Δ is computed.
    public static let direction = DirectionMode.robust
}
