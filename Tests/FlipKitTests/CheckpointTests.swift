@testable import FlipKit
import Foundation
import Testing

/// Checkpoints: a round trip is bit for bit for every model, and a file that
/// is not a checkpoint, or not whole, is refused naming the file and the fault.
@Suite struct CheckpointTests {
    static func models() throws -> [Model] {
        let g = Generator(seed: 41)
        let models = [try Model.binaryLogistic(dimension: 5), try Model.softmax(inputs: 4, classes: 3),
                      try Model.perceptron(inputs: 3, hidden: 6, classes: 4, generator: g)]
        for m in models { for k in 0..<m.parameterCount { m.parameters.floats[k] = Float(g.normal()) } }
        models[0].parameters.floats[0] = -0.0
        models[0].parameters.floats[1] = .leastNonzeroMagnitude
        return models
    }

    @Test func aRoundTripIsBitForBit() throws {
        for model in try CheckpointTests.models() {
            let data = try Checkpoint.encode(model, engine: "flipside test")
            let back = try Checkpoint.decode(data, file: "m.safetensors")
            #expect(back.kind == model.kind && back.parameters.shape == model.parameters.shape)
            #expect(back.parameters.floatValues.map(\.bitPattern) == model.parameters.floatValues.map(\.bitPattern))
            let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            #expect((8 + length) % 8 == 0, "buffers 8-byte aligned")
            let header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any])
            #expect((header["__metadata__"] as? [String: String])?["engine"] == "flipside test")
        }
    }

    @Test func damageIsRefusedNamingTheFileAndTheFault() throws {
        let model = try CheckpointTests.models()[2]
        let good = try Checkpoint.encode(model, engine: "x")
        let length = good.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var lying = good
        lying[0] = 0xFF
        lying[1] = 0xFF
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "shorter than the 8-byte header length"),
            (lying, "a header of"),
            (good.prefix(good.count - 4), "truncated"),
            (good + Data([0]), "1 bytes after the parameters"),
            (Data(good.prefix(8)) + Data(repeating: UInt8(ascii: " "), count: length) + good.suffix(from: 8 + length), "not a JSON object"),
            (try Checkpoint.encode(try Model.softmax(inputs: 4, classes: 3), engine: "x").replacing(Data("\"softmax\"".utf8), with: Data("\"softmix\"".utf8)),
             "unknown model kind 'softmix'"),
        ]
        for (data, fault) in cases {
            do {
                _ = try Checkpoint.decode(data, file: "/tmp/m.safetensors")
                Issue.record("accepted: \(fault)")
            } catch let error as FlipError {
                #expect(error.description.hasPrefix("/tmp/m.safetensors: not a flipside checkpoint ("), "\(error)")
                #expect(error.description.contains(fault), "\(error) should say \(fault)")
            }
        }
    }
}
