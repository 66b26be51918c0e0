-- Benchmark: the binary logistic model on uint8 pixels (Fashion-MNIST T-shirt
-- against Trouser, 12,000 rows) with each of its kernels, in one run: the
-- fixed-point pass with the kernel this processor gets (AVX-512 VNNI where it
-- has it), the portable fixed-point kernel, and the float pass
-- (FLIPSIDE_FIXED_KERNEL=float). Each kernel runs in its own process (the
-- choice is made at start) and times the full gradient, one SGD epoch (batch
-- 64) and the greedy rule's scores of 2,400 rows, best of `repeats`; the
-- fixed-point kernels must give the same parameters, bit for bit.
--   flipside run [--set repeats=200 --set dir=PATH] scripts/bench/binary_kernels.lua
local flipside = require "flipside"
local P = require("flipside.declare").params {
  { "child", "boolean", "this process is a child timing one kernel (the script sets it)" },
  { "dir", "string", "Fashion-MNIST's folder" },
  { "repeats", "integer", "samples per case" },
}
local repeats = P.repeats or 200

local function measure()
  local data = flipside.data
  local train = data.select_classes(data.load("fashion-mnist", { split = "train", dir = P.dir }), { 0, 1 })
  local x, y = train.x, train.y
  local n = y:size(1)
  local model = flipside.model.logistic(x:size(2))
  local rng = flipside.generator(4)
  local subset = flipside.generator(5):sample(n, flipside.attack.budget(0.2, n))
  local best = { gradient = math.huge, epoch = math.huge, scores = math.huge }
  local function time(part, f)
    local t0 = flipside.clock()
    local result = f()
    best[part] = math.min(best[part], flipside.clock() - t0)
    return result
  end
  for _ = 1, repeats do
    time("epoch", function() return model:train_epoch(x, y, { batch = 64, lr = 1e-4, rng = rng }) end)
    local delta = -time("gradient", function() return model:gradient(x, y) end)
    time("scores", function() return flipside.attack.scores(x, subset, delta) end)
  end
  -- The parameters after all the epochs, as exact hexadecimal floats.
  local digest = {}
  for i, v in ipairs(model:params():totable()) do digest[i] = string.format("%a", v) end
  print(string.format("KERNEL %s gradient_ms=%.4f epoch_ms=%.4f scores_ms=%.4f params=%s", flipside.fixed_point_kernel,
    best.gradient * 1e3, best.epoch * 1e3, best.scores * 1e3, table.concat(digest, ",")))
end

if P.child then
  measure()
  return
end

print("BLAS: " .. flipside.blas.summary)
-- The parent: this script again in a child process per kernel (the shell's parent is this process).
local probe = assert(io.popen("readlink /proc/$PPID/exe"))
local executable = probe:read("l")
probe:close()
local script = debug.getinfo(1, "S").source:sub(2)
local dir_option = P.dir and string.format(" --set dir=%q", P.dir) or ""
local results, order = {}, {}
for _, choice in ipairs { false, "portable", "float" } do
  local env = choice and ("FLIPSIDE_FIXED_KERNEL=" .. choice) or "-u FLIPSIDE_FIXED_KERNEL"
  local command = string.format("env %s %q run --set child=true --set repeats=%d%s %q 2>&1", env, executable, repeats,
    dir_option, script)
  local pipe = assert(io.popen(command))
  local output = pipe:read("a")
  pipe:close()
  local name, g, e, s, params = output:match("KERNEL (%S+) gradient_ms=(%S+) epoch_ms=(%S+) scores_ms=(%S+) params=(%S+)")
  assert(name, "the child (" .. env .. ") printed no figures:\n" .. output)
  if not results[name] then order[#order + 1] = name end
  results[name] = { gradient = tonumber(g), epoch = tonumber(e), scores = tonumber(s), params = params }
end

local reference = results.float
print(string.format("binary LR on uint8 Fashion-MNIST (T-shirt/Trouser, 12,000 rows), best of %d, one thread", repeats))
print(string.format("%-12s %12s %12s %12s   %s", "kernel", "gradient ms", "epoch ms", "scores ms", "against the float pass"))
for _, name in ipairs(order) do
  local r = results[name]
  print(string.format("%-12s %12.3f %12.3f %12.3f   %.2fx %.2fx %.2fx", name, r.gradient, r.epoch, r.scores,
    r.gradient / reference.gradient, r.epoch / reference.epoch, r.scores / reference.scores))
end
if results["avx512-vnni"] then
  local same = results["avx512-vnni"].params == results.portable.params
  print("avx512-vnni and portable parameters after " .. repeats .. " epochs: " .. (same and "identical" or "DIFFERENT"))
  assert(same, "the fixed-point kernels disagree")
end
