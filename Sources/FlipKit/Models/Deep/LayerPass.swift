/// What every deep layer provides. Activations are `rows` samples of
/// `input.count` (then `output.count`) values each, contiguous, channels last
/// (ActivationShape). A layer keeps what its backward pass needs in `cache`,
/// `cacheSize(rows:)` values that it alone writes.
///
/// The backward pass reads `dy` and writes `dx` (when asked: the model's first
/// layer has no one to give it to), then adds `scale` times its parameters'
/// gradient to `gradient`. It computes `dx` before it adds to `gradient`: the
/// gradient may be the parameters themselves (plain SGD steps inside the
/// pass, see PassOutputs), and `dx` must see the weights of the forward pass.
protocol LayerPass: Sendable {
    var input: ActivationShape { get }
    var output: ActivationShape { get }
    var parameterCount: Int { get }
    func cacheSize(rows n: Int) -> Int
    func forward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, rows n: Int, into y: UnsafeMutablePointer<T>,
                                cache: UnsafeMutablePointer<T>, context: PassContext)
    func backward<T: DeepScalar>(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows n: Int,
                                 cache: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?,
                                 gradient: UnsafeMutablePointer<T>, scale: T, context: PassContext)
    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator)
}

extension LayerPass {
    var parameterCount: Int { 0 }
    func cacheSize(rows n: Int) -> Int { 0 }
    func initialize(_ p: UnsafeMutablePointer<Float>, _ generator: Generator) {}
}
