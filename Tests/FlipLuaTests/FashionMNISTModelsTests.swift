import Foundation
import Testing

/// The paper's models on the real Fashion-MNIST, 5 epochs each, as the
/// example script trains them: softmax regression at least 80% test
/// accuracy, the MLP at least 84%.
@Suite struct FashionMNISTModelsTests {
    @Test(.enabled(if: QuickstartTests.dataPresent, "needs Debian's dataset-fashion-mnist; the README's setup installs it"))
    func softmaxAndPerceptronReachTheirAccuracy() throws {
        let script = LuaScriptTests.root.appendingPathComponent("scripts/examples/fashion_mnist_models.lua").path
        let result = try CommandLineTests.run(["run", "--set", "epochs=5", script])
        #expect(result.status == 0, "\(result.stderr)")
        let accuracy = QuickstartTests.accuracies(result.stdout)
        #expect(try #require(accuracy["softmax"]) >= 80, "\(result.stdout)")
        #expect(try #require(accuracy["mlp"]) >= 84, "\(result.stdout)")
    }
}
