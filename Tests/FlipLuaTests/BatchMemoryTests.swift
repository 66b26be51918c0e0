import Foundation
import Testing

/// Under `batch --memory`, what outgrows the budget — many small Lua objects,
/// or a small compressed file that inflates beyond it — is a recorded failure
/// with the budget's message, never a signal.
@Suite(.serialized) struct BatchMemoryTests {
    /// gzip members of 1 MB of `unit` each, one after another: `count` MB of content in a small file.
    static func bomb(_ dir: URL, name: String, first: [UInt8] = [], unit: [UInt8], count: Int) throws -> String {
        let raw = dir.appendingPathComponent("member")
        var content = first
        while content.count < 1 << 20 { content += unit }
        try Data(content.prefix(1 << 20)).write(to: raw)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        gzip.arguments = ["-9", "-f", raw.path]
        try gzip.run()
        gzip.waitUntilExit()
        var member = try Data(contentsOf: URL(fileURLWithPath: raw.path + ".gz"))
        try FileManager.default.removeItem(atPath: raw.path + ".gz")
        if !first.isEmpty {
            // The rest of the file: members of `unit` alone.
            let head = member
            member = try Data(contentsOf: URL(fileURLWithPath: try bomb(dir, name: name + ".rest", unit: unit, count: 1)))
            var file = head
            for _ in 1..<count { file += member }
            try file.write(to: dir.appendingPathComponent(name))
            return dir.appendingPathComponent(name).path
        }
        var file = Data()
        for _ in 0..<count { file += member }
        try file.write(to: dir.appendingPathComponent(name))
        return dir.appendingPathComponent(name).path
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    @Test(arguments: [300, 400, 1000])
    func everyBlowUpIsARecordedBudgetFailure(_ megabytes: Int) throws {
        let dir = try BatchTests.folder([
            "closures.lua": "return { params = { { 'data', 'string', 'the folder of the bombs' } }, run = function(p) local t = {} for i = 1, 1e7 do t[i] = function() return i end end end }",
            "coroutines.lua": "return { params = { { 'data', 'string', 'the folder of the bombs' } }, run = function(p) local t = {} for i = 1, 1e7 do t[i] = coroutine.create(function() end) end end }",
            "cifar_bomb.lua": "return { params = { { 'data', 'string', 'the folder of the bombs' } }, run = function(p) require('flipside').data.load('cifar10', { dir = p.data .. '/c10' }) end }",
            "csv_bomb.lua": "return { params = { { 'data', 'string', 'the folder of the bombs' } }, run = function(p) require('flipside').data.load('csv', { path = p.data .. '/rows.csv.gz' }) end }",
            "idx_bomb.lua": "return { params = { { 'data', 'string', 'the folder of the bombs' } }, run = function(p) require('flipside').data.read_idx(p.data .. '/images.gz') end }",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("c10"), withIntermediateDirectories: true)
        let inflated = megabytes + 100  // more than the whole address space the run may have
        let cifar = try BatchMemoryTests.bomb(data, name: "c10/data_batch_1.bin.gz", unit: [0], count: inflated)
        for name in ["data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"] {
            try FileManager.default.copyItem(atPath: cifar, toPath: data.appendingPathComponent("c10/\(name).gz").path)
        }
        let csv = try BatchMemoryTests.bomb(data, name: "rows.csv.gz", unit: Array("1,2,0\n3,4,1\n".utf8), count: inflated)
        let images = UInt32(inflated << 20) / 784
        let idx = try BatchMemoryTests.bomb(data, name: "images.gz", first: [0, 0, 8, 3] + [images, 28, 28].flatMap(BatchMemoryTests.bigEndian),
                                            unit: [0], count: inflated)
        let outcome = try CommandLineTests.run(["batch", "--memory", String(megabytes), "--jobs", "3", "--db", "out/r.sqlite",
                                                "--set", "data=\(data.path)", "scripts"], in: dir, timeout: 120)
        #expect(outcome.status == 1)
        let failures = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("- ") }
        #expect(failures.count == 5, "\(outcome.stdout)")
        for failure in failures {
            #expect(failure.contains("this process may use") && !failure.contains("signal"), "\(failure)")
        }
        for (script, file) in [("cifar_bomb", cifar), ("csv_bomb", csv), ("idx_bomb", idx)] {
            #expect(failures.contains { $0.hasPrefix("- \(script) ") && $0.contains(file) }, "\(script) names \(file): \(outcome.stdout)")
        }
    }
}
