@testable import FlipKit
import Testing

@Suite struct AggregatorErrorTests {
    func refused(_ expected: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("accepted, expected: \(expected)")
        } catch let error as FlipError {
            #expect(error.description.contains(expected), "\(error.description)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    func refused(_ rule: AggregationRule, workers n: Int, _ expected: String) {
        refused(expected) {
            _ = try Aggregator(rule: rule).aggregate(messages(honestRows(workers: n, parameters: 3)))
        }
    }

    @Test func malformedMessagesAreRefused() throws {
        refused("message of worker 2 has 9 values, worker 1 has 10") {
            _ = try Aggregator.stack([Tensor(zeros: [10]), Tensor(zeros: [3, 3]), Tensor(zeros: [10])])
        }
        refused("message of worker 2 must be a float32 tensor, got int32") {
            _ = try Aggregator.stack([Tensor(zeros: [2]), Tensor(zeros: [2], dtype: .int32)])
        }
        refused("no messages to stack") { _ = try Aggregator.stack([]) }
        let aggregator = try Aggregator()
        refused("messages must be a float32 tensor, got uint8") {
            _ = try aggregator.aggregate(Tensor(zeros: [2, 2], dtype: .uint8))
        }
        refused("messages must have 2 dimensions, got shape [4]") { _ = try aggregator.aggregate(Tensor(zeros: [4])) }
        refused("at least one worker, got shape [0x4]") { _ = try aggregator.aggregate(Tensor(zeros: [0, 4])) }
        refused("at least one parameter, got shape [3x0]") { _ = try aggregator.aggregate(Tensor(zeros: [3, 0])) }
    }

    @Test func nonFiniteMessagesNameTheWorkerAndCoordinate() throws {
        var rows = [[Float]](repeating: [Float](repeating: 1, count: 20), count: 4)
        rows[2][16] = .nan
        refused("message of worker 3 holds a non-finite value (nan) at coordinate 17") {
            _ = try Aggregator(rule: .median).aggregate(messages(rows))
        }
        rows[2][16] = 1
        rows[0][0] = -.infinity
        refused("message of worker 1 holds a non-finite value (-inf) at coordinate 1") {
            _ = try PreAggregation.normClip(threshold: 1).apply(to: messages(rows))
        }
    }

    @Test func tooManyFaultsForTheWorkersAreRefused() {
        refused(.trimmedMean(f: 3), workers: 6, "trimmed mean with f = 3 needs n > 2f workers, got n = 6")
        refused(.trimmedMean(f: -1), workers: 6, "trimmed mean needs f >= 0, got f = -1")
        refused(.krum(f: 1), workers: 4, "Krum with f = 1 needs n > 2f + 2 workers, got n = 4")
        refused(.trimmedMean(f: .max), workers: 3, "trimmed mean with f = \(Int.max) needs n > 2f workers, got n = 3")
        refused(.krum(f: .max), workers: 3, "Krum with f = \(Int.max) needs n > 2f + 2 workers, got n = 3")
        refused(.krum(f: 0), workers: 2, "Krum with f = 0 needs n > 2f + 2 workers, got n = 2")
        refused(.multiKrum(f: 2, m: 1), workers: 6, "multi-Krum with f = 2 needs n > 2f + 2 workers, got n = 6")
        refused("nearest-neighbour mixing with f = 3 needs n > f workers, got n = 3") {
            _ = try Aggregator(steps: [.nearestNeighbourMixing(f: 3)]).aggregate(messages(honestRows(workers: 3, parameters: 2)))
        }
        refused("nearest-neighbour mixing needs f >= 0, got f = -2") {
            _ = try Aggregator(steps: [.nearestNeighbourMixing(f: -2)])
        }
    }

    @Test func multiKrumCountOutOfRangeIsRefused() {
        refused(.multiKrum(f: 1, m: 5), workers: 5, "multi-Krum with f = 1 and n = 5 needs 1 <= m <= n - f = 4, got m = 5")
        refused(.multiKrum(f: 1, m: 0), workers: 5, "multi-Krum needs m >= 1, got m = 0")
    }

    @Test func badIterationParametersAreRefusedAtConstruction() {
        for bad in [0, -1, Double.nan, .infinity] {
            let text = formatNumber(bad)
            refused("geometric median needs a finite tolerance > 0, got \(text)") {
                _ = try Aggregator(rule: .geometricMedian(tolerance: bad, maxIterations: 10))
            }
            refused("geometric median needs a finite smoothing > 0, got \(text)") {
                _ = try Aggregator(rule: .geometricMedian(tolerance: 1e-6, maxIterations: 10, smoothing: bad))
            }
            refused("centered clipping needs a finite tau > 0, got \(text)") {
                _ = try Aggregator(rule: .centeredClipping(tau: bad, iterations: 3))
            }
            refused("norm clipping needs a finite threshold > 0, got \(text)") {
                _ = try Aggregator(steps: [.normClip(threshold: bad)])
            }
        }
        refused("geometric median needs maxIterations >= 1, got 0") {
            _ = try Aggregator(rule: .geometricMedian(tolerance: 1e-6, maxIterations: 0))
        }
        refused("centered clipping needs iterations >= 1, got -3") {
            _ = try Aggregator(rule: .centeredClipping(tau: 1, iterations: -3))
        }
    }

    @Test func badReferenceVectorsAreRefused() throws {
        let input = try messages([[1, 2, 3], [4, 5, 6]])
        let aggregator = try Aggregator(rule: .centeredClipping(tau: 1, iterations: 2))
        refused("reference vector has 2 values, messages have 3") {
            _ = try aggregator.aggregate(input, reference: Tensor([0, 0]))
        }
        refused("reference vector holds a non-finite value (inf) at coordinate 2") {
            _ = try aggregator.aggregate(input, reference: Tensor([0, .infinity, 0]))
        }
        refused("reference vector must be a float32 tensor, got int32") {
            _ = try aggregator.aggregate(input, reference: Tensor(int32: [0, 0, 0]))
        }
    }
}
