import FlipLua
import FlipRunner
import Foundation

/// A Slurm job array for a batch: task i runs `flipside batch --shard i/n`
/// into its own store; a merge job, started after the array, gathers the
/// shards into the batch's store and draws the reports.
struct SlurmArray {
    let command: BatchCommand
    let scripts: [String]

    var folder: String { (command.out as NSString).appendingPathComponent("slurm") }

    func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    func write() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let exe = ChildRunner.executable
        let n = command.tasks
        let sets = try command.parameters.pairs().flatMap { ["--set", "\($0.0)=\($0.1)"] }
        let common = sets + (command.timeout.map { ["--timeout", String($0)] } ?? []) + (command.memory.map { ["--memory", String($0)] } ?? [])
            + (command.sandbox ? ["--sandbox"] + command.sandboxFlags.arguments : [])
        let scriptArgs = scripts.map(absolute).map(quoted).joined(separator: " ")
        let shardStore = absolute((folder as NSString).appendingPathComponent("shard-$SLURM_ARRAY_TASK_ID.sqlite"))
        let array = """
            #!/bin/bash
            #SBATCH --job-name=flipside-batch
            #SBATCH --array=0-\(n - 1)
            #SBATCH --cpus-per-task=\(command.jobs)
            #SBATCH --output=\(absolute(folder))/task-%a.log
            set -euo pipefail
            cd \(quoted(FileManager.default.currentDirectoryPath))
            exec \(quoted(exe)) batch --shard "$SLURM_ARRAY_TASK_ID/\(n)" --jobs \(command.jobs) \
              --db "\(shardStore)" --out \(quoted(absolute(command.out))) --no-report \(common.map(quoted).joined(separator: " ")) \(scriptArgs)

            """
        let merge = """
            #!/bin/bash
            #SBATCH --job-name=flipside-merge
            #SBATCH --output=\(absolute(folder))/merge.log
            set -euo pipefail
            cd \(quoted(FileManager.default.currentDirectoryPath))
            \(quoted(exe)) results merge --db \(quoted(absolute(command.db))) \(absolute(folder))/shard-*.sqlite
            exec \(quoted(exe)) batch --jobs \(command.jobs) --db \(quoted(absolute(command.db))) --out \(quoted(absolute(command.out))) \(common.map(quoted).joined(separator: " ")) \(scriptArgs)

            """
        let arrayPath = (folder as NSString).appendingPathComponent("array.sbatch")
        let mergePath = (folder as NSString).appendingPathComponent("merge.sbatch")
        try array.write(toFile: arrayPath, atomically: true, encoding: .utf8)
        try merge.write(toFile: mergePath, atomically: true, encoding: .utf8)
        print("wrote \(arrayPath) (\(n) tasks) and \(mergePath)")
        guard command.submit else {
            print("submit with: sbatch --parsable \(arrayPath), then sbatch --dependency=afterany:<job id> \(mergePath)")
            return
        }
        let job = try SlurmArray.sbatch(["--parsable", arrayPath]).split(separator: ";").first.map(String.init) ?? ""
        guard !job.isEmpty, job.allSatisfy(\.isNumber) else { throw GridError("sbatch gave no job id: '\(job)'") }
        let mergeJob = try SlurmArray.sbatch(["--parsable", "--dependency=afterany:\(job)", mergePath])
        print("submitted array job \(job) and merge job \(mergeJob)")
    }

    static func sbatch(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GridError("sbatch \(arguments.joined(separator: " ")) failed") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
