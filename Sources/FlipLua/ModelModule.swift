import FlipKit
import LuaHost

/// flipside.model: models trained natively, driven from Lua.
enum ModelModule {
    typealias LR = BinaryLogisticRegression

    static func register(in vm: LuaVM) {
        vm.registerType(LR.self, name: "flipside.LogisticRegression", methods: methods) { m in
            "LogisticRegression(\(m.dimension) inputs, binary)"
        }
    }

    static let functions: [LuaFunction] = [
        LuaFunction("logistic") { call in
            let d = try call.integer(1, in: 1...Int(Int32.max) - 1)
            try call.push(try LR(dimension: d))
            return 1
        },
    ]

    static func model(_ call: LuaCall) throws -> LR { try call.object(1, LR.self) }

    static let methods: [LuaFunction] = [
        LuaFunction("dimension") { call in call.push(try model(call).dimension); return 1 },
        LuaFunction("params") { call in try call.push(try model(call).parameters.clone()); return 1 },
        LuaFunction("set_params") { call in
            let m = try model(call)
            do { try m.setParameters(try call.tensor(2)) } catch let e as FlipError { throw LuaArgumentError(2, e.description) }
            return 0
        },
        LuaFunction("clone") { call in try call.push(try model(call).clone()); return 1 },
        LuaFunction("is_finite") { call in call.push(try model(call).isFinite); return 1 },
        LuaFunction("gradient") { call in
            let m = try model(call)
            let x = try call.tensor(2)
            let y = try call.tensor(3)
            let rows = call.isNoneOrNil(4) ? nil : try call.rowIndices(4, limit: x.rows)
            try call.push(try m.gradient(features: x, labels: y, rows: rows))
            return 1
        },
        LuaFunction("train_epoch") { call in
            let m = try model(call)
            let x = try call.tensor(2)
            let y = try call.tensor(3)
            let options = try call.table(4)
            let batch = try options.integer("batch", default: 64)
            let lr = try options.number("lr", default: 0.001)
            guard let rng = try options.object("rng", Generator.self) else {
                throw LuaArgumentError(4, "field 'rng': Generator expected, got nil")
            }
            let rows = try options.withField("rows") { i in
                call.isNoneOrNil(i) ? nil : try call.rowIndices(i, limit: x.rows)
            }
            let loss = try m.trainEpoch(features: x, labels: y, rows: rows, batchSize: batch, learningRate: lr, generator: rng)
            call.push(loss)
            call.push(m.isFinite && loss.isFinite ? "ok" : "diverged")
            return 2
        },
        LuaFunction("predict") { call in
            try call.push(try model(call).predict(features: try call.tensor(2)))
            return 1
        },
        LuaFunction("loss") { call in
            call.push(try model(call).loss(features: try call.tensor(2), labels: try call.tensor(3)))
            return 1
        },
        LuaFunction("accuracy") { call in
            let m = try model(call)
            let x = try call.tensor(2)
            let y = try call.tensor(3)
            let predicted = try m.predict(features: x)
            try y.requireDType(.int32, "labels")
            guard y.count == predicted.count else { throw FlipError("\(predicted.count) feature rows but \(y.count) labels") }
            guard y.count > 0 else { throw FlipError("accuracy of an empty set") }
            let hits = zip(predicted.int32s, y.int32s).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
            call.push(Double(hits) / Double(y.count))
            return 1
        },
    ]
}
