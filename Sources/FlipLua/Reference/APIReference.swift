/// The documentation of the Lua API, kept beside the bindings: one file per
/// Lua module. `flipside docs` turns it into docs/api.md and the LuaCATS
/// stubs docs/flipside.lua; a test checks it against what a live VM registers.
/// Types are written as LuaCATS types (`integer|integer[]`, `flipside.Tensor?`).

/// One argument. `name` is `...` for a variable tail.
public struct ParameterDoc: Sendable {
    public let name: String
    public let type: String
    public let summary: String
    public let optional: Bool

    public init(_ name: String, _ type: String, _ summary: String, optional: Bool = false) {
        self.name = name
        self.type = type
        self.summary = summary
        self.optional = optional
    }
}

/// One returned value.
public struct ReturnDoc: Sendable {
    public let type: String
    public let summary: String

    public init(_ type: String, _ summary: String) {
        self.type = type
        self.summary = summary
    }
}

/// A function of a module (`flipside.tensor.zeros`) or a method of a
/// userdata type (`flipside.Tensor:sum`), under its full Lua name.
public struct FunctionDoc: Sendable {
    public let name: String
    public let summary: String
    public let parameters: [ParameterDoc]
    public let returns: [ReturnDoc]
    public let errors: [String]

    public init(_ name: String, _ summary: String, parameters: [ParameterDoc] = [], returns: [ReturnDoc] = [],
                errors: [String] = []) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.returns = returns
        self.errors = errors
    }

    /// `sum` for `flipside.Tensor:sum`, `zeros` for `flipside.tensor.zeros`.
    public var shortName: String {
        String(name.split(whereSeparator: { $0 == "." || $0 == ":" }).last ?? Substring(name))
    }

    public var isMethod: Bool { name.contains(":") }
}

/// A field holding a plain value: a module's constant or a table's member.
public struct FieldDoc: Sendable {
    public let name: String
    public let type: String
    public let summary: String

    public init(_ name: String, _ type: String, _ summary: String) {
        self.name = name
        self.type = type
        self.summary = summary
    }
}

/// A Lua module: `flipside` itself or one of its native submodules.
public struct ModuleDoc: Sendable {
    public let name: String
    public let summary: String
    public let functions: [FunctionDoc]
    public let fields: [FieldDoc]

    public init(_ name: String, _ summary: String, functions: [FunctionDoc], fields: [FieldDoc] = []) {
        self.name = name
        self.summary = summary
        self.functions = functions
        self.fields = fields
    }
}

/// An operator a userdata type defines through a metamethod.
public struct OperatorDoc: Sendable {
    /// The metamethod, e.g. `__add`.
    public let metamethod: String
    /// The right operand's type, or nil for a unary operator.
    public let operand: String?
    public let result: String
    public let summary: String

    public init(_ metamethod: String, operand: String?, result: String, _ summary: String) {
        self.metamethod = metamethod
        self.operand = operand
        self.result = result
        self.summary = summary
    }
}

/// A userdata type with its methods and operators.
public struct TypeDoc: Sendable {
    public let name: String
    public let summary: String
    public let methods: [FunctionDoc]
    public let operators: [OperatorDoc]

    public init(_ name: String, _ summary: String, methods: [FunctionDoc], operators: [OperatorDoc] = []) {
        self.name = name
        self.summary = summary
        self.methods = methods
        self.operators = operators
    }

    /// `Tensor` for `flipside.Tensor`.
    public var shortName: String { String(name.split(separator: ".").last ?? Substring(name)) }
}

/// A table with known fields, passed in or handed back (a dataset, an options table).
public struct ClassDoc: Sendable {
    public let name: String
    public let summary: String
    public let fields: [FieldDoc]

    public init(_ name: String, _ summary: String, fields: [FieldDoc]) {
        self.name = name
        self.summary = summary
        self.fields = fields
    }
}

/// A named type: a set of words, or a function type.
public struct AliasDoc: Sendable {
    public let name: String
    public let type: String
    public let summary: String

    public init(_ name: String, _ type: String, _ summary: String) {
        self.name = name
        self.type = type
        self.summary = summary
    }
}

/// The whole reference, in the order the documents present it.
public enum APIReference {
    public static let modules: [ModuleDoc] = [
        FlipsideReference.module, TensorReference.module, RandomReference.module, DataReference.module,
        ModelReference.module, AttackReference.module, MetricsReference.module, ServerReference.module,
    ]
    public static let types: [TypeDoc] = [
        TensorReference.type, RandomReference.type, ModelReference.type, ModelReference.optimizer,
        AttackReference.epoch, ServerReference.aggregator, ServerReference.server,
    ]
    public static let classes: [ClassDoc] =
        FlipsideReference.classes + DataReference.classes + ModelReference.classes + AttackReference.classes + ServerReference.classes
    public static let aliases: [AliasDoc] = TensorReference.aliases + AttackReference.aliases + ServerReference.aliases

    /// The reference entry of a native function or method, as docs/api.md shows it.
    public static func text(of name: String) -> String? { entries[name].map(ReferenceMarkdown.entry) }

    /// Every function and method by its full Lua name.
    public static let entries: [String: FunctionDoc] = {
        var all: [String: FunctionDoc] = [:]
        for function in modules.flatMap(\.functions) + types.flatMap(\.methods) { all[function.name] = function }
        return all
    }()
}
