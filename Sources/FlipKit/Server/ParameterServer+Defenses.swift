/// What the defenses that read the model's layout or keep state across rounds compute
/// before the rule combines the messages.
extension ParameterServer {
    /// FoolsGold's α (with the histories to keep once the round goes through) or LFighter's
    /// 1/0 per message; nil for the other rules.
    func workerWeights(_ messages: [Tensor], workers: [Int]) throws -> (alpha: [Double]?, histories: [Int: [Double]]?) {
        if let foolsGold {
            let proposal = foolsGold.propose(workers: workers, blocks: try messages.map { try model.layer(model.layerCount, of: $0).floatValues })
            return (proposal.alpha, proposal.histories)
        }
        guard aggregator.rule == .lfighter else { return (nil, nil) }
        let layers = try messages.map { message -> [[Float]] in
            let layer = try model.layer(model.layerCount, of: message)
            let width = layer.shape[1]
            return (0..<layer.shape[0]).map { Array(layer.floats[($0 * width)..<(($0 + 1) * width)]) }
        }
        let out = Set(try LFighter.excluded(layers))
        return (workers.indices.map { out.contains($0) ? 0 : 1 }, nil)
    }
}
