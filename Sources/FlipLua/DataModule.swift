import FlipKit
import LuaHost

#if canImport(Glibc)
import Glibc
#endif

/// flipside.data: datasets as tables {x = features, y = labels, classes = C, name = ...};
/// shards as the same table plus `rows`, the 1-based rows the worker owns.
enum DataModule {
    static let datasetNames = ["fashion-mnist", "mnist", "cifar10", "cifar100", "csv", "blobs"]

    static let functions: [LuaFunction] = [
        // load(name, {split = "train"|"test", dir = ...; labels = "fine"|"coarse" (cifar100);
        //   path, label, delimiter (csv); n, d, classes, separation, seed (blobs)})
        LuaFunction("load") { call in
            let name = try call.string(1)
            let options = try call.optionalTable(2)
            let declared: [FieldDoc]
            switch name {
            case "csv": declared = DataReference.csvOptions
            case "blobs": declared = DataReference.blobOptions
            case "cifar100": declared = DataReference.imageOptions + DataReference.cifar100Options
            default: declared = DataReference.imageOptions
            }
            if datasetNames.contains(name) { try options?.requireDeclared(declared) }
            let split: IDXDataset.Split = try options?.option("split", default: .train) ?? .train
            let dir = try options?.string("dir").map { try readable(call, $0) }
            let env = environment()
            let dataset: Dataset
            if let idx = IDXDataset(rawValue: name) {
                dataset = try idx.load(split: split, directory: dir, environment: env)
            } else if let cifar = CIFARDataset(rawValue: name) {
                let labels = try options?.string("labels") ?? "fine"
                guard labels == "fine" || labels == "coarse" else {
                    throw LuaArgumentError(2, "field 'labels': invalid option '\(labels)', expected one of 'fine', 'coarse'")
                }
                dataset = try cifar.load(split: split, directory: dir, environment: env, fine: labels == "fine")
            } else if name == "csv" {
                dataset = try loadCSV(call, options)
            } else if name == "blobs" {
                dataset = try loadBlobs(call, options)
            } else {
                let known = datasetNames.map { "'\($0)'" }.joined(separator: ", ")
                throw LuaArgumentError(1, "unknown dataset '\(name)', expected one of \(known)")
            }
            try pushDataset(call, dataset)
            return 1
        },
        LuaFunction("read_idx") { call in
            try call.push(try IDXReader.read(path: try readable(call, try call.string(1))))
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
        // normalize(method, train, other...) -> train', other'...: fitted on train only.
        LuaFunction("normalize") { call in
            let method = try call.option(1, Normalizer.Method.self, default: .none)
            guard !call.isNoneOrNil(2) else { throw call.argumentError(2, expected: "dataset") }
            let train = try readDataset(call, 2)
            let normalizer = try Normalizer(fitting: train.features, method: method)
            var results: [Dataset] = []
            for i in 2...max(call.count, 2) {
                let d = i == 2 ? train : try readDataset(call, i)
                results.append(try Dataset(features: try normalizer.apply(d.features), labels: d.labels, classes: d.classes, name: d.name))
            }
            for d in results { try pushDataset(call, d) }
            return Int32(results.count)
        },
        // split(dataset, fraction, rng) -> rest, held_out (⌊fraction·n⌋ rows), both copies.
        LuaFunction("split") { call in
            let d = try readDataset(call, 1)
            let fraction = try call.number(2)
            let g = try call.generator(3)
            let parts: (first: [Int32], second: [Int32])
            do { parts = try Shards.split(rows: d.count, fraction: fraction, generator: g) } catch let e as FlipError {
                throw LuaArgumentError(2, e.description)
            }
            for rows in [parts.first, parts.second] {
                let index = try Tensor(int32: rows)
                try pushDataset(call, try Dataset(features: try d.features.gatherRows(index), labels: try d.labels.gatherRows(index),
                                                  classes: d.classes, name: d.name))
            }
            return 2
        },
        // shards(dataset, workers, {scheme = "iid"|"dirichlet"|"classes"|"quantity", alpha = 0.5, per_worker = 2, rng = g})
        LuaFunction("shards") { call in
            let d = try readDataset(call, 1)
            let workers = try call.integer(2, in: 1...1_000_000)
            let options = try call.table(3)
            try options.requireDeclared(DataReference.shardOptions.fields)
            guard let g = try options.object("rng", Generator.self) else {
                throw LuaArgumentError(3, "field 'rng': Generator expected, got nil")
            }
            let scheme = try options.string("scheme") ?? "iid"
            let plan: [[Int32]]
            switch scheme {
            case "iid": plan = try Shards.iid(rows: d.count, workers: workers, generator: g)
            case "dirichlet":
                let alpha = try options.number("alpha", default: 0.5)
                plan = try Shards.dirichlet(labels: d.labels, classes: d.classes, workers: workers, alpha: alpha, generator: g)
            case "classes":
                plan = try Shards.byClass(labels: d.labels, workers: workers, perWorker: try options.integer("per_worker", default: 2), generator: g)
            case "quantity":
                plan = try Shards.quantitySkew(rows: d.count, workers: workers, alpha: try options.number("alpha", default: 0.5), generator: g)
            default:
                throw LuaArgumentError(3, "field 'scheme': invalid option '\(scheme)', expected one of 'iid', 'dirichlet', 'classes', 'quantity'")
            }
            lua_createtable_of(call, plan.count)
            for (w, rows) in plan.enumerated() {
                try pushDataset(call, d)
                try call.setField("rows") { try call.pushOneBased(rows) }
                call.setField("worker") { call.push(w + 1) }
                lua_rawseti_of(call, -2, w + 1)
            }
            return 1
        },
    ]

    static func loadCSV(_ call: LuaCall, _ options: LuaTable?) throws -> Dataset {
        guard let options, let path = try options.string("path") else {
            throw LuaArgumentError(2, "field 'path': string expected, got nil")
        }
        var column = CSVReader.LabelColumn.last
        if let name = try? options.string("label") {
            column = .name(name)
        } else if let index = try? options.integer("label") {
            column = .index(index - 1)
        } else if options.has("label") {
            throw LuaArgumentError(2, "field 'label': column name or 1-based column number expected")
        }
        let delimiter = try options.string("delimiter") ?? ","
        guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first else {
            throw LuaArgumentError(2, "field 'delimiter': a single character expected, got '\(delimiter)'")
        }
        return try CSVReader.read(path: try readable(call, path), label: column, delimiter: byte).dataset
    }

    /// `path` as given, once a sandboxed VM's rules let it be read.
    static func readable(_ call: LuaCall, _ path: String) throws -> String {
        _ = try call.vm?.sandbox?.readablePath(path)
        return path
    }

    static func loadBlobs(_ call: LuaCall, _ options: LuaTable?) throws -> Dataset {
        let n = try options?.integer("n") ?? 1000
        let d = try options?.integer("d") ?? 2
        let classes = try options?.integer("classes") ?? 2
        let separation = try options?.number("separation") ?? 3
        let seed = try options?.integer("seed") ?? 1
        guard n <= Generator.maxPermutation, d <= 1 << 20 else { throw LuaArgumentError(2, "blobs of \(n) x \(d) are too large") }
        do {
            return try SyntheticBlobs.make(count: n, dimension: d, classes: classes, separation: separation,
                                           seed: UInt64(bitPattern: Int64(seed)))
        } catch let error as FlipError {
            throw LuaArgumentError(2, error.description)
        }
    }

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
