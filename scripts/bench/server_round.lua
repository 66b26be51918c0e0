-- Benchmark: one parameter-server round with 10 workers on Fashion-MNIST
-- softmax regression, for each aggregation rule. The mean rule, measured in
-- the same run, is the reference: the other rules' ratios show what the
-- aggregation itself costs on top of computing the workers' gradients.
--   flipside run [--set repeats=20 --set workers=10 --set batch=64] scripts/bench/server_round.lua
local flipside = require "flipside"
print("BLAS: " .. flipside.blas.summary)
local federated = require "flipside.federated"
local P = require("flipside.declare").params {
  { "batch", "integer", "rows per worker per round" },
  { "repeats", "integer", "samples per case" },
  { "workers", "integer", "workers per round" },
}
local repeats, workers, batch = P.repeats or 20, P.workers or 10, P.batch or 64

local train = flipside.data.load("fashion-mnist", { split = "train" })
train.x = train.x:float() / 255
local d, classes = train.x:size(2), train.classes

local rules = {
  { name = "mean" },
  { name = "median", rule = "median" },
  { name = "trimmed mean f=2", rule = "trimmed_mean", f = 2 },
  { name = "krum f=2", rule = "krum", f = 2 },
  { name = "multi-krum f=2 m=5", rule = "multi_krum", f = 2, m = 5 },
  { name = "geometric median", rule = "geometric_median", tolerance = 1e-6, iterations = 100 },
  { name = "centered clipping", rule = "centered_clipping", tau = 1, iterations = 3 },
  { name = "clip + mean", steps = { { "clip", 1 } } },
  { name = "nnm f=2 + mean", steps = { { "nnm", 2 } } },
  { name = "Lua mean", lua = function(stack) return stack:mean(1) end },
}

local function seconds_per_round(spec)
  local opts = { model = flipside.model.softmax(d, classes), data = train, workers = workers, batch = batch,
    lr = 0.1, seed = 1, rule = spec.lua or spec.rule, f = spec.f, m = spec.m, tau = spec.tau,
    tolerance = spec.tolerance, iterations = spec.iterations, steps = spec.steps }
  local s = federated.server(opts)
  s:round() -- warm-up
  local best = math.huge
  for _ = 1, repeats do
    local t0 = flipside.clock()
    s:round()
    best = math.min(best, flipside.clock() - t0)
  end
  return best
end

print(string.format("%d workers x batch %d, softmax %d x %d (%d parameters), best of %d rounds",
  workers, batch, classes, d + 1, classes * (d + 1), repeats))
print(string.format("%-22s %10s %9s", "rule", "ms/round", "vs mean"))
local reference
for _, spec in ipairs(rules) do
  local t = seconds_per_round(spec)
  reference = reference or t
  print(string.format("%-22s %10.2f %8.2fx", spec.name, t * 1000, t / reference))
end
