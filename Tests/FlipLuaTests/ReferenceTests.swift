import FlipLua
import Foundation
import LuaHost
import Testing

/// The API reference against the engine: every function, method and operator
/// a live VM registers has an entry and a stub, every entry exists, and
/// docs/ holds what `flipside docs` writes now.
@Suite struct ReferenceTests {
    /// What `require "flipside"` holds, one line per name: "function flipside.tensor.zeros",
    /// "field flipside.version", "module flipside.tensor".
    static func liveNames(_ vm: LuaVM) throws -> [String] {
        try vm.run("""
            local fs = require "flipside"
            local names = {}
            for key, value in pairs(fs) do
              if type(value) == "table" and key ~= "params" and key ~= "defaults" and key ~= "blas" then
                names[#names + 1] = "module flipside." .. key
                for name, member in pairs(value) do
                  names[#names + 1] = (type(member) == "function" and "function " or "field ") .. "flipside." .. key .. "." .. name
                end
              else
                names[#names + 1] = (type(value) == "function" and "function " or "field ") .. "flipside." .. key
              end
            end
            table.sort(names)
            return table.concat(names, "\\n")
            """, results: 1)
        defer { vm.pop() }
        return (vm.string(at: -1) ?? "").split(separator: "\n").map(String.init)
    }

    static func liveVM() throws -> LuaVM {
        let vm = try LuaVM()
        Flipside.install(in: vm, settings: .init(outputDirectory: "out"), stdlib: nil)
        return vm
    }

    static var stubs: String {
        (try? String(contentsOf: LuaScriptTests.root.appendingPathComponent("docs/flipside.lua"), encoding: .utf8)) ?? ""
    }

    /// The line that declares `name` in the stubs.
    static func stubDeclaration(_ name: String) -> String {
        let parts = name.split(separator: ".")
        if name.contains(":") { return "function \(parts.last!)(" }
        return parts.count == 2 ? "function \(name)(" : "function \(parts[1]).\(parts[2])("
    }

