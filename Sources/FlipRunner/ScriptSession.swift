import FlipLua
import FlipResults
import Foundation
import LuaHost

/// One Lua state holding a data script's table: a grid thread, a batch
/// child process and a report each work through one.
public final class ScriptSession {
    public let vm: LuaVM
    public let scriptPath: String
    public let scriptName: String

    /// Loads the script; it must return a table with a function `run`.
    public init(scriptPath: String, parameters: [(String, String)], stdlib: String?, loadTimeLimit: Double? = nil,
                sandbox: LuaSandbox? = nil, outputFolder: String? = nil) throws {
        vm = try ScriptVM.make(settings: .init(parameters: parameters, seed: 1, outputDirectory: outputFolder, script: scriptPath),
                               stdlib: stdlib, sandbox: sandbox)
        self.scriptPath = scriptPath
        scriptName = GridRunner.Configuration.scriptName(of: scriptPath)
        if let loadTimeLimit { vm.setTimeLimit(seconds: loadTimeLimit) }
        defer { vm.clearLimits() }
        try vm.runFile(scriptPath, results: 1)
        guard ScriptSession.isDataScript(vm) else {
            throw GridError("\(scriptName) does not return a table with a function 'run(params)'")
        }
    }

    /// True when the value on top of `vm` is a table with a function `run`.
    /// Adopts `vm`, which already holds the script's table on top.
    public init(adopting vm: LuaVM, scriptPath: String) throws {
        guard ScriptSession.isDataScript(vm) else {
            throw GridError("\(GridRunner.Configuration.scriptName(of: scriptPath)) does not return a table with a function 'run(params)'")
        }
        self.vm = vm
        self.scriptPath = scriptPath
        scriptName = GridRunner.Configuration.scriptName(of: scriptPath)
    }

    public static func isDataScript(_ vm: LuaVM) -> Bool {
        guard vm.isTable(at: -1) else { return false }
        vm.rawField(-1, "run")
        defer { vm.pop() }
        return vm.isFunction(at: -1)
    }

    public func plan() throws -> GridPlan { try GridPlan.read(vm, at: -1, script: scriptName) }

    /// Runs one (point, seed); a failure is a record with the error and its traceback.
    public func run(_ request: GridRunner.Request, scriptHash: String, codeVersion: String, timeLimit: Double?) -> RunRecord {
        let started = LuaVM.monotonicSeconds()
        var record = RunRecord(id: request.id, script: scriptName, scriptHash: scriptHash, keyInputs: request.inputs, parameters: request.parameters,
                               seed: request.seed, codeVersion: codeVersion, status: .ok, seconds: 0)
        do {
            var parameters = request.parameters.mapValues(\.luaValue)
            parameters["seed"] = .integer(Int64(request.seed))
            vm.rawField(-1, "run")
            if let timeLimit { vm.setTimeLimit(seconds: timeLimit) }
            defer { vm.clearLimits() }
            try vm.callTop(with: [.table(array: [], fields: parameters)], results: 1)
            defer { vm.pop() }
            try RunResult.read(try vm.value(at: -1, path: "result"), into: &record)
        } catch {
            record.fail(error)
        }
        vm.collectGarbage()
        record.seconds = LuaVM.monotonicSeconds() - started
        return record
    }

    /// report(results, {out, description, store, script}) for `records`, in their order.
    public func report(records: [RunRecord], description: String, outputFolder: String, storePath: String) throws {
        try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
        let results = LuaValue.table(array: records.map(RunResult.table), fields: [:])
        let context = LuaValue.table(array: [], fields: [
            "out": .string(outputFolder), "description": .string(description),
            "store": .string(storePath), "script": .string(scriptName),
        ])
        vm.rawField(-1, "report")
        try vm.callTop(with: [results, context], results: 0)
    }
}
