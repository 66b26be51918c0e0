-- Benchmark: the greedy rules written in Lua (policies/greedy_lua.lua) against
-- the native ones (policies/greedy.lua) on Fashion-MNIST, k = 0.2, b = 0.5:
-- the policy call alone, and one whole attacked epoch (honest gradient,
-- policy, checks, training), each as a ratio to the native rule measured in
-- the same run. Goal: the Lua policy costs at most 1.1x per epoch.
--   flipside run [--set repeats=15] scripts/bench/lua_policy.lua
local flipside = require "flipside"
local P = require("flipside.declare").params {
  { "repeats", "integer", "samples per case (15)" },
}
print("BLAS: " .. flipside.blas.summary)
local protocol = require "flipside.protocol"
local greedy = require "flipside.policies.greedy"
local greedy_lua = require "flipside.policies.greedy_lua"
local repeats = P.repeats or 15

local train = flipside.data.load("fashion-mnist", { split = "train" })
train.x = train.x:float() / 255
local binary = flipside.data.select_classes(train, { 0, 1 })

local best_of = require("flipside.bench").best_of

local function context(data, model)
  local rng = flipside.generator(1)
  local n = data.y:size(1)
  local subset = rng:sample(n, flipside.attack.budget(0.2, n))
  local ctx = { features = data.x, labels = data.y, subset = subset, classes = data.classes, model = model, rng = rng,
    budget = flipside.attack.budget(0.5, subset:size(1)) }
  ctx.delta = -model:gradient(data.x, data.y)
  return ctx
end

local cases = {
  { name = "binary", data = binary, make = function() return flipside.model.logistic(784) end,
    native = greedy.binary, lua = greedy_lua.binary },
  { name = "multi-class", data = train, make = function() return flipside.model.softmax(784, 10) end,
    native = greedy.multiclass, lua = greedy_lua.multiclass },
}

print(string.format("k = 0.2, b = 0.5, best of %d; ratios are Lua / native in this run", repeats))
print(string.format("%-12s %-6s %8s %12s %12s %7s %12s %12s %7s", "task", "rule", "|K|", "native ms",
  "Lua ms", "ratio", "epoch nat.", "epoch Lua", "ratio"))
for _, case in ipairs(cases) do
  local model = case.make()
  model:train_epoch(case.data.x, case.data.y, { lr = 0.1, rng = flipside.generator(2) })
  local ctx = context(case.data, model)
  for _, variant in ipairs { "exact", "paper" } do
    local native, lua = case.native(variant), case.lua(variant)
    local tn = best_of(repeats, function() native(ctx) end)
    local tl = best_of(repeats, function() lua(ctx) end)
    local function epoch(policy)
      return function()
        protocol.train { model = model:clone(), data = case.data, epochs = 1, k = 0.2, b = 0.5, lr = 0.1,
          policy = policy, seed = 3, provenance = false }
      end
    end
    local en, el = best_of(repeats, epoch(native)), best_of(repeats, epoch(lua))
    print(string.format("%-12s %-6s %8d %12.2f %12.2f %6.2fx %12.1f %12.1f %6.2fx", case.name, variant,
      ctx.subset:size(1), tn * 1000, tl * 1000, tl / tn, en * 1000, el * 1000, el / en))
  end
end
