import FlipKit
import LuaHost

/// flipside.model: the architectures, their optimizers, and every pass a
/// protocol needs (gradients on any subset, losses, predictions, features).
enum ModelModule {
    static func register(in vm: LuaVM) {
        vm.registerType(Model.self, name: "flipside.Model", methods: methods) { $0.summary }
        vm.registerType(Optimizer.self, name: "flipside.Optimizer", methods: optimizerMethods) { o in
            "Optimizer(\(o.name), lr \(formatNumber(o.learningRate)), \(o.steps) steps)"
        }
    }

    static let functions: [LuaFunction] = [
        LuaFunction("logistic") { call in
            let d = try call.integer(1, in: 1...Int(Int32.max) - 1)
            try call.push(try Model.binaryLogistic(dimension: d) as Model)
            return 1
        },
        LuaFunction("softmax") { call in
            let d = try call.integer(1, in: 1...Int(Int32.max) - 1)
            let c = try call.integer(2, in: 2...65536)
            try call.push(try Model.softmax(inputs: d, classes: c) as Model)
            return 1
        },
        // mlp(inputs, hidden, classes, rng)
        LuaFunction("mlp") { call in
            let d = try call.integer(1, in: 1...Int(Int32.max) - 1)
            let h = try call.integer(2, in: 1...Int(Int32.max) - 1)
            let c = try call.integer(3, in: 2...65536)
            let g = try call.generator(4)
            try call.push(try call.blaming(2) { try Model.perceptron(inputs: d, hidden: h, classes: c, generator: g) } as Model)
            return 1
        },
        LuaFunction("sgd") { call in
            let o = try call.optionalTable(1)
            try o?.requireDeclared(ModelReference.sgdOptions.fields)
            let lr = try o?.number("lr") ?? Defaults.learningRate
            let momentum = try o?.number("momentum") ?? 0
            let decay = try o?.number("weight_decay") ?? 0
            try call.push(try call.blaming(1) { try Optimizer(.sgd(momentum: momentum), learningRate: lr, weightDecay: decay) })
            return 1
        },
        LuaFunction("adam") { call in
            let o = try call.optionalTable(1)
            try o?.requireDeclared(ModelReference.adamOptions.fields)
            let method = Optimizer.Method.adam(beta1: try o?.number("beta1") ?? 0.9, beta2: try o?.number("beta2") ?? 0.999,
                                               epsilon: try o?.number("eps") ?? 1e-8)
            let lr = try o?.number("lr") ?? Defaults.learningRate
            let decay = try o?.number("weight_decay") ?? 0
            try call.push(try call.blaming(1) { try Optimizer(method, learningRate: lr, weightDecay: decay) })
            return 1
        },
        LuaFunction("is_model") { call in call.push(try call.objectIfPresent(1, Model.self) != nil); return 1 },
        // load(path) -> the model a checkpoint (model:save) holds
        LuaFunction("load") { call in
            let path = try call.string(1)
            _ = try call.vm?.sandbox?.readablePath(path)
            try call.push(try call.blaming(1) { try Checkpoint.load(path: path) } as Model)
            return 1
        },
    ] + DeepModelOptions.functions

    static func model(_ call: LuaCall) throws -> Model { try call.object(1, Model.self) }

    /// Features and labels at arguments 2 and 3.
    static func data(_ call: LuaCall) throws -> (Model, Tensor, Tensor) {
        (try model(call), try call.tensor(2), try call.tensor(3))
    }

