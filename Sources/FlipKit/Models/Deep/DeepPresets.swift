/// The layers of the two deep architectures flipside names.
public enum DeepPresets {
    /// A CNN: per entry of `channels`, a convolution (`kernel` square, stride 1,
    /// padded to keep the size), batch norm if asked, ReLU and 2×2 max
    /// pooling; then a ReLU layer of `hidden` units (dropout after it at
    /// `dropout` > 0) and the linear head. The hidden units are its
    /// penultimate features.
    public static func cnn(channels: [Int], kernel: Int, hidden: Int, classes: Int, batchNorm: Bool, dropout: Double,
                           dropoutSeed: Int) -> [LayerSpec] {
        var layers: [LayerSpec] = []
        for c in channels {
            layers.append(.convolution(channels: c, kernel: kernel, stride: 1, padding: kernel / 2))
            if batchNorm { layers.append(.batchNorm) }
            layers += [.relu, .maxPool(size: 2, stride: 2)]
        }
        layers += [.linear(outputs: hidden, perPosition: false), .relu]
        if dropout > 0 { layers.append(.dropout(rate: dropout, seed: dropoutSeed)) }
        return layers + [.linear(outputs: classes, perPosition: false)]
    }

    /// A vision transformer: `patch` × `patch` patches embedded in `width`
    /// values, a class token and learned positions, then `depth` pre-norm
    /// blocks, x + attention(LN(x)) and x + MLP(LN(x)) (MLP: `mlp` GELU units,
    /// dropout after them at `dropout` > 0), a final layer norm, and the head
    /// on the class token. The normalised class token is its penultimate features.
    public static func vit(patch: Int, width: Int, depth: Int, heads: Int, mlp: Int, classes: Int, dropout: Double,
                           dropoutSeed: Int) -> [LayerSpec] {
        var layers: [LayerSpec] = [.patches(size: patch, width: width), .classToken, .positions]
        for block in 0..<depth {
            var perceptron: [LayerSpec] = [.layerNorm, .linear(outputs: mlp, perPosition: true), .gelu]
            // Each block's masks differ: its seed is the model's plus the block.
            if dropout > 0 { perceptron.append(.dropout(rate: dropout, seed: (dropoutSeed + block) % LayerSpec.maxSeed)) }
            perceptron.append(.linear(outputs: width, perPosition: true))
            layers += [.residual([.layerNorm, .attention(heads: heads)]), .residual(perceptron)]
        }
        return layers + [.layerNorm, .firstToken, .linear(outputs: classes, perPosition: false)]
    }
}
