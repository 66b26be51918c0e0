-- Benchmark: the attacker's honest direction (model:direction, log-domain
-- residuals rescaled) against the plain float32 gradient (model:gradient)
-- on Fashion-MNIST's 60,000 training rows, per architecture and row type:
-- what direction = "robust" (the default) costs an attacked epoch over
-- direction = "float". Best of `repeats`.
--   flipside run [--set repeats=10 --set dir=PATH] scripts/bench/direction.lua
local flipside = require "flipside"
local data = flipside.data
local P = require("flipside.declare").params {
  { "dir", "string", "Fashion-MNIST's folder" },
  { "repeats", "integer", "samples per case (10)" },
}
local repeats = P.repeats or 10

local best_of = require("flipside.bench").best_of

local train = data.load("fashion-mnist", { split = "train", dir = P.dir })
local binary = data.select_classes(train, { 0, 1 })
local d = train.x:size(2)
print("BLAS: " .. flipside.blas.summary .. "; fixed-point kernel: " .. flipside.fixed_point_kernel)
print(string.format("%-28s %10s %10s %8s", "case", "gradient", "direction", "ratio"))
local cases = {
  { "binary, uint8 rows", flipside.model.logistic(d), binary.x, binary.y },
  { "binary, float rows", flipside.model.logistic(d), binary.x:float() / 255, binary.y },
  { "softmax, uint8 rows", flipside.model.softmax(d, 10), train.x, train.y },
  { "MLP (128 hidden), uint8 rows", flipside.model.mlp(d, 128, 10, flipside.generator(1)), train.x, train.y },
}
for _, c in ipairs(cases) do
  local name, model, x, y = c[1], c[2], c[3], c[4]
  model:set_params(flipside.generator(2):normal(model:params():shape()) * 0.001)
  local g = best_of(repeats, function() model:gradient(x, y) end)
  local r = best_of(repeats, function() model:direction(x, y) end)
  print(string.format("%-28s %8.2f ms %8.2f ms %7.2fx", name, 1000 * g, 1000 * r, r / g))
end
