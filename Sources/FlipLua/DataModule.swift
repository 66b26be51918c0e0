import FlipKit
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// flipside.data: datasets as tables {x = features, y = labels, classes = C, name = ...}.
enum DataModule {
    static let functions: [LuaFunction] = [
        LuaFunction("load") { call in
            let name = try call.string(1)
            let options = try call.optionalTable(2)
            guard let dataset = IDXDataset(rawValue: name) else {
                let known = IDXDataset.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                throw LuaArgumentError(1, "unknown dataset '\(name)', expected one of \(known)")
            }
            let split: IDXDataset.Split = try options?.option("split", default: .train) ?? .train
            let dir = try options?.string("dir")
            try pushDataset(call, try dataset.load(split: split, directory: dir, environment: environment()))
            return 1
        },
        LuaFunction("read_idx") { call in
            try call.push(try IDXReader.read(path: try call.string(1)))
            return 1
        },
        LuaFunction("select_classes") { call in
            let dataset = try readDataset(call, 1)
            let classes = try call.table(2).numbers()
            guard classes.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e9 }) else {
                throw LuaArgumentError(2, "class numbers must be integers")
            }
            do {
                try pushDataset(call, try dataset.selectingClasses(classes.map { Int($0) }))
            } catch let error as FlipError {
                throw LuaArgumentError(2, error.description)
            }
            return 1
        },
    ]

    static func environment() -> [String: String] {
        var env: [String: String] = [:]
        if let value = getenv("FLIPSIDE_DATA") { env["FLIPSIDE_DATA"] = String(cString: value) }
        return env
    }

    static func pushDataset(_ call: LuaCall, _ d: Dataset) throws {
        lua_createtable_of(call, 0)
        try call.setField("x") { try call.push(d.features) }
        try call.setField("y") { try call.push(d.labels) }
        call.setField("classes") { call.push(d.classes) }
        call.setField("name") { call.push(d.name) }
    }

    /// A dataset table at argument `i`, checked.
    static func readDataset(_ call: LuaCall, _ i: Int32) throws -> Dataset {
        let table = try call.table(i)
        guard let x = try table.object("x", Tensor.self) else { throw LuaArgumentError(i, "field 'x': Tensor expected, got nil") }
        guard let y = try table.object("y", Tensor.self) else { throw LuaArgumentError(i, "field 'y': Tensor expected, got nil") }
        guard let classes = try table.integer("classes") else { throw LuaArgumentError(i, "field 'classes': integer expected, got nil") }
        do {
            return try Dataset(features: x, labels: y, classes: classes, name: try table.string("name") ?? "dataset")
        } catch let error as FlipError {
            throw LuaArgumentError(i, error.description)
        }
    }
}
