import Foundation
import Testing

/// Every script in scripts/paper runs its grid in quick mode, stores its runs
/// and draws its figure files (PNG and SVG, or the tables' CSV and Markdown);
/// a second run finds every run stored and runs none.
@Suite struct PaperScriptsTests {
    static var scripts: [String] {
        let folder = LuaScriptTests.root.appendingPathComponent("scripts/paper").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".lua") }.sorted()
    }

    @Test func everyFigureAndTableHasAScript() {
        let names = PaperScriptsTests.scripts.joined(separator: " ")
        for figure in ["fig5_", "fig6_", "fig7_", "fig8_", "fig9_", "fig10_", "fig12_", "fig17_", "fig18_", "fig19_", "fig20_27_", "tables3_4_", "compare_rules", "underflow_rules", "tables3_4_settings"] {
            #expect(names.contains(figure), "no script for \(figure)")
        }
    }

    @Test(.enabled(if: QuickstartTests.dataPresent, "needs Debian's dataset-fashion-mnist; the README's setup installs it"),
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gnuplot"), "needs gnuplot; the README's setup installs it"),
          arguments: scripts)
    func scriptRunsInQuickModeAndDrawsItsFigures(_ name: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-paper-\(UUID().uuidString)")
        let db = dir.appendingPathComponent("results.sqlite").path
        let out = dir.appendingPathComponent("out").path
        let script = LuaScriptTests.root.appendingPathComponent("scripts/paper/\(name)").path
        let arguments = ["run", "--set", "quick=true", "--db", db, "--out", out, script]
        let first = try CommandLineTests.run(arguments)
        #expect(first.status == 0, "\(name): \(first.stderr)\n\(first.stdout)")
        #expect(first.stdout.contains(" 0 failed"), "\(first.stdout)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        if name.hasPrefix("tables") {
            #expect(files.contains { $0.hasSuffix(".csv") } && files.contains { $0.hasSuffix(".md") }, "\(files)")
        } else {
            #expect(files.contains { $0.hasSuffix(".png") } && files.contains { $0.hasSuffix(".svg") }
                    && files.contains { $0.hasSuffix(".pdf") }, "\(files)")
            for png in files where png.hasSuffix(".png") {
                let size = (try? FileManager.default.attributesOfItem(atPath: out + "/" + png)[.size] as? Int) ?? 0
                #expect(size > 10_000, "\(png) is \(size) bytes")
            }
        }
        let second = try CommandLineTests.run(arguments)
        #expect(second.stdout.contains(": 0 ran, "), "\(second.stdout)")
    }
}
