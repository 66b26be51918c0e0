import Foundation
import Testing

/// The example scripts on the real Fashion-MNIST: each runs to the end, and
/// the paper's models reach their accuracy (5 epochs: softmax regression at
/// least 80% test accuracy, the MLP at least 84%).
@Suite struct ExampleScriptsTests {
    static func path(_ name: String) -> String {
        LuaScriptTests.root.appendingPathComponent("scripts/examples/\(name)").path
    }

    static var examples: [String] {
        let folder = LuaScriptTests.root.appendingPathComponent("scripts/examples").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".lua") }.sorted()
    }

    @Test(.enabled(if: QuickstartTests.dataPresent, "needs Debian's dataset-fashion-mnist; the README's setup installs it"))
    func softmaxAndPerceptronReachTheirAccuracy() throws {
        let result = try CommandLineTests.run(["run", "--set", "epochs=5", ExampleScriptsTests.path("fashion_mnist_models.lua")])
        #expect(result.status == 0, "\(result.stderr)")
        let accuracy = QuickstartTests.accuracies(result.stdout)
        #expect(try #require(accuracy["softmax"]) >= 80, "\(result.stdout)")
        #expect(try #require(accuracy["mlp"]) >= 84, "\(result.stdout)")
    }

    @Test(.enabled(if: QuickstartTests.dataPresent, "needs Debian's dataset-fashion-mnist; the README's setup installs it"),
          arguments: examples.filter { $0 != "fashion_mnist_models.lua" })
    func exampleRunsToTheEnd(_ name: String) throws {
        let result = try CommandLineTests.run(["run", "--set", "epochs=1", ExampleScriptsTests.path(name)])
        #expect(result.status == 0, "\(name): \(result.stderr)")
        #expect(!result.stdout.isEmpty)
    }
}
