import Foundation
import Testing

/// The binary model's uint8 pass gives the same numbers whichever kernel runs it:
/// the same script with the vector kernel (where the processor has AVX-512 VNNI)
/// and with the portable one prints the same floats, to the last bit.
@Suite struct FixedPointKernelTests {
    @Test func bothKernelsGiveTheSameBits() throws {
        let file = try CommandLineTests.script("""
            local flipside = require "flipside"
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
        #expect(chosen.status == 0, "\(chosen.stderr)")
        #expect(portable.status == 0, "\(portable.stderr)")
        #expect(chosen.stdout.split(separator: "\n").count == 3)
        #expect(chosen.stdout == portable.stdout)
    }
}
