import Foundation

/// What rebuilds a deep model besides its kind and classes: the input image
/// and the layers, as a checkpoint's `architecture` metadata (JSON).
struct DeepArchitecture: Codable, Equatable {
    let image: ActivationShape
    let layers: [LayerSpec]

    init(image: ActivationShape, layers: [LayerSpec]) {
        self.image = image
        self.layers = layers
    }

    init(json: String) throws {
        self = try JSONDecoder().decode(DeepArchitecture.self, from: Data(json.utf8))
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
