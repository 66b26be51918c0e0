import FlipLua
import FlipResults
import LuaHost

/// A script that returns a table is data (DESIGN.md, "Scripts are data"):
/// `description`, a parameter `grid`, `seeds`, `run(params)` returning
/// metrics, and optionally `report(results, context)`. The plan is what the
/// runner needs from that table: every (parameter point, seed) to run.
public struct GridPlan: Sendable {
    public var description: String
    public var points: [[String: RunValue]]
    public var seeds: [Int]
    public var hasReport: Bool
    /// The names the script's `params` declares ({name, type, doc, ...} each, as
    /// flipside.declare's fields): parameters its runs read besides the grid's.
    public var declaredParameters: [String] = []

    /// Every name a grid point sets.
    public var axisNames: Set<String> { Set(points.flatMap(\.keys)) }

    /// Reads the plan from the script's table at `index` of `vm`'s stack.
    /// Grid: `{name = {values...}, ...}` (every combination, names in sorted order)
    /// or a list of points `{{name = value, ...}, ...}`. Seeds: a count n (1..n) or a list.
    public static func read(_ vm: LuaVM, at index: Int32, script: String) throws -> GridPlan {
        func isFunction(_ name: String) -> Bool {
            vm.rawField(index, name)
            defer { vm.pop() }
            return vm.isFunction(at: -1)
        }
        func field(_ name: String) throws -> LuaValue {
            vm.rawField(index, name)
            defer { vm.pop() }
            return try vm.value(at: -1, path: "\(script): field '\(name)'")
        }
        guard isFunction("run") else {
            throw GridError("\(script): a script returning a table needs a function 'run(params)'")
        }
        let hasReport = isFunction("report")
        let reportValue = hasReport ? .none : try field("report")
        guard reportValue == .none else {
            throw GridError("\(script): field 'report' must be a function")
        }
        let description: String
        switch try field("description") {
        case .none: description = ""
        case .string(let s): description = s
        default: throw GridError("\(script): field 'description' must be a string")
        }
        let seedList = try seeds(try field("seeds"), script: script)
        let pointList = try points(try field("grid"), script: script, seedCount: seedList.count)
        var plan = GridPlan(description: description, points: pointList, seeds: seedList, hasReport: hasReport)
        plan.declaredParameters = try declared(try field("params"), script: script)
        return plan
    }

    /// The most runs (points × seeds) one plan may hold: its list is built in
    /// memory before anything runs, so a grid of 10^12 would exhaust memory
    /// instead of failing.
    public static let maxRuns = 1_000_000

    static func tooManyRuns(_ script: String, _ description: String) -> GridError {
        GridError("\(script): the grid has \(description), more than the \(maxRuns) runs a script may plan; split it into several scripts")
    }

    static func scalar(_ value: LuaValue, _ what: String) throws -> RunValue {
        switch value {
        case .integer(let i): return .integer(Int(i))
        case .number(let d): return .number(d)
        case .string(let s): return .text(s)
        case .boolean(let b): return .boolean(b)
        default: throw GridError("\(what) must be a number, string or boolean")
        }
    }

    static func points(_ grid: LuaValue, script: String, seedCount: Int) throws -> [[String: RunValue]] {
        switch grid {
        case .none:
            return [[:]]
        case .table(let array, let fields) where fields.isEmpty && !array.isEmpty:
            let (runs, overflow) = array.count.multipliedReportingOverflow(by: seedCount)
            guard !overflow, runs <= maxRuns else {
                throw tooManyRuns(script, "\(array.count) points × \(seedCount) seeds")
            }
            return try array.enumerated().map { n, point in
                guard case .table(let extra, let values) = point, extra.isEmpty else {
                    throw GridError("\(script): grid point \(n + 1) must be a table of name = value")
                }
                return try values.mapValues { try scalar($0, "\(script): grid point \(n + 1)") }
            }
        case .table(let array, let fields) where array.isEmpty:
            var axes: [(name: String, values: [RunValue])] = []
            var runs = seedCount
            for name in fields.keys.sorted() {
                let values: [RunValue]
                if case .table(let list, let named) = fields[name]!, named.isEmpty, !list.isEmpty {
                    values = try list.map { try scalar($0, "\(script): grid.\(name)") }
                } else {
                    values = [try scalar(fields[name]!, "\(script): grid.\(name)")]
                }
                axes.append((name, values))
                let (product, overflow) = runs.multipliedReportingOverflow(by: values.count)
                guard !overflow, product <= maxRuns else {
                    let sizes = axes.map { "\($0.values.count)" }.joined(separator: " × ")
                    throw tooManyRuns(script, "\(sizes)\(axes.count < fields.count ? " × …" : "") values × \(seedCount) seeds")
                }
                runs = product
            }
            var points: [[String: RunValue]] = [[:]]
            for (name, values) in axes {
                points = points.flatMap { p in values.map { v in p.merging([name: v]) { $1 } } }
            }
            return points
        default:
            throw GridError("\(script): field 'grid' must be {name = {values...}} or a list of points")
        }
    }

    static func declared(_ value: LuaValue, script: String) throws -> [String] {
        switch value {
        case .none: return []
        case .table(let list, let fields) where fields.isEmpty:
            return try list.enumerated().map { n, entry in
                switch entry {
                case .string(let name): return name
                case .table(let parts, _): if case .string(let name)? = parts.first { return name }
                default: break
                }
                throw GridError("\(script): params[\(n + 1)] must be a parameter's declaration {name, type, doc, ...}")
            }
        default:
            throw GridError("\(script): field 'params' must list the parameters' declarations")
        }
    }

    static func seeds(_ value: LuaValue, script: String) throws -> [Int] {
        switch value {
        case .none: return [1]
        case .integer(let n) where n >= 1 && n <= 100_000: return Array(1...Int(n))
        case .table(let list, let fields) where fields.isEmpty && !list.isEmpty:
            return try list.map {
                guard case .integer(let s) = $0 else { throw GridError("\(script): field 'seeds' must list integers") }
                return Int(s)
            }
        default:
            throw GridError("\(script): field 'seeds' must be a count (1 to 100000) or a list of integers")
        }
    }
}

public struct GridError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
