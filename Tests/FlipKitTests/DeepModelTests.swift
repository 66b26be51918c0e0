@testable import FlipKit
import Foundation
import Testing

/// The CNN and the vision transformer end to end: the gradient of the mean
/// cross-entropy against finite differences in Double, the Float model
/// against the Double layers, reruns, checkpoints, features, bad descriptions.
@Suite struct DeepModelTests {
    typealias Buffer = DeepLayerGradientTests.Buffer

    static let cnnImage = ActivationShape(height: 6, width: 6, channels: 2)
    static let cnnLayers = DeepPresets.cnn(channels: [3], kernel: 3, hidden: 5, classes: 3, batchNorm: true, dropout: 0,
                                           dropoutSeed: 0)
    static let vitImage = ActivationShape(height: 8, width: 8, channels: 1)
    static let vitLayers = DeepPresets.vit(patch: 4, width: 6, depth: 2, heads: 2, mlp: 8, classes: 3, dropout: 0,
                                           dropoutSeed: 0)

    /// Rows channel-major (as datasets store them) and their channels-last copy.
    static func images(_ g: Generator, rows n: Int, _ shape: ActivationShape) -> (rows: [Double], channelsLast: [Double]) {
        let rows = (0..<n * shape.count).map { _ in g.normal() }
        var last = rows
        for s in 0..<n {
            for k in 0..<shape.positions {
                for c in 0..<shape.channels { last[s * shape.count + k * shape.channels + c] = rows[s * shape.count + c * shape.positions + k] }
            }
        }
        return (rows, last)
    }

    /// The mean cross-entropy of the stack in Double, and (with `gradient`) its gradient.
    static func meanLoss(_ stack: LayerStack, _ p: Buffer, _ x: [Double], labels: [Int], gradient: Buffer? = nil) -> Double {
        let n = labels.count
        let input = Buffer(x.count)
        for k in 0..<x.count { input.pointer[k] = x[k] }
        let cache = Buffer(stack.cacheSize(rows: n))
        let z = stack.forward(p.pointer, input.pointer, rows: n, cache: cache.pointer, context: PassContext())
        let c = stack.output.count
        let dz = Buffer(n * c)
        var total = 0.0
        for i in 0..<n {
            let row = (0..<c).map { z[i * c + $0] }
            let top = row.max()!
            let sum = row.reduce(0) { $0 + exp($1 - top) }
            total += top + log(sum) - row[labels[i]]
            for j in 0..<c { dz.pointer[i * c + j] = (exp(row[j] - top) / sum - (j == labels[i] ? 1 : 0)) / Double(n) }
        }
        if let gradient {
            stack.backward(p.pointer, input.pointer, rows: n, cache: cache.pointer, dy: dz.pointer, dx: nil,
                           gradient: gradient.pointer, scale: 1, context: PassContext())
        }
        return total / Double(n)
    }

    static func checkEndToEnd(kind: String, image: ActivationShape, layers: [LayerSpec]) throws {
        let g = Generator(seed: 5)
        let n = 4
        let model = try Model.deep(kind: kind, image: image, classes: 3, layers: layers, generator: g)
        let stack = (model.kernel as! SequentialKernel).stack
        let (rows, channelsLast) = images(g, rows: n, image)
        let labels = (0..<n).map { _ in g.below(3) }
        let p = Buffer(model.parameterCount)
        for (k, v) in model.parameters.floatValues.enumerated() { p.pointer[k] = Double(v) }
        let analytic = Buffer(model.parameterCount)
        _ = meanLoss(stack, p, channelsLast, labels: labels, gradient: analytic)
        let h = 1e-6
        var worst = 0.0
        for k in 0..<model.parameterCount {
            let saved = p.pointer[k]
            p.pointer[k] = saved + h
            let plus = meanLoss(stack, p, channelsLast, labels: labels)
            p.pointer[k] = saved - h
            let minus = meanLoss(stack, p, channelsLast, labels: labels)
            p.pointer[k] = saved
            worst = max(worst, abs(analytic.pointer[k] - (plus - minus) / (2 * h)))
        }
        #expect(worst < 1e-7, "\(kind): largest deviation from finite differences \(worst)")
        // The Float model, on channel-major rows, computes the same gradient.
        let x = try Tensor(rows.map(Float.init), shape: [n, image.count])
        let y = try Tensor(int32: labels.map(Int32.init))
        let float = try model.gradient(features: x, labels: y).floatValues
        var largest = 0.0, off = 0.0
        for k in 0..<model.parameterCount {
            largest = max(largest, abs(analytic.pointer[k]))
            off = max(off, abs(Double(float[k]) - analytic.pointer[k]))
        }
        #expect(off < 1e-4 * max(largest, 1), "\(kind): Float gradient off by \(off) (largest \(largest))")
        #expect(abs(try model.loss(features: x, labels: y) - meanLoss(stack, p, channelsLast, labels: labels)) < 1e-5)
    }

