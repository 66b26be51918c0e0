-- Benchmark: what the protocol saves by computing the honest delta only when a
-- policy reads it, and only the layer the last-layer attack reads. Each case
-- trains under Algorithm 2 (k = 0.2, b = 0.5, batch 64) twice in the same run:
-- as the protocol does it, and with a wrapper that reads ctx.delta before the
-- policy runs (every attacked epoch then pays for the whole honest gradient, as
-- before). Both runs must end with the same parameters bit for bit.
--   flipside run [--set epochs=3 --set hidden=100 --set dir=PATH] scripts/bench/lazy_delta.lua
local flipside = require "flipside"
print("BLAS: " .. flipside.blas.summary)
local protocol = require "flipside.protocol"
local greedy = require "flipside.policies.greedy"
local last_layer = require "flipside.policies.last_layer"
local P = require("flipside.declare").params {
  { "dir", "string", "Fashion-MNIST's folder" },
  { "epochs", "integer", "attacked epochs (3)" },
  { "hidden", "integer", "the MLP's hidden width (100)" },
}
local epochs, hidden = P.epochs or 3, P.hidden or 100

local train = flipside.data.load("fashion-mnist", { split = "train", dir = P.dir })
local data = { x = train.x, y = train.y, classes = train.classes }
local d, classes = train.x:size(2), train.classes

local function eager(policy)
  return function(ctx)
    assert(ctx.delta ~= nil)
    return policy(ctx)
  end
end

-- Seconds for one training run and the parameters it ends with.
local function run(make, policy)
  local model = make()
  collectgarbage()
  local t0 = flipside.clock()
  protocol.train { model = model, data = data, epochs = epochs, k = 0.2, b = 0.5, lr = 1e-4, policy = policy,
    seed = 1, provenance = false }
  return flipside.clock() - t0, model:params()
end

local softmax = function() return flipside.model.softmax(d, classes) end
local mlp = function() return flipside.model.mlp(d, hidden, classes, flipside.generator(1)) end
local target = softmax()
target:set_params(flipside.generator(2):normal({ classes, d + 1 }) * 1e-3)
local cases = {
  { "softmax, untargeted greedy", softmax, greedy.multiclass("exact") },
  { "softmax, targeted greedy", softmax, greedy.multiclass("exact", { target = target }) },
  { string.format("MLP (%d hidden), last-layer greedy", hidden), mlp, last_layer.wrap(greedy.multiclass("exact")) },
}

print(string.format("Algorithm 2 on Fashion-MNIST, %d attacked epochs, k = 0.2, b = 0.5, batch 64", epochs))
print(string.format("%-38s %12s %12s %8s", "policy", "delta read", "as needed", "ratio"))
for _, case in ipairs(cases) do
  local label, make, policy = case[1], case[2], case[3]
  local before, reference = run(make, eager(policy))
  local after, params = run(make, policy)
  assert(params:equal(reference), label .. ": the lazy delta changed the run")
  print(string.format("%-38s %10.3f s %10.3f s %7.2fx", label, before, after, after / before))
end
