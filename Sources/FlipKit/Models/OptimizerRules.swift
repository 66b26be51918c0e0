/// The optimizers' update rules, written once for one parameter (Float) and
/// for eight (SIMD8<Float>): a sweep takes eight at a time, then the tail one
/// at a time. Both evaluate the same expressions in the same order, without
/// fused multiply-adds, so a parameter gets the same float whichever loop
/// updates it.
protocol UpdateLane {
    init(repeating: Float)
    init(loading p: UnsafePointer<Float>)
    func store(_ p: UnsafeMutablePointer<Float>)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    func squareRoot() -> Self
}

extension Float: UpdateLane {
    @inline(__always) init(repeating v: Float) { self = v }
    @inline(__always) init(loading p: UnsafePointer<Float>) { self = p.pointee }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) { p.pointee = self }
}

extension SIMD8: UpdateLane where Scalar == Float {
    @inline(__always) init(loading p: UnsafePointer<Float>) { self = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: self, as: SIMD8<Float>.self) }
}

/// One optimizer's update of parameter(s) k.
protocol UpdateRule {
    func apply<L: UpdateLane>(_: L.Type, at k: Int)
}

extension UpdateRule {
    @inline(__always)
    func sweep(count: Int) {
        var k = 0
        while k + 8 <= count {
            apply(SIMD8<Float>.self, at: k)
            k += 8
        }
        while k < count {
            apply(Float.self, at: k)
            k += 1
        }
    }
}

/// The parameters a step updates and their gradient: the mean gradient of
/// parameter(s) k is scale·g[k], plus decay·p[k] under L2 weight decay.
struct StepInput {
    let parameters: UnsafeMutablePointer<Float>
    let gradient: UnsafePointer<Float>
    let scale: Float
    let decay: Float?

    @inline(__always)
    func meanGradient<L: UpdateLane>(at k: Int) -> L {
        let gk = L(loading: gradient + k) * L(repeating: scale)
        guard let decay else { return gk }
        return gk + L(repeating: decay) * L(loading: parameters + k)
    }
}

/// p −= lr·ḡ
struct PlainStep: UpdateRule {
    let input: StepInput
    let lr: Float

    @inline(__always)
    func apply<L: UpdateLane>(_: L.Type, at k: Int) {
        let p = input.parameters + k
        (L(loading: p) - L(repeating: lr) * input.meanGradient(at: k)).store(p)
    }
}

/// u = μ·u + ḡ; p −= lr·u
struct MomentumStep: UpdateRule {
    let input: StepInput
    let lr: Float
    let momentum: Float
    let velocity: UnsafeMutablePointer<Float>

    @inline(__always)
    func apply<L: UpdateLane>(_: L.Type, at k: Int) {
        let u = L(repeating: momentum) * L(loading: velocity + k) + input.meanGradient(at: k)
        u.store(velocity + k)
        let p = input.parameters + k
        (L(loading: p) - L(repeating: lr) * u).store(p)
    }
}

/// Adam with bias correction: m = β1·m + (1 − β1)·ḡ, v = β2·v + (1 − β2)·ḡ²,
/// p −= lr·(m/c1) / (√(v/c2) + ε), c_i = 1 − β_i^t.
struct AdamStep: UpdateRule {
    let input: StepInput
    let lr: Float
    let beta1: Float, beta2: Float, epsilon: Float
    let correction1: Float, correction2: Float
    let first: UnsafeMutablePointer<Float>, second: UnsafeMutablePointer<Float>

    @inline(__always)
    func apply<L: UpdateLane>(_: L.Type, at k: Int) {
        let gk: L = input.meanGradient(at: k)
        let m = L(repeating: beta1) * L(loading: first + k) + L(repeating: 1 - beta1) * gk
        let v = L(repeating: beta2) * L(loading: second + k) + L(repeating: 1 - beta2) * gk * gk
        m.store(first + k)
        v.store(second + k)
        let p = input.parameters + k
        let update = L(repeating: lr) * (m / L(repeating: correction1)) / ((v / L(repeating: correction2)).squareRoot() + L(repeating: epsilon))
        (L(loading: p) - update).store(p)
    }
}