    @Test func cnnGradientMatchesFiniteDifferences() throws {
        try Self.checkEndToEnd(kind: "cnn", image: Self.cnnImage, layers: Self.cnnLayers)
    }

    @Test func vitGradientMatchesFiniteDifferences() throws {
        try Self.checkEndToEnd(kind: "vit", image: Self.vitImage, layers: Self.vitLayers)
    }

    static func data(_ image: ActivationShape, rows n: Int, seed: UInt64) throws -> (Tensor, Tensor) {
        let g = Generator(seed: seed)
        let y = (0..<n).map { _ in Int32(g.below(3)) }
        // Each class brightens its own band of rows, so there is something to learn.
        let x = (0..<n * image.count).map { k -> Float in
            let (s, at) = (k / image.count, k % image.count % image.positions)
            return Float(g.normal() * 0.3) + (at / image.width % 3 == Int(y[s]) ? 1 : 0)
        }
        return (try Tensor(x, shape: [n, image.count]), try Tensor(int32: y))
    }

    static func trained(_ kind: String, _ image: ActivationShape, _ layers: [LayerSpec], seed: UInt64) throws -> Model {
        let model = try Model.deep(kind: kind, image: image, classes: 3, layers: layers, generator: Generator(seed: seed))
        let (x, y) = try data(image, rows: 48, seed: 9)
        let adam = try Optimizer(.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), learningRate: 0.01)
        let order = Generator(seed: seed + 100)
        for _ in 0..<3 { try model.trainEpoch(features: x, labels: y, batchSize: 8, optimizer: adam, generator: order) }
        return model
    }

    @Test func sameSeedIsBitIdenticalWithDropout() throws {
        let layers = DeepPresets.vit(patch: 4, width: 6, depth: 1, heads: 2, mlp: 8, classes: 3, dropout: 0.3, dropoutSeed: 17)
        let a = try Self.trained("vit", Self.vitImage, layers, seed: 1)
        let b = try Self.trained("vit", Self.vitImage, layers, seed: 1)
        let c = try Self.trained("vit", Self.vitImage, layers, seed: 2)
        #expect(a.parameters.floatValues.map(\.bitPattern) == b.parameters.floatValues.map(\.bitPattern))
        #expect(a.parameters.floatValues.map(\.bitPattern) != c.parameters.floatValues.map(\.bitPattern))
        let cnn = try Self.trained("cnn", Self.cnnImage, Self.cnnLayers, seed: 3)
        let again = try Self.trained("cnn", Self.cnnImage, Self.cnnLayers, seed: 3)
        #expect(cnn.parameters.floatValues.map(\.bitPattern) == again.parameters.floatValues.map(\.bitPattern))
    }

    @Test func trainingLearnsTheBands() throws {
        let model = try Self.trained("cnn", Self.cnnImage, DeepPresets.cnn(channels: [4], kernel: 3, hidden: 8, classes: 3,
                                                                            batchNorm: false, dropout: 0, dropoutSeed: 0), seed: 4)
        let (x, y) = try Self.data(Self.cnnImage, rows: 60, seed: 10)
        let predicted = try model.predict(features: x)
        let correct = zip(predicted.int32Values, y.int32Values).filter { $0 == $1 }.count
        #expect(correct >= 50, "\(correct) of 60 correct")
    }

    @Test func checkpointRoundTripsBitForBit() throws {
        for (kind, image, layers) in [("cnn", Self.cnnImage, Self.cnnLayers), ("vit", Self.vitImage, Self.vitLayers)] {
            let model = try Self.trained(kind, image, layers, seed: 6)
            let copy = try Checkpoint.decode(try Checkpoint.encode(model, engine: "test"), file: "memory")
            #expect(copy.kind == kind)
            #expect((copy.kernel as! SequentialKernel).specs == layers)
            #expect(copy.parameters.floatValues.map(\.bitPattern) == model.parameters.floatValues.map(\.bitPattern))
            let (x, _) = try Self.data(image, rows: 10, seed: 11)
            let first = try model.probabilities(features: x).floatValues.map(\.bitPattern)
            #expect(try model.probabilities(features: x).floatValues.map(\.bitPattern) == first, "\(kind): twice the same")
            #expect(try copy.probabilities(features: x).floatValues.map(\.bitPattern) == model.probabilities(features: x).floatValues.map(\.bitPattern))
        }
    }

    /// `bytes` with the first `old` replaced by `new`, of the same length (the header stays whole).
    static func replacing(_ old: String, with new: String, in bytes: [UInt8]) -> Data? {
        let (from, to) = (Array(old.utf8), Array(new.utf8))
        guard from.count == to.count, bytes.count >= from.count else { return nil }
        for start in 0...(bytes.count - from.count) where Array(bytes[start..<start + from.count]) == from {
            var out = bytes
            out.replaceSubrange(start..<start + from.count, with: to)
            return Data(out)
        }
        return nil
    }

    @Test func aCheckpointWithABrokenArchitectureIsRefused() throws {
        let model = try Model.deep(kind: "vit", image: Self.vitImage, classes: 3, layers: Self.vitLayers, generator: Generator(seed: 1))
        let bytes = [UInt8](try Checkpoint.encode(model, engine: "test"))
        let broken = try #require(Self.replacing("patches", with: "patchez", in: bytes))
        #expect(throws: FlipError("memory: not a flipside checkpoint (metadata 'architecture' is not a layer list)")) {
            try Checkpoint.decode(broken, file: "memory")
        }
        let misfit = try #require(Self.replacing(#"\"heads\":2"#, with: #"\"heads\":4"#, in: bytes))
        #expect(throws: FlipError("memory: not a flipside checkpoint (its architecture: layer 4 (residual), layer 2 (attention): heads must divide the width 6, got 4)")) {
            try Checkpoint.decode(misfit, file: "memory")
        }
    }

    @Test func featuresAreTheHeadsInputAndTheLastLayerItsGradient() throws {
        let model = try Self.trained("vit", Self.vitImage, Self.vitLayers, seed: 7)
        let (x, y) = try Self.data(Self.vitImage, rows: 10, seed: 12)
        let featureTensor = try model.penultimateFeatures(features: x)
        #expect(featureTensor.shape == [10, 6])
        let features = featureTensor.floatValues
        let headTensor = try model.layer(model.layerCount)
        #expect(headTensor.shape == [3, 7])
        let head = headTensor.floatValues
        let probabilities = try model.probabilities(features: x).floatValues
        for i in 0..<10 {
            let z = (0..<3).map { c in (0..<6).reduce(Double(head[c * 7 + 6])) { $0 + Double(head[c * 7 + $1] * features[i * 6 + $1]) } }
            let top = z.max()!
            let sum = z.reduce(0) { $0 + exp($1 - top) }
            for c in 0..<3 { #expect(abs(exp(z[c] - top) / sum - Double(probabilities[i * 3 + c])) < 1e-5) }
        }
        let full = try model.layer(model.layerCount, of: try model.gradient(features: x, labels: y))
        let last = try model.layerGradient(model.layerCount, features: x, labels: y)
        #expect(full.floatValues.map(\.bitPattern) == last.floatValues.map(\.bitPattern))
    }

    /// The scores of the greedy rule on the full gradient: s_iy − s_ic is what
    /// flipping row i from y to c changes its gradient's projection on Δ by.
    @Test func logitDerivativesGiveTheFlipsChangeOfTheProjection() throws {
        for (kind, image, layers) in [("cnn", Self.cnnImage, Self.cnnLayers), ("vit", Self.vitImage, Self.vitLayers)] {
            let model = try Self.trained(kind, image, layers, seed: 8)
            let (x, y) = try Self.data(image, rows: 6, seed: 13)
            let g = Generator(seed: 14)
            let direction = try Tensor((0..<model.parameterCount).map { _ in Float(g.normal()) })
            let d = direction.floatValues.map(Double.init)
            // One row at a time: the CNN's batch norm makes a row's numbers depend on its block.
            for row in [1, 4] {
                let one = try Tensor(int32: [Int32(row)])
                let scores = try model.logitDerivatives(features: x, rows: one, along: direction).floatValues
                let honest = Int(y.int32Values[row])
                let base = try model.gradient(features: x, labels: y, rows: one).floatValues
                for c in 0..<3 where c != honest {
                    let flipped = try model.gradient(features: x, labels: y, rows: one, overrides: try Tensor(int32: [Int32(c)])).floatValues
                    let change = zip(d, zip(flipped, base)).reduce(0.0) { $0 + $1.0 * Double($1.1.0 - $1.1.1) }
                    let predicted = Double(scores[honest] - scores[c])
                    #expect(abs(change - predicted) < 1e-3 * max(1, abs(change)), "\(kind) row \(row) → \(c): \(change) against \(predicted)")
                }
            }
        }
    }

    static func refusal(_ image: ActivationShape, _ layers: [LayerSpec], classes: Int = 3) -> String? {
        do {
            _ = try Model.deep(kind: "sequential", image: image, classes: classes, layers: layers, generator: Generator(seed: 0))
            return nil
        } catch { return "\(error)" }
    }

    @Test func badDescriptionsAreClearErrors() {
        let image = ActivationShape(height: 8, width: 8, channels: 1)
        let head = LayerSpec.linear(outputs: 3, perPosition: false)
        #expect(Self.refusal(image, [.patches(size: 3, width: 4), head]) == "layer 1 (patches): patch must divide the 8×8 image, got 3")
        #expect(Self.refusal(image, [.patches(size: 4, width: 6), .attention(heads: 4), head])
            == "layer 2 (attention): heads must divide the width 6, got 4")
        #expect(Self.refusal(image, [.convolution(channels: 2, kernel: 9, stride: 1, padding: 0), head])
            == "layer 1 (conv): a 9×9 kernel does not fit the 8×8 padded input")
        #expect(Self.refusal(image, [.maxPool(size: 2, stride: 2), .relu])
            == "the last layer must be a linear head with 3 outputs (one per class), got relu giving 4×4×1")
        #expect(Self.refusal(image, [.residual([.convolution(channels: 2, kernel: 3, stride: 1, padding: 1)]), head])
            == "layer 1 (residual), a residual block must give its input's shape 8×8×1, its layers give 8×8×2")
        #expect(Self.refusal(image, [.residual([.relu, .maxPool(size: 9, stride: 1)]), head])
            == "layer 1 (residual), layer 2 (maxpool): a 9×9 window does not fit the 8×8 input")
        #expect(Self.refusal(image, [.attention(heads: 1), head]) == "layer 1 (attention): attention runs over tokens, got a 8×8×1 image")
        #expect(Self.refusal(image, [.dropout(rate: 1, seed: 0), head]) == "layer 1 (dropout): rate must be in [0, 1), got 1.0")
        #expect(Self.refusal(image, [.convolution(channels: 1 << 40, kernel: 3, stride: 1, padding: 1), head])
            == "layer 1 (conv): channels must be at most 65536, got 1099511627776")
        #expect(Self.refusal(image, [.linear(outputs: 65536, perPosition: true), .linear(outputs: 65536, perPosition: false), head])
            == "the model would hold 274878300163 parameters, more than the 1073741824 allowed")
        #expect(Self.refusal(ActivationShape(height: 1 << 20, width: 1, channels: 1), [head])
            == "the input's height must be 1 to 65536, got 1048576")
    }
}
