-- Benchmark: one SGD epoch of each model on Fashion-MNIST beside its FLOP
-- count, and the same machine's single-threaded sgemm rate measured in the
-- same run as the reference for the FMA peak the kernels could reach; then
-- the same epoch with Adam, whose update is a separate pass over the parameters.
--   flipside run [--set repeats=3 --set hidden=128 --set batch=64] scripts/bench/epoch_time.lua
local flipside = require "flipside"
print("BLAS: " .. flipside.blas.summary)
local P = require("flipside.declare").params {
  { "batch", "integer", "rows per mini-batch" },
  { "hidden", "integer", "the MLP's hidden width" },
  { "repeats", "integer", "samples per case" },
}
local repeats, hidden, batch = P.repeats or 3, P.hidden or 128, P.batch or 64

local best_of = require("flipside.bench").best_of

-- Reference: C = A B with A, B 1024 x 1024 float32 (2 * 1024^3 flops).
local rng = flipside.generator(1)
local a, b = rng:normal({ 1024, 1024 }), rng:normal({ 1024, 1024 })
local gemm_flops = 2 * 1024 ^ 3
local gemm = best_of(repeats, function() a:matmul(b) end)
local peak = gemm_flops / gemm / 1e9

local train = flipside.data.load("fashion-mnist", { split = "train" })
train.x = train.x:float() / 255
local binary = flipside.data.select_classes(train, { 0, 1 })
local n, d, classes = train.y:size(1), train.x:size(2), train.classes

-- Multiply-adds of the forward pass and of the gradient, two flops each.
local cases = {
  { name = "logistic (binary)", data = binary, flops = 4 * binary.y:size(1) * d,
    make = function() return flipside.model.logistic(d) end },
  { name = "softmax", data = train, flops = 4 * n * d * classes,
    make = function() return flipside.model.softmax(d, classes) end },
  { name = string.format("mlp (%d hidden)", hidden), data = train, flops = 4 * n * d * hidden + 6 * n * hidden * classes,
    make = function() return flipside.model.mlp(d, hidden, classes, flipside.generator(1)) end },
}

print(string.format("sgemm 1024^3 reference: %.1f ms, %.1f GFLOP/s (single-threaded BLAS, best of %d)", gemm * 1000, peak, repeats))
print(string.format("%-20s %8s %10s %10s %9s %11s %9s %9s", "model", "rows", "GFLOP", "epoch ms", "GFLOP/s", "of sgemm",
  "adam ms", "adam/sgd"))
for _, case in ipairs(cases) do
  local function epoch_seconds(opts)
    local model = case.make()
    opts.batch, opts.rng = batch, flipside.generator(2)
    return best_of(repeats, function() model:train_epoch(case.data.x, case.data.y, opts) end)
  end
  local seconds = epoch_seconds { lr = 0.01 }
  local adam = epoch_seconds { optimizer = flipside.model.adam { lr = 0.001 } }
  local rate = case.flops / seconds / 1e9
  print(string.format("%-20s %8d %10.2f %10.1f %9.1f %10.0f%% %9.1f %8.2fx", case.name, case.data.y:size(1),
    case.flops / 1e9, seconds * 1000, rate, 100 * rate / peak, adam * 1000, adam / seconds))
end
print(string.format("batch %d; an epoch also widens, shuffles and updates: FLOPs count only the matrix products", batch))
