import FlipKit
import LuaHost

/// flipside.model.cnn, .vit and .sequential: their option tables and the
/// layer tables of `sequential`, read into the engine's layer descriptions.
enum DeepModelOptions {
    static let functions: [LuaFunction] = [
        LuaFunction("cnn") { call in
            let o = try call.table(1)
            try o.requireDeclared(DeepModelReference.cnnOptions.fields)
            let rng = try generator(o)
            let (image, classes) = (try shape(o, default: mnistImage), try positive(o, "classes", default: 10))
            let channels = try integers(o, "channels") ?? [16, 32]
            let dropout = try o.number("dropout", default: 0)
            let layers = DeepPresets.cnn(channels: channels, kernel: try positive(o, "kernel", default: 3),
                                         hidden: try positive(o, "hidden", default: 128), classes: classes,
                                         batchNorm: try o.boolean("batch_norm", default: false), dropout: dropout,
                                         dropoutSeed: drawnSeed(rng))
            try call.push(try call.blaming(1) { try Model.deep(kind: "cnn", image: image, classes: classes, layers: layers, generator: rng) })
            return 1
        },
        LuaFunction("vit") { call in
            let o = try call.table(1)
            try o.requireDeclared(DeepModelReference.vitOptions.fields)
            let rng = try generator(o)
            let (image, classes) = (try shape(o, default: mnistImage), try positive(o, "classes", default: 10))
            let width = try positive(o, "width", default: 64)
            let layers = DeepPresets.vit(patch: try positive(o, "patch", default: 7), width: width,
                                         depth: try positive(o, "depth", default: 4), heads: try positive(o, "heads", default: 2),
                                         mlp: try positive(o, "mlp", default: 2 * width), classes: classes,
                                         dropout: try o.number("dropout", default: 0), dropoutSeed: drawnSeed(rng))
            try call.push(try call.blaming(1) { try Model.deep(kind: "vit", image: image, classes: classes, layers: layers, generator: rng) })
            return 1
        },
        LuaFunction("sequential") { call in
            let o = try call.table(1)
            try o.requireDeclared(DeepModelReference.sequentialOptions.fields)
            let rng = try generator(o)
            guard o.has("input") else { throw o.fieldError("input", "{height, width, channels} expected, got nil") }
            let image = try shape(o, default: mnistImage)
            guard let classes = try o.integer("classes") else { throw o.fieldError("classes", "integer expected, got nil") }
            let layers = try o.withField("layers") { top in try layerList(o, top, field: "layers", rng: rng) }
            try call.push(try call.blaming(1) {
                try Model.deep(kind: "sequential", image: image, classes: classes, layers: layers, generator: rng)
            })
            return 1
        },
    ]

    static let mnistImage = ActivationShape(height: 28, width: 28, channels: 1)

    static func generator(_ o: LuaTable) throws -> Generator {
        guard let rng = try o.object("rng", Generator.self) else { throw o.fieldError("rng", "Generator expected, got nil") }
        return rng
    }

    /// A dropout seed drawn from the model's generator: 53 bits, held exactly by a checkpoint's JSON.
    static func drawnSeed(_ rng: Generator) -> Int { Int(rng.next() >> 11) }

    static func positive(_ o: LuaTable, _ key: String, default value: Int) throws -> Int {
        let n = try o.integer(key, default: value)
        guard n >= 1 else { throw o.fieldError(key, "a positive integer expected, got \(n)") }
        return n
    }

    static func integers(_ o: LuaTable, _ key: String) throws -> [Int]? {
        guard let values = try o.numbers(key) else { return nil }
        return try values.map { v in
            guard v == v.rounded(), v >= 1, v < 1e9 else { throw o.fieldError(key, "positive integers expected, got \(formatNumber(v))") }
            return Int(v)
        }
    }

    static func shape(_ o: LuaTable, default value: ActivationShape) throws -> ActivationShape {
        guard let sizes = try integers(o, "input") else { return value }
        guard sizes.count == 3 else { throw o.fieldError("input", "{height, width, channels} expected, got \(sizes.count) numbers") }
        return ActivationShape(height: sizes[0], width: sizes[1], channels: sizes[2])
    }

    /// The layer tables of the sequence at stack index `top` (the field `field`).
    static func layerList(_ o: LuaTable, _ top: Int32, field: String, rng: Generator) throws -> [LayerSpec] {
        guard o.call.type(top) == LUA_TABLE_TYPE else { throw o.fieldError(field, "a list of layer tables expected, got \(o.call.typeName(top))") }
        let list = o.nested(at: top)
        let layers = try list.mapElements { n, element -> LayerSpec in
            let place = "\(field)[\(n)]"
            guard o.call.type(element) == LUA_TABLE_TYPE else { throw o.fieldError(place, "a layer table expected, got \(o.call.typeName(element))") }
            do {
                return try layer(list.nested(at: element), place: place, rng: rng)
            } catch let error as LuaArgumentError where !error.message.hasPrefix("field '\(place)") {
                throw o.fieldError(place, error.message)
            }
        }
        guard !layers.isEmpty else { throw o.fieldError(field, "at least one layer expected") }
        return layers
    }

    static func layer(_ t: LuaTable, place: String, rng: Generator) throws -> LayerSpec {
        guard let type = try t.string("type") else { throw LuaArgumentError(1, "no 'type' (one of \(LayerSpec.names.joined(separator: ", ")))") }
        guard let fields = DeepModelReference.layerFields[type] else {
            let hint = nearestName(type, among: LayerSpec.names).map { " (did you mean '\($0)'?)" } ?? ""
            throw LuaArgumentError(1, "unknown layer type '\(type)'\(hint)")
        }
        do {
            try t.rejectUnknownKeys(["type"] + fields.map(\.name))
        } catch let error as LuaArgumentError { throw LuaArgumentError(1, "\(type): \(error.message)") }
        func required(_ key: String) throws -> Int {
            guard let n = try t.integer(key) else { throw LuaArgumentError(1, "\(type): field '\(key)' is required") }
            return n
        }
        switch type {
        case "conv":
            return .convolution(channels: try required("channels"), kernel: try t.integer("kernel", default: 3),
                                stride: try t.integer("stride", default: 1), padding: try t.integer("padding", default: 0))
        case "maxpool", "avgpool":
            let size = try t.integer("size", default: 2)
            let stride = try t.integer("stride", default: size)
            return type == "maxpool" ? .maxPool(size: size, stride: stride) : .averagePool(size: size, stride: stride)
        case "layernorm": return .layerNorm
        case "batchnorm": return .batchNorm
        case "relu": return .relu
        case "gelu": return .gelu
        case "class_token": return .classToken
        case "positions": return .positions
        case "first_token": return .firstToken
        case "dropout":
            guard let rate = try t.number("rate") else { throw LuaArgumentError(1, "dropout: field 'rate' is required") }
            return .dropout(rate: rate, seed: try t.integer("seed") ?? drawnSeed(rng))
        case "patches": return .patches(size: try required("size"), width: try required("width"))
        case "attention": return .attention(heads: try t.integer("heads", default: 1))
        case "residual":
            guard t.has("layers") else { throw LuaArgumentError(1, "residual: field 'layers' is required") }
            return .residual(try t.withField("layers") { top in try layerList(t, top, field: "\(place).layers", rng: rng) })
        default:
            return .linear(outputs: try required("outputs"), perPosition: try t.boolean("per_position", default: false))
        }
    }
}