    static let methods: [LuaFunction] = [
        LuaFunction("kind") { call in call.push(try model(call).kind); return 1 },
        LuaFunction("dimension") { call in call.push(try model(call).inputDimension); return 1 },
        LuaFunction("classes") { call in call.push(try model(call).classes); return 1 },
        LuaFunction("parameter_count") { call in call.push(try model(call).parameterCount); return 1 },
        LuaFunction("params") { call in try call.push(try model(call).parameters.clone()); return 1 },
        LuaFunction("set_params") { call in
            let m = try model(call)
            let values = try call.tensor(2)
            try call.blaming(2) { try m.setParameters(values) }
            return 0
        },
        LuaFunction("layer_count") { call in call.push(try model(call).layerCount); return 1 },
        // layer(i [, t]): layer i of the parameters, or of `t` shaped like them (a gradient, a delta)
        LuaFunction("layer") { call in
            let m = try model(call)
            let i = try call.integer(2)
            let source = try call.objectIfPresent(3, Tensor.self)
            try call.push(try call.blaming(source == nil ? 2 : 3) { try m.layer(i, of: source) })
            return 1
        },
        LuaFunction("probabilities") { call in
            let m = try model(call)
            let x = try call.tensor(2)
            try call.push(try m.probabilities(features: x, rows: try call.optionalRows(3, limit: x.rows)))
            return 1
        },
        LuaFunction("set_layer") { call in
            let m = try model(call)
            let i = try call.integer(2)
            let values = try call.tensor(3)
            try call.blaming(3) { try m.setLayer(i, values) }
            return 0
        },
        LuaFunction("clone") { call in try call.push(try model(call).clone()); return 1 },
        // save(path): the model as a safetensors checkpoint
        LuaFunction("save") { call in
            let m = try model(call)
            let path = try call.string(2)
            _ = try call.vm?.sandbox?.writablePath(path)
            try call.blaming(2) { try Checkpoint.save(m, to: path, engine: "flipside \(Flipside.version)") }
            return 0
        },
        LuaFunction("is_finite") { call in call.push(try model(call).isFinite); return 1 },
        LuaFunction("status") { call in call.push(try model(call).isFinite ? "ok" : "diverged"); return 1 },
        // gradient(x, y [, rows [, labels]]): labels override y on the visited rows, in order
        LuaFunction("gradient") { call in
            let (m, x, y) = try data(call)
            let rows = try call.optionalRows(4, limit: x.rows)
            let overrides = try call.optionalLabels(5)
            try call.push(try m.gradient(features: x, labels: y, rows: rows, overrides: overrides))
            return 1
        },
        // direction(x, y [, rows [, labels]]) -> direction, log_scale: gradient = e^log_scale * direction
        LuaFunction("direction") { call in
            let (m, x, y) = try data(call)
            let rows = try call.optionalRows(4, limit: x.rows)
            let overrides = try call.optionalLabels(5)
            let d = try m.gradientDirection(features: x, labels: y, rows: rows, overrides: overrides)
            try call.push(d.direction)
            call.push(d.logScale)
            return 2
        },
        // layer_gradient(i, x, y [, rows [, labels]]): layer i of gradient(x, y, rows, labels)
        LuaFunction("layer_gradient") { call in
            let m = try model(call)
            let i = try call.integer(2)
            let (x, y) = (try call.tensor(3), try call.tensor(4))
            let rows = try call.optionalRows(5, limit: x.rows)
            let overrides = try call.optionalLabels(6)
            try call.blaming(2) { try m.checkLayer(i) }
            try call.push(try m.layerGradient(i, features: x, labels: y, rows: rows, overrides: overrides))
            return 1
        },
        LuaFunction("losses") { call in
            let (m, x, y) = try data(call)
            let rows = try call.optionalRows(4, limit: x.rows)
            let overrides = try call.optionalLabels(5)
            try call.push(try m.losses(features: x, labels: y, rows: rows, overrides: overrides))
            return 1
        },
        LuaFunction("loss") { call in
            let (m, x, y) = try data(call)
            call.push(try m.loss(features: x, labels: y, rows: try call.optionalRows(4, limit: x.rows)))
            return 1
        },
        LuaFunction("predict") { call in
            let m = try model(call)
            let x = try call.tensor(2)
            try call.push(try m.predict(features: x, rows: try call.optionalRows(3, limit: x.rows)))
            return 1
        },
        LuaFunction("features") { call in
            let m = try model(call)
            let x = try call.tensor(2)
            try call.push(try m.penultimateFeatures(features: x, rows: try call.optionalRows(3, limit: x.rows)))
            return 1
        },
        // train_epoch(x, y, {rng=, batch=, lr= | optimizer=, rows=}) -> mean loss, status (defaults: Defaults)
        LuaFunction("train_epoch") { call in
            let (m, x, y) = try data(call)
            let options = try call.table(4)
            try options.requireDeclared(ModelReference.trainOptions.fields)
            let batch = try options.integer("batch", default: Defaults.batch)
            guard let rng = try options.object("rng", Generator.self) else {
                throw LuaArgumentError(4, "field 'rng': Generator expected, got nil")
            }
            let optimizer = try options.object("optimizer", Optimizer.self)
            let lr = try options.number("lr")
            if optimizer != nil && lr != nil {
                throw LuaArgumentError(4, "give either field 'lr' (plain SGD) or field 'optimizer', not both")
            }
            let rows = try options.withField("rows") { i in try call.optionalRows(i, limit: x.rows) }
            let chosen = try optimizer ?? call.blaming(4) { try Optimizer(.sgd(momentum: 0), learningRate: lr ?? Defaults.learningRate) }
            let loss = try m.trainEpoch(features: x, labels: y, rows: rows, batchSize: batch, optimizer: chosen, generator: rng)
            call.push(loss)
            call.push(m.isFinite && loss.isFinite ? "ok" : "diverged")
            return 2
        },
        // accuracy(x, y) -> fraction, or nil and "diverged" for a non-finite model
        LuaFunction("accuracy") { call in
            let (m, x, y) = try data(call)
            guard m.isFinite else {
                call.pushNil()
                call.push("diverged")
                return 2
            }
            let confusion = try ConfusionMatrix(predicted: try m.predict(features: x), truth: y, classes: m.classes)
            guard confusion.total > 0 else { throw FlipError("accuracy of an empty set") }
            call.push(confusion.accuracy)
            return 1
        },
        // evaluate(x, y) -> {status, accuracy, macro_f1, loss, confusion}
        LuaFunction("evaluate") { call in
            let (m, x, y) = try data(call)
            lua_createtable_of(call, 0)
            guard m.isFinite else {
                call.setField("status") { call.push("diverged") }
                return 1
            }
            let confusion = try ConfusionMatrix(predicted: try m.predict(features: x), truth: y, classes: m.classes)
            guard confusion.total > 0 else { throw FlipError("evaluation on an empty set") }
            let loss = try m.loss(features: x, labels: y)
            call.setField("status") { call.push("ok") }
            call.setField("accuracy") { call.push(confusion.accuracy) }
            call.setField("macro_f1") { call.push(confusion.macroF1) }
            call.setField("loss") { call.push(loss) }
            try call.setField("confusion") { try MetricsModule.pushConfusion(call, confusion) }
            return 1
        },
    ]

    static func optimizer(_ call: LuaCall) throws -> Optimizer { try call.object(1, Optimizer.self) }

    static let optimizerMethods: [LuaFunction] = [
        LuaFunction("name") { call in call.push(try optimizer(call).name); return 1 },
        LuaFunction("lr") { call in call.push(try optimizer(call).learningRate); return 1 },
        LuaFunction("set_lr") { call in
            let o = try optimizer(call)
            let lr = try call.number(2)
            guard lr.isFinite, lr > 0 else { throw LuaArgumentError(2, "learning rate must be a positive number, got \(formatNumber(lr))") }
            o.learningRate = lr
            return 0
        },
        LuaFunction("steps") { call in call.push(try optimizer(call).steps); return 1 },
        LuaFunction("reset") { call in try optimizer(call).reset(); return 0 },
        // step(model, gradient): one update from a mean gradient
        LuaFunction("step") { call in
            let o = try optimizer(call)
            let m = try call.object(2, Model.self)
            let g = try call.tensor(3)
            try call.blaming(3) { try o.step(model: m, gradient: g) }
            return 0
        },
    ]
}
