import FlipKit
import LuaHost

/// flipside.random: seeded generators. Every random choice a script makes
/// should draw from one of these.
enum RandomModule {
    static func register(in vm: LuaVM) {
        vm.registerType(Generator.self, name: "flipside.Generator", methods: methods) { g in
            "Generator(seed \(g.seed))"
        }
    }

    static let functions: [LuaFunction] = [
        LuaFunction("generator") { call in
            let seed = try call.integer(1)
            try call.push(Generator(seed: UInt64(bitPattern: Int64(seed))))
            return 1
        },
    ]

    static let methods: [LuaFunction] = [
        LuaFunction("seed") { call in call.push(Int(Int64(bitPattern: try call.generator(1).seed))); return 1 },
        LuaFunction("split") { call in try call.push(try call.generator(1).split()); return 1 },
        LuaFunction("uniform") { call in
            let g = try call.generator(1)
            if call.isNoneOrNil(2) {
                call.push(g.uniform())
                return 1
            }
            let (shape, _) = try call.shape(from: 2)
            let t = try Tensor(zeros: shape)
            for i in 0..<t.count { t.floats[i] = Float(g.uniform()) }
            try call.push(t)
            return 1
        },
        LuaFunction("normal") { call in
            let g = try call.generator(1)
            if call.isNoneOrNil(2) {
                call.push(g.normal())
                return 1
            }
            let (shape, next) = try call.shape(from: 2)
            let mean = try call.number(next, default: 0)
            let std = try call.number(next + 1, default: 1)
            guard std >= 0, std.isFinite else { throw LuaArgumentError(next + 1, "standard deviation must be finite and non-negative") }
            let t = try Tensor(zeros: shape)
            for i in 0..<t.count { t.floats[i] = Float(mean + std * g.normal()) }
            try call.push(t)
            return 1
        },
        LuaFunction("integer") { call in
            let g = try call.generator(1)
            let n = try call.integer(2, in: 1...Int(Int32.max))
            if call.isNoneOrNil(3) {
                call.push(g.below(n) + 1)
                return 1
            }
            // integer(n, count): an int32 tensor of `count` draws from 1..n
            let count = try call.integer(3, in: 0...Tensor.maxElements)
            let t = try Tensor(zeros: [count], dtype: .int32)
            for i in 0..<count { t.int32s[i] = Int32(g.below(n) + 1) }
            try call.push(t)
            return 1
        },
        LuaFunction("permutation") { call in
            let g = try call.generator(1)
            let n = try call.integer(2, in: 0...Generator.maxPermutation)
            try call.pushOneBased(g.permutation(n))
            return 1
        },
        LuaFunction("sample") { call in
            let g = try call.generator(1)
            let n = try call.integer(2, in: 0...Int(Int32.max))
            let k = try call.integer(3, in: 0...n)
            try call.pushOneBased(try g.sample(n, k))
            return 1
        },
    ]
}
