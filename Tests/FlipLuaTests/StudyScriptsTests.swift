import Foundation
import Testing

/// scripts/studies/attack_defense.lua runs its grid in quick mode and draws both heatmaps,
/// accuracy and detection, for each kind of shards; a second run runs nothing.
@Suite struct StudyScriptsTests {
    @Test(.enabled(if: QuickstartTests.dataPresent, "needs Debian's dataset-fashion-mnist; the README's setup installs it"),
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gnuplot"), "needs gnuplot; the README's setup installs it"))
    func attackDefenseRunsInQuickModeAndDrawsBothHeatmaps() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-study-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("results.sqlite").path
        let out = dir.appendingPathComponent("out").path
        let script = LuaScriptTests.root.appendingPathComponent("scripts/studies/attack_defense.lua").path
        let arguments = ["run", "--set", "quick=true", "--db", db, "--out", out, script]
        let first = try CommandLineTests.run(arguments)
        #expect(first.status == 0, "\(first.stderr)\n\(first.stdout)")
        #expect(first.stdout.contains(" 0 failed"), "\(first.stdout)")
        for figure in ["accuracy_iid", "accuracy_dirichlet", "detection_iid", "detection_dirichlet", "false_positives_iid", "false_positives_dirichlet"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(out)/\(figure).png")[.size] as? Int) ?? 0
            #expect(size > 10_000, "\(figure).png is \(size) bytes")
        }
        #expect(FileManager.default.fileExists(atPath: "\(out)/attack_defense.md"))
        let summary = (try? String(contentsOfFile: "\(out)/summary.md", encoding: .utf8)) ?? ""
        #expect(summary.contains("| iid | foolsgold |") && summary.contains("| dirichlet | mean |"), "\(summary)")
        let second = try CommandLineTests.run(arguments)
        #expect(second.stdout.contains(": 0 ran, "), "\(second.stdout)")
    }
}
