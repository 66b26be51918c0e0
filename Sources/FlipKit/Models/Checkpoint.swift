import Foundation

/// A model saved as safetensors: an 8-byte little-endian header length, a
/// JSON header naming each tensor's dtype, shape and byte offsets (with the
/// model's kind, sizes and the engine's version in `__metadata__`), then the
/// raw little-endian buffers. One tensor, "parameters", in the model's own
/// layout (bias last in each row; the MLP's two layers one after the other, a
/// deep model's blocks likewise, its layers in `architecture` as JSON).
/// NumPy reads it with a few lines, and a round trip is bit for bit.
public enum Checkpoint {
    /// The largest header a checkpoint may declare (a model's is a few hundred bytes).
    static let maxHeader = 1 << 20

    public static func encode(_ model: Model, engine: String) throws -> Data {
        var metadata = ["format": "flipside", "kind": model.kind, "engine": engine,
                        "inputs": String(model.inputDimension), "classes": String(model.classes)]
        if let mlp = model.kernel as? PerceptronKernel { metadata["hidden"] = String(mlp.hidden) }
        if let deep = model.kernel as? SequentialKernel {
            metadata["architecture"] = try DeepArchitecture(image: deep.image, layers: deep.specs).json()
        }
        let bytes = model.parameterCount * 4
        let header: [String: Any] = [
            "__metadata__": metadata,
            "parameters": ["dtype": "F32", "shape": model.parameters.shape, "data_offsets": [0, bytes]],
        ]
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Buffers start 8-byte aligned: the header is padded with spaces, as the format allows.
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for v in model.parameters.floats { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    public static func save(_ model: Model, to path: String, engine: String) throws {
        let data = try encode(model, engine: engine)
        do { try data.write(to: URL(fileURLWithPath: path)) } catch {
            throw FlipError("\(path): cannot write the checkpoint (\(error.localizedDescription))")
        }
    }

    /// The model a checkpoint holds; a file that is not one, or not whole, is
    /// refused naming the file and the fault.
    public static func load(path: String) throws -> Model {
        guard let data = FileManager.default.contents(atPath: path) else { throw FlipError("\(path): cannot read the file") }
        return try decode(data, file: path)
    }

    public static func decode(_ data: Data, file: String) throws -> Model {
        func fault(_ text: String) -> FlipError { FlipError("\(file): not a flipside checkpoint (\(text))") }
        guard data.count >= 8 else { throw fault("\(data.count) bytes, shorter than the 8-byte header length") }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(maxHeader), 8 + Int(length) <= data.count else {
            throw fault("a header of \(length) bytes in a file of \(data.count)")
        }
        let headerBytes = data.subdata(in: 8..<(8 + Int(length)))
        guard let header = (try? JSONSerialization.jsonObject(with: headerBytes)) as? [String: Any] else {
            throw fault("the header is not a JSON object")
        }
        guard let metadata = header["__metadata__"] as? [String: String], metadata["format"] == "flipside",
              let kind = metadata["kind"] else { throw fault("no flipside metadata in the header") }
        func size(_ key: String) throws -> Int {
            guard let text = metadata[key], let n = Int(text), n >= 1 else { throw fault("metadata '\(key)' is not a positive integer") }
            return n
        }
        let model: Model
        switch kind {
        case "logistic": model = try Model.binaryLogistic(dimension: try size("inputs"))
        case "softmax": model = try Model.softmax(inputs: try size("inputs"), classes: try size("classes"))
        case "mlp": model = try Model.perceptron(inputs: try size("inputs"), hidden: try size("hidden"), classes: try size("classes"),
                                                 generator: Generator(seed: 0))
        case _ where SequentialKernel.kinds.contains(kind):
            guard let text = metadata["architecture"],
                  let architecture = try? DeepArchitecture(json: text) else { throw fault("metadata 'architecture' is not a layer list") }
            do {
                model = try Model.deep(kind: kind, image: architecture.image, classes: try size("classes"),
                                       layers: architecture.layers, generator: Generator(seed: 0))
            } catch let error as FlipError { throw fault("its architecture: \(error.description)") }
        default: throw fault("unknown model kind '\(kind)'")
        }
        guard header.keys.sorted() == ["__metadata__", "parameters"], let tensor = header["parameters"] as? [String: Any] else {
            throw fault("the header must hold the one tensor 'parameters'")
        }
        guard tensor["dtype"] as? String == "F32" else { throw fault("parameters are \(tensor["dtype"] ?? "of no dtype"), not F32") }
        guard let shape = tensor["shape"] as? [Int], shape == model.parameters.shape else {
            throw fault("parameters of shape \(tensor["shape"] ?? "none"), the \(kind) model needs \(model.parameters.shape)")
        }
        let bytes = model.parameterCount * 4
        guard let offsets = tensor["data_offsets"] as? [Int], offsets == [0, bytes] else {
            throw fault("data offsets \(tensor["data_offsets"] ?? "none"), expected [0, \(bytes)]")
        }
        let start = 8 + Int(length)
        guard data.count - start == bytes else {
            throw fault(data.count - start < bytes ? "truncated: \(data.count - start) of \(bytes) bytes of parameters"
                                                   : "\(data.count - start - bytes) bytes after the parameters")
        }
        data.withUnsafeBytes { raw in
            for k in 0..<model.parameterCount {
                let word = raw.loadUnaligned(fromByteOffset: start + 4 * k, as: UInt32.self)
                model.parameters.floats[k] = Float(bitPattern: UInt32(littleEndian: word))
            }
        }
        return model
    }
}
