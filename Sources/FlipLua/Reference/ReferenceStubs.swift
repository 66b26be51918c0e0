/// docs/flipside.lua: LuaCATS annotations (`---@meta`) for lua-language-server,
/// so that `require "flipside"` completes and scripts are type-checked.
enum ReferenceStubs {
    static func document(stdlib: StdlibReference) -> String {
        var out = """
            ---@meta flipside
            -- The flipside Lua API for lua-language-server: add this folder to
            -- Lua.workspace.library. \(ReferenceDocuments.generatedNote)

            """
        for alias in APIReference.aliases {
            out += "\n" + comment(alias.summary) + "---@alias \(alias.name) \(alias.type)\n"
        }
        for shape in APIReference.classes + stdlib.classes {
            out += "\n" + comment(shape.summary) + "---@class \(shape.name)\n"
            for field in shape.fields { out += "---@field \(field.name) \(field.type) \(oneLine(field.summary))\n" }
        }
        for type in stdlib.types { out += "\n" + stub(type) }
        for type in APIReference.types { out += "\n" + stub(type) }
        for module in APIReference.modules where module.name != "flipside" { out += "\n" + stub(module) }
        out += "\n" + root()
        return out
    }

    /// docs/stdlib/<module>.lua: one stdlib module, so that `require "flipside.protocol"` completes.
    static func document(module: ModuleDoc, stdlib: StdlibReference) -> String {
        """
        ---@meta \(module.name)
        -- \(ReferenceDocuments.generatedNote)

        """ + stub(module) + "\nreturn \(localName(module))\n"
    }

    static func stub(_ type: TypeDoc) -> String {
        var out = comment(type.summary) + "---@class \(type.name)\n"
        for op in type.operators {
            let event = String(op.metamethod.dropFirst(2))
            out += "---@operator \(event)\(op.operand.map { "(\($0))" } ?? ""): \(op.result)\n"
        }
        out += "local \(type.shortName) = {}\n"
        for method in type.methods { out += "\n" + stub(method, owner: type.shortName) }
        return out
    }

    static func stub(_ module: ModuleDoc) -> String {
        var out = comment(module.summary) + "---@class \(module.name)\n"
        let local = localName(module)
        out += "local \(local) = {}\n"
        for function in module.functions { out += "\n" + stub(function, owner: local) }
        return out
    }

    /// The `flipside` table: its submodules, fields and functions; returned as the module.
    static func root() -> String {
        let module = FlipsideReference.module
        var out = comment(module.summary) + "---@class flipside\n"
        for sub in APIReference.modules where sub.name != "flipside" {
            out += "---@field \(localName(sub)) \(sub.name)\n"
        }
        for field in module.fields { out += "---@field \(field.name) \(field.type) \(oneLine(field.summary))\n" }
        out += "local flipside = {}\n"
        for sub in APIReference.modules where sub.name != "flipside" { out += "flipside.\(localName(sub)) = \(localName(sub))\n" }
        for function in module.functions { out += "\n" + stub(function, owner: "flipside") }
        return out + "\nreturn flipside\n"
    }

    static func stub(_ function: FunctionDoc, owner: String) -> String {
        var out = comment(function.summary)
        if !function.errors.isEmpty { out += "---\n---Errors: \(function.errors.joined(separator: "; ")).\n" }
        for p in function.parameters {
            let name = p.name == "..." ? "..." : p.name + (p.optional ? "?" : "")
            out += "---@param \(name) \(p.type) \(oneLine(p.summary))\n"
        }
        for r in function.returns { out += "---@return \(r.type) # \(oneLine(r.summary))\n" }
        let arguments = function.parameters.map(\.name).joined(separator: ", ")
        return out + "function \(owner)\(function.isMethod ? ":" : ".")\(function.shortName)(\(arguments)) end\n"
    }

    static func localName(_ module: ModuleDoc) -> String {
        String(module.name.split(separator: ".").last ?? Substring(module.name))
    }

    static func comment(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "---\($0)\n" }.joined()
    }

    static func oneLine(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ")
    }
}
