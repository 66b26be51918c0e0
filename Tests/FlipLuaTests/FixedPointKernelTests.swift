import Foundation
import Testing

/// The binary model's uint8 pass gives the same numbers whichever kernel runs it:
/// the same script with the vector kernel (where the processor has AVX-512 VNNI)
/// and with the portable one prints the same floats, to the last bit; the float
/// pass (FLIPSIDE_FIXED_KERNEL=float) prints a gradient equal to float precision.
@Suite struct FixedPointKernelTests {
    @Test func bothKernelsGiveTheSameBits() throws {
        let file = try CommandLineTests.script("""
            local flipside = require "flipside"
            print(flipside.fixed_point_kernel)
            local rng = flipside.generator(7)
            local n, d = 300, 70
            local x = (rng:integer(256, n * d) - 1):reshape({ n, d }):byte()
            local y = rng:integer(2, n) - 1
            local model = flipside.model.logistic(d)
            model:set_params(rng:normal(d + 1) * 0.002)
            local function hex(t)
              local out = {}
              for i, v in ipairs(t:totable()) do out[i] = string.format("%a", v) end
              return table.concat(out, " ")
            end
            print(hex(model:gradient(x, y)))
            for _ = 1, 2 do model:train_epoch(x, y, { batch = 16, lr = 1e-4, rng = rng }) end
            print(hex(model:params()))
            print(hex(flipside.attack.scores(x, rng:sample(n, 40), -model:gradient(x, y))))
            """)
        let chosen = try CommandLineTests.run(["run", file.path])
        let portable = try CommandLineTests.run(["run", file.path], environment: ["FLIPSIDE_FIXED_KERNEL": "portable"])
        let float = try CommandLineTests.run(["run", file.path], environment: ["FLIPSIDE_FIXED_KERNEL": "float"])
        for outcome in [chosen, portable, float] { #expect(outcome.status == 0, "\(outcome.stderr)") }
        let lines = chosen.stdout.split(separator: "\n"), portableLines = portable.stdout.split(separator: "\n")
        let floatLines = float.stdout.split(separator: "\n")
        guard lines.count == 4, portableLines.count == 4, floatLines.count == 4 else {
            Issue.record("expected four lines each: \(chosen.stdout) \(portable.stdout) \(float.stdout)")
            return
        }
        #expect(["avx512-vnni", "portable"].contains(lines[0]))
        #expect(portableLines[0] == "portable")
        #expect(floatLines[0] == "float")
        #expect(lines[1...] == portableLines[1...])
        let fixed = lines[1].split(separator: " ").compactMap { Double(String($0)) }
        let floats = floatLines[1].split(separator: " ").compactMap { Double(String($0)) }
        #expect(fixed.count == 71 && floats.count == 71)
        let largest = fixed.map(abs).max() ?? 0
        for (a, b) in zip(fixed, floats) { #expect(abs(a - b) <= 1e-5 * largest) }
    }
}
