import Foundation
import Testing

/// The quickstart on the real Fashion-MNIST (installed by the README's setup):
/// clean accuracy above 90%, the attacks lower, and the same seed prints the same output.
@Suite struct QuickstartTests {
    static let dataPresent = FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")

    /// Accuracy per row name from the quickstart's table.
    static func accuracies(_ output: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in output.split(separator: "\n") {
            guard let percent = line.firstIndex(of: "%") else { continue }
            let head = line[..<percent]
            guard let space = head.lastIndex(of: " "), let value = Double(head[head.index(after: space)...]) else { continue }
            let name = head[..<space].trimmingCharacters(in: .whitespaces)
            result[name] = value
        }
        return result
    }

    @Test(.enabled(if: dataPresent, "needs Debian's dataset-fashion-mnist; the README's setup installs it"))
    func quickstartShowsTheAttackAndIsReproducible() throws {
        let script = LuaScriptTests.root.appendingPathComponent("scripts/quickstart.lua").path
        let arguments = ["run", script]
        let first = try CommandLineTests.run(arguments)
        let second = try CommandLineTests.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
        let acc = QuickstartTests.accuracies(first.stdout)
        let clean = try #require(acc["clean"])
        let paper = try #require(acc["greedy (paper)"])
        let exact = try #require(acc["greedy (exact)"])
        #expect(clean > 90)
        #expect(paper < clean)
        #expect(exact < clean)
    }
}
