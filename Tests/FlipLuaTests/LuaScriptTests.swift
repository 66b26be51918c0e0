import FlipLua
import Foundation
import LuaHost
import Testing

/// Runs every Lua test file in Tests/lua with the engine and stdlib loaded.
/// A file passes when it runs to the end; it fails with its error and traceback.
@Suite struct LuaScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let luaTests: [String] = {
        let dir = root.appendingPathComponent("Tests/lua")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasPrefix("test_") && $0.hasSuffix(".lua") }.sorted()
    }()

    @Test func luaTestFilesExist() {
        #expect(LuaScriptTests.luaTests.count >= 3)
    }

    @Test(arguments: luaTests)
    func luaTestFile(_ name: String) throws {
        let vm = try LuaVM()
        Flipside.install(in: vm, settings: .init(parameters: [("answer", "42")], seed: 7),
                         stdlib: LuaScriptTests.root.appendingPathComponent("stdlib").path)
        vm.prependPackagePath(LuaScriptTests.root.appendingPathComponent("Tests/lua").path)
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("flipside-lua-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        vm.setGlobal("TEST_TMP") { $0.push(tmp.path) }
        do {
            try vm.runFile(LuaScriptTests.root.appendingPathComponent("Tests/lua/\(name)").path)
        } catch let error as LuaScriptError {
            Issue.record("\(name): \(error.traceback.isEmpty ? error.message : error.traceback)")
        }
    }
}
