/// What the defenses that read the model's layout or keep state across rounds compute
/// before the rule combines the messages.
extension ParameterServer {
    /// FoolsGold's α, or LFighter's and the PCA detection's 1/0 per message (nil for the
    /// other rules), and what keeps the defense's new state once the round has gone through.
    func workerWeights(_ messages: [Tensor], workers: [Int]) throws -> (alpha: [Double]?, commit: (() -> Void)?) {
        if let foolsGold {
            let proposal = foolsGold.propose(workers: workers, blocks: try messages.map { try model.layer(model.layerCount, of: $0).floatValues })
            return (proposal.alpha, { foolsGold.commit(proposal.histories) })
        }
        guard aggregator.rule.keepsWorkersByFilter else { return (nil, nil) }
        let layers = try messages.map { message -> [[Float]] in
            let layer = try model.layer(model.layerCount, of: message)
            let width = layer.shape[1]
            return (0..<layer.shape[0]).map { Array(layer.floats[($0 * width)..<(($0 + 1) * width)]) }
        }
        var out: Set<Int>
        var commit: (() -> Void)?
        if let pcaDetection {
            let proposal = try pcaDetection.propose(workers: workers, layers: layers)
            out = Set(proposal.excluded)
            commit = { pcaDetection.commit(proposal.window) }
        } else {
            out = Set(try LFighter.excluded(layers))
        }
        return (workers.indices.map { out.contains($0) ? 0 : 1 }, commit)
    }
}
