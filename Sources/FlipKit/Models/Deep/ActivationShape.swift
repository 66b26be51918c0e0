/// The shape of one sample's activations, stored channels last: position
/// (row, column) major, the channels of a position contiguous. Images are
/// height × width × channels; a sequence of tokens is tokens × 1 × width.
/// Channels last makes a convolution's im2col rows whole runs of memory and
/// its output the product's rows as they come out of the GEMM.
public struct ActivationShape: Equatable, Sendable, Codable, CustomStringConvertible {
    public let height: Int
    public let width: Int
    public let channels: Int

    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    static func tokens(_ count: Int, width: Int) -> ActivationShape { ActivationShape(height: count, width: 1, channels: width) }

    var positions: Int { height * width }
    var count: Int { height * width * channels }

    public var description: String { width == 1 && height > 1 ? "\(height) tokens × \(channels)" : "\(height)×\(width)×\(channels)" }
}

/// What a pass needs beyond its inputs: the dropout step, set only in a
/// training epoch's passes (nil: dropout is the identity).
struct PassContext {
    var dropoutStep: UInt64? = nil
}
