/// One run of a script at one parameter point and seed, as stored.
public struct RunRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case ok, failed
    }

    /// Hash of the script's content, its parameters and its seed.
    public var id: String
    public var script: String
    public var scriptHash: String
    /// What the key covers besides parameters and seed (nil in stores from before it was recorded).
    public var keyInputs: KeyInputs?
    public var parameters: [String: RunValue]
    public var seed: Int
    public var codeVersion: String
    public var status: Status
    public var error: String?
    public var traceback: String?
    public var seconds: Double
    /// Scalar metrics the run returned (accuracy, macro_f1, ...).
    public var metrics: [String: RunValue]
    /// One table of numbers per epoch, in order.
    public var epochs: [[String: Double]]
    /// Flips recorded when the script asked for provenance.
    public var provenance: [ProvenanceRow]
    /// A run of the same script, parameters and seed under other key inputs was stored after this one.
    public var superseded = false

    public init(id: String, script: String, scriptHash: String, keyInputs: KeyInputs? = nil, parameters: [String: RunValue], seed: Int,
                codeVersion: String, status: Status, error: String? = nil, traceback: String? = nil, seconds: Double,
                metrics: [String: RunValue] = [:], epochs: [[String: Double]] = [], provenance: [ProvenanceRow] = []) {
        self.id = id
        self.script = script
        self.scriptHash = scriptHash
        self.keyInputs = keyInputs
        self.parameters = parameters
        self.seed = seed
        self.codeVersion = codeVersion
        self.status = status
        self.error = error
        self.traceback = traceback
        self.seconds = seconds
        self.metrics = metrics
        self.epochs = epochs
        self.provenance = provenance
    }
}

/// One flipped label in one epoch of a run.
public struct ProvenanceRow: Sendable, Equatable, Codable {
    public var epoch: Int
    public var row: Int
    public var oldLabel: Int
    public var newLabel: Int

    public init(epoch: Int, row: Int, oldLabel: Int, newLabel: Int) {
        self.epoch = epoch
        self.row = row
        self.oldLabel = oldLabel
        self.newLabel = newLabel
    }
}
