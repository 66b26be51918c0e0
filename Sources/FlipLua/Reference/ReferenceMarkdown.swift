/// docs/api.md: every module, function, type, method and table shape.
enum ReferenceMarkdown {
    static func document(stdlib: StdlibReference) -> String {
        var out = """
            # The flipside Lua API

            \(ReferenceDocuments.generatedNote)

            Row numbers and positions seen from Lua are 1-based; labels are classes 0..C − 1. Every \
            function raises a Lua error on a wrong argument, worded like Lua's own (`bad argument #2 \
            to 'matmul' (flipside.Tensor expected, got number)`); the errors listed below are the \
            ones particular to each function. A closed object (`<close>`) is an error to use. Types \
            are written as in the LuaCATS stubs `docs/flipside.lua`, which lua-language-server reads.

            ## Contents

            """
        out += "\n"
        for module in APIReference.modules { out += "- [`\(module.name)`](#\(anchor(module.name)))\n" }
        for type in APIReference.types { out += "- [`\(type.name)`](#\(anchor(type.name + " (userdata)")))\n" }
        out += "- The stdlib (Lua):\n"
        for module in stdlib.modules { out += "  - [`\(module.name)`](#\(anchor(module.name)))\n" }
        for type in stdlib.types { out += "  - [`\(type.name)`](#\(anchor(type.name + " (object)")))\n" }
        out += "- [Tables](#tables)\n- [Named types](#named-types)\n"
        for module in APIReference.modules { out += "\n" + section(module) }
        for type in APIReference.types { out += "\n" + section(type) }
        for module in stdlib.modules { out += "\n" + section(module) }
        for type in stdlib.types { out += "\n" + section(type, kind: "object") }
        out += "\n## Tables\n\nTables the API takes or returns, with their known fields.\n"
        for shape in APIReference.classes + stdlib.classes {
            out += "\n### `\(shape.name)`\n\n\(shape.summary)\n\n" + fieldTable(shape.fields, heading: "field")
        }
        out += "\n## Named types\n\n| name | type | meaning |\n|---|---|---|\n"
        for alias in APIReference.aliases {
            out += "| `\(alias.name)` | \(code(alias.type)) | \(cell(alias.summary)) |\n"
        }
        return out
    }

    /// GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens.
    static func anchor(_ heading: String) -> String {
        String(heading.lowercased().compactMap { c -> Character? in
            if c == " " { return "-" }
            return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
        })
    }

    static func section(_ module: ModuleDoc) -> String {
        var out = "## \(module.name)\n\n\(module.summary)\n"
        if !module.fields.isEmpty {
            out += "\n" + fieldTable(module.fields.map { FieldDoc("\(module.name).\($0.name)", $0.type, $0.summary) }, heading: "field")
        }
        for function in module.functions { out += "\n" + entry(function) }
        return out
    }

    static func section(_ type: TypeDoc, kind: String = "userdata") -> String {
        var out = "## \(type.name) (\(kind))\n\n\(type.summary)\n"
        if !type.operators.isEmpty {
            out += "\n| operator | operand | result | meaning |\n|---|---|---|---|\n"
            for op in type.operators {
                out += "| `\(op.metamethod)` | \(op.operand.map(code) ?? "—") | \(code(op.result)) | \(cell(op.summary)) |\n"
            }
        }
        for method in type.methods { out += "\n" + entry(method) }
        return out
    }

    static func entry(_ function: FunctionDoc) -> String {
        var out = "### `\(function.callSignature)`\n\n\(function.summary)\n"
        if !function.parameters.isEmpty {
            out += "\n| argument | type | meaning |\n|---|---|---|\n"
            for p in function.parameters {
                out += "| `\(p.name)`\(p.optional ? " (optional)" : "") | \(code(p.type)) | \(cell(p.summary)) |\n"
            }
        }
        if function.returns.isEmpty {
            out += "\nReturns nothing.\n"
        } else {
            out += "\nReturns " + function.returns.map { "\(code($0.type)): \($0.summary)" }.joined(separator: "; then ") + ".\n"
        }
        if !function.errors.isEmpty {
            out += "\nErrors: " + function.errors.joined(separator: "; ") + ".\n"
        }
        return out
    }

    static func fieldTable(_ fields: [FieldDoc], heading: String) -> String {
        var out = "| \(heading) | type | meaning |\n|---|---|---|\n"
        for field in fields { out += "| `\(field.name)` | \(code(field.type)) | \(cell(field.summary)) |\n" }
        return out
    }

    /// Inline code that survives a table cell.
    static func code(_ text: String) -> String { "`" + cell(text) + "`" }

    static func cell(_ text: String) -> String {
        text.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }
}
