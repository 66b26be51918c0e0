import Foundation
import LuaHost

/// The stdlib's part of the reference, read from its own declarations
/// (stdlib/flipside/declare.lua): its modules and their functions, the
/// methods of the tables they return (`Server:run`), and their option tables.
public struct StdlibReference: Sendable {
    public var modules: [ModuleDoc] = []
    public var types: [TypeDoc] = []
    public var classes: [ClassDoc] = []
    /// Every function each loaded module exports, by full name ("flipside.report.mean").
    public var exported: [String] = []

    /// The stdlib's module names, from the files in `stdlib` ("flipside.protocol", "flipside.policies.greedy").
    public static func moduleNames(stdlib: String) -> [String] {
        let root = URL(fileURLWithPath: stdlib)
        guard let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent("flipside").path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".lua") }.sorted()
            .map { "flipside." + $0.dropLast(4).replacingOccurrences(of: "/", with: ".") }
    }

    /// Requires every stdlib module in a fresh VM and reads what they declared.
    public static func load(stdlib: String) throws -> StdlibReference {
        let vm = try LuaVM()
        Flipside.install(in: vm, settings: .init(), stdlib: stdlib)
        let names = moduleNames(stdlib: stdlib)
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        _ = try vm.run("""
            local declare = require "flipside.declare"
            local exported = {}
            for _, name in ipairs { \(list) } do
              local module = require(name)
              if type(module) == "table" then
                for key, value in pairs(module) do
                  if type(value) == "function" then exported[#exported + 1] = name .. "." .. key end
                end
              end
            end
            local out = {}
            for i, e in ipairs(declare.registry) do
              local entry = { kind = e.kind, name = e.name, summary = e.summary, module = e.module, options = e.options }
              if e.kind == "options" then
                entry.type = declare.options_type(e)
                entry.fields = {}
                for j, f in ipairs(e.fields) do
                  local choices
                  if f.choices then
                    choices = {}
                    for k, c in ipairs(f.choices) do choices[k] = string.format("%q", c) end
                    choices = table.concat(choices, "|")
                  end
                  entry.fields[j] = { name = f.name, type = f.type, doc = f.doc, required = f.required, choices = choices,
                    default = f.default ~= nil and (type(f.default) == "string" and string.format("%q", f.default) or tostring(f.default)) or nil }
                end
              elseif e.kind == "function" then
                entry.params, entry.returns = {}, {}
                for j, p in ipairs(e.params) do entry.params[j] = { name = p[1], type = p[2], doc = p[3], optional = p.optional } end
                for j, r in ipairs(e.returns) do entry.returns[j] = { type = r[1], doc = r[2] } end
              end
              out[i] = entry
            end
            return { registry = out, exported = exported }
            """, name: "=(stdlib reference)", results: 1)
        let value = try vm.value(at: -1, path: "the stdlib's declarations")
        vm.pop()
        return StdlibReference(value)
    }

    init(_ value: LuaValue) {
        exported = (value["exported"]?.array ?? []).compactMap(\.stringValue).sorted()
        var functions: [String: [FunctionDoc]] = [:], order: [String] = []
        var methods: [String: [FunctionDoc]] = [:], typeOrder: [String] = []
        var summaries: [String: String] = [:]
        for entry in value["registry"]?.array ?? [] {
            let name = entry["name"]?.stringValue ?? "", summary = entry["summary"]?.stringValue ?? ""
            switch entry["kind"]?.stringValue {
            case "module":
                summaries[name] = summary
                order.append(name)
            case "options":
                classes.append(ClassDoc(entry["type"]?.stringValue ?? name, "Options of `\(name)`.",
                                        fields: (entry["fields"]?.array ?? []).map(StdlibReference.field)))
            case "function":
                let doc = FunctionDoc(
                    name, summary,
                    parameters: (entry["params"]?.array ?? []).map {
                        ParameterDoc($0["name"]?.stringValue ?? "", $0["type"]?.stringValue ?? "", $0["doc"]?.stringValue ?? "",
                                     optional: $0["optional"] == .boolean(true))
                    },
                    returns: (entry["returns"]?.array ?? []).map {
                        ReturnDoc($0["type"]?.stringValue ?? "", $0["doc"]?.stringValue ?? "")
                    })
                if let colon = name.firstIndex(of: ":") {
                    let type = String(name[..<colon])
                    if methods[type] == nil { typeOrder.append(type) }
                    methods[type, default: []].append(doc)
                } else {
                    functions[entry["module"]?.stringValue ?? "", default: []].append(doc)
                }
            default: break
            }
        }
        modules = order.map { ModuleDoc($0, summaries[$0] ?? "", functions: functions[$0] ?? []) }
        types = typeOrder.map { name in
            let module = name.split(separator: ".").dropLast().joined(separator: ".")
            return TypeDoc(name, "The objects `\(module)` makes, and their methods.", methods: methods[name] ?? [])
        }
    }

    /// A declared option as the reference shows it: its type (optional unless
    /// required, the choices spelled out) and its doc with the default.
    static func field(_ f: LuaValue) -> FieldDoc {
        let required = f["required"] == .boolean(true)
        let type = (f["choices"]?.stringValue ?? f["type"]?.stringValue ?? "any") + (required ? "" : "?")
        var doc = f["doc"]?.stringValue ?? ""
        if required { doc += " (required)" } else if let d = f["default"]?.stringValue { doc += " (\(d))" }
        return FieldDoc(f["name"]?.stringValue ?? "", type, doc)
    }
}

extension LuaValue {
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
