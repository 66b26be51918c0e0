-- Benchmark: throughput of `flipside batch` with 2 processes against 1, on a
-- folder of CPU-bound runs (softmax regression on Gaussian blobs), each
-- batch into a fresh store. Goal: at least 1.8x on 2 cores.
--   flipside run [--set runs=16 --set jobs=2] scripts/bench/batch_throughput.lua
local flipside = require "flipside"
print("BLAS: " .. flipside.blas.summary)
local P = require("flipside.declare").params {
  { "jobs", "integer", "processes (2)" },
  { "runs", "integer", "runs in the batch" },
}
local runs, jobs = P.runs or 16, P.jobs or 2

local folder = os.tmpname()
os.remove(folder)
assert(os.execute("mkdir -p " .. folder .. "/scripts"))
local script = io.open(folder .. "/scripts/work.lua", "w")
script:write(string.format([[
local flipside = require "flipside"
local values = {}
for i = 1, %d do values[i] = i end
return { grid = { point = values }, run = function(p)
  local data = flipside.data.load("blobs", { n = 40000, d = 128, classes = 10, separation = 2, seed = p.point })
  local model = flipside.model.softmax(128, 10)
  local rng = flipside.generator(p.seed)
  for _ = 1, 10 do model:train_epoch(data.x, data.y, { lr = 0.05, batch = 64, rng = rng }) end
  return { accuracy = model:accuracy(data.x, data.y) }
end }
]], runs))
script:close()

-- This very binary, so both batches measure the build being benchmarked.
local pid = io.open("/proc/self/stat"):read("n")
local exe = io.popen("readlink -f /proc/" .. pid .. "/exe"):read("l")
local function batch(n)
  local t0 = flipside.clock()
  local command = string.format("cd %s && %s batch --jobs %d --db out/jobs%d.sqlite --out out/jobs%d scripts > out-%d.log 2>&1",
    folder, exe, n, n, n, n)
  assert(os.execute(command), "batch failed: see " .. folder .. "/out-" .. n .. ".log")
  return flipside.clock() - t0
end

local one = batch(1)
local two = batch(jobs)
print(string.format("%d runs: %.2f s with 1 process, %.2f s with %d (%.2f runs/s vs %.2f runs/s): %.2fx (goal >= 1.8x)",
  runs, one, two, jobs, runs / one, runs / two, one / two))
os.execute("rm -rf " .. folder)