    @Test func everyRegisteredFunctionIsDocumentedAndStubbed() throws {
        let vm = try ReferenceTests.liveVM()
        let live = try ReferenceTests.liveNames(vm)
        let stubs = ReferenceTests.stubs
        let modules = Set(APIReference.modules.map(\.name))
        let rootFields = Set(APIReference.modules.first { $0.name == "flipside" }!.fields.map { "flipside." + $0.name })
        var functions: [String] = []
        for line in live {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            switch parts[0] {
            case "module": #expect(modules.contains(parts[1]), "module \(parts[1]) has no reference")
            case "field": #expect(rootFields.contains(parts[1]), "field \(parts[1]) has no reference")
            default: functions.append(parts[1])
            }
        }
        for type in vm.registeredTypes {
            let doc = APIReference.types.first { $0.name == type.name }
            #expect(doc != nil, "type \(type.name) has no reference")
            functions += type.methods.map { "\(type.name):\($0)" }
            for metamethod in type.metamethods {
                #expect(doc?.operators.contains { $0.metamethod == metamethod } == true,
                        "operator \(type.name) \(metamethod) has no reference")
                #expect(stubs.contains("---@class \(type.name)\n") && stubs.contains("---@operator \(metamethod.dropFirst(2))"),
                        "operator \(type.name) \(metamethod) has no stub")
            }
        }
        #expect(functions.count > 100)
        for name in functions {
            #expect(APIReference.entries[name] != nil, "\(name) has no reference entry")
            #expect(stubs.contains(ReferenceTests.stubDeclaration(name)), "\(name) has no stub")
        }
        let documented = Set(APIReference.entries.keys)
        #expect(documented.subtracting(functions).isEmpty, "documented but not registered: \(documented.subtracting(functions).sorted())")
    }

    @Test func theBLASTableHoldsItsDocumentedFields() throws {
        let vm = try ReferenceTests.liveVM()
        try vm.run("""
            local keys = {}
            for key in pairs(require("flipside").blas) do keys[#keys + 1] = key end
            table.sort(keys)
            return table.concat(keys, " ")
            """, results: 1)
        defer { vm.pop() }
        let live = Set((vm.string(at: -1) ?? "").split(separator: " ").map(String.init))
        let documented = APIReference.classes.first { $0.name == "flipside.BLAS" }?.fields.map(\.name) ?? []
        // `rejected` appears only after a fallback.
        #expect(live.union(["rejected"]) == Set(documented))
    }

    @Test func everyEntrySaysWhatItTakesAndGives() {
        for entry in APIReference.entries.values {
            #expect(!entry.summary.isEmpty, "\(entry.name)")
            #expect(entry.parameters.allSatisfy { !$0.type.isEmpty && !$0.summary.isEmpty }, "\(entry.name)")
            #expect(entry.returns.allSatisfy { !$0.type.isEmpty && !$0.summary.isEmpty }, "\(entry.name)")
        }
    }

    static func stdlib() throws -> StdlibReference {
        try StdlibReference.load(stdlib: LuaScriptTests.root.appendingPathComponent("stdlib").path)
    }

    /// Every function a stdlib module exports is declared (so documented), and
    /// every declaration names a function that exists, with a doc for each part.
    @Test func everyStdlibFunctionIsDeclared() throws {
        let stdlib = try ReferenceTests.stdlib()
        let declared = Set(stdlib.modules.flatMap { $0.functions.map(\.name) })
        #expect(stdlib.exported.count > 50)
        for name in stdlib.exported {
            #expect(declared.contains(name), "\(name) is exported but not declared (declare.module(...):func)")
        }
        #expect(declared.subtracting(stdlib.exported).isEmpty, "declared but not exported: \(declared.subtracting(stdlib.exported).sorted())")
        for entry in stdlib.modules.flatMap(\.functions) + stdlib.types.flatMap(\.methods) {
            #expect(!entry.summary.isEmpty && entry.parameters.allSatisfy { !$0.type.isEmpty && !$0.summary.isEmpty }, "\(entry.name)")
        }
        #expect(stdlib.types.first { $0.name == "flipside.federated.Server" }?.methods.count == 4)
        let options = Set(stdlib.classes.map(\.name))
        for name in ["flipside.protocol.train.Options", "flipside.training.fit.Options", "flipside.plot.figure.Options"] {
            #expect(options.contains(name), "\(name)")
        }
        for shape in stdlib.classes { #expect(shape.fields.allSatisfy { !$0.summary.isEmpty }, "\(shape.name)") }
        let train = try #require(stdlib.classes.first { $0.name == "flipside.protocol.train.Options" })
        #expect(train.fields.contains { $0.name == "lr" && $0.summary.contains("0.001") }, "the shared default is documented")
    }

    @Test func docsFolderMatchesTheGenerator() throws {
        for (name, contents) in ReferenceDocuments.files(stdlib: try ReferenceTests.stdlib()) {
            let path = LuaScriptTests.root.appendingPathComponent("docs/\(name)")
            let onDisk = (try? String(contentsOf: path, encoding: .utf8)) ?? ""
            let fresh = onDisk == contents
            let expected = contents.split(separator: "\n", omittingEmptySubsequences: false)
            let found = onDisk.split(separator: "\n", omittingEmptySubsequences: false)
            let line = Array(zip(expected, found)).firstIndex { $0 != $1 } ?? min(expected.count, found.count)
            #expect(fresh, "docs/\(name) is stale from line \(line + 1): run `swift run flipside docs --out docs`")
        }
    }

    @Test func stubsAreValidLua() throws {
        let vm = try LuaVM()
        vm.setGlobal("STUBS") { $0.push(LuaScriptTests.root.appendingPathComponent("docs/flipside.lua").path) }
        try vm.run("local chunk = assert(loadfile(STUBS, 't')); local stub = chunk(); assert(stub.tensor.zeros and stub.server.new)")
        let module = LuaScriptTests.root.appendingPathComponent("docs/stdlib/flipside.protocol.lua").path
        vm.setGlobal("MODULE") { $0.push(module) }
        try vm.run("local chunk = assert(loadfile(MODULE, 't')); assert(chunk().train)")
    }
}
