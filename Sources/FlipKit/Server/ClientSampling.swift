/// Which workers take part in a round: `perRound` of the n, drawn uniformly without
/// replacement from the server's own stream. Attackers are drawn like anyone, or, with
/// `attackersPerRound`, exactly that many of them beside perRound − attackersPerRound
/// honest workers.
public struct ClientSampling: Sendable, Equatable {
    public let perRound: Int
    public let attackersPerRound: Int?

    public init(perRound: Int, attackersPerRound: Int? = nil) {
        self.perRound = perRound
        self.attackersPerRound = attackersPerRound
    }

    /// Checks the sampling against `n` workers of which `a` attack.
    public func validate(workers n: Int, attackers a: Int) throws {
        guard perRound >= 1, perRound <= n else {
            throw FlipError("client sampling needs 1 <= m <= \(n) workers per round, got m = \(perRound)")
        }
        guard let k = attackersPerRound else { return }
        guard k >= 0, k <= min(a, perRound) else {
            throw FlipError("client sampling needs 0 <= attackers per round <= min(\(a) attackers, m = \(perRound)), got \(k)")
        }
        guard perRound - k <= n - a else {
            throw FlipError("client sampling of m = \(perRound) with \(k) attackers needs \(perRound - k) honest workers, there are \(n - a)")
        }
    }

    /// The round's workers, ascending. `attackers` and `honest` are the server's, ascending;
    /// `honest` is needed only with a fixed number of attackers per round.
    func draw(workers n: Int, attackers: [Int], honest: [Int], generator: Generator) throws -> [Int] {
        guard let k = attackersPerRound else {
            return try generator.sample(n, perRound).map { Int($0) }.sorted()
        }
        let bad = try generator.sample(attackers.count, k).map { attackers[Int($0)] }
        let good = try generator.sample(honest.count, perRound - k).map { honest[Int($0)] }
        return (bad + good).sorted()
    }
}
