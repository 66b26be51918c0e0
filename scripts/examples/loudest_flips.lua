-- scripts/examples/loudest_flips.lua: flipside run --set k=0.1 --seed 3 scripts/examples/loudest_flips.lua
local flipside = require "flipside"                  -- the native engine
local protocol = require "flipside.protocol"         -- Algorithm 2, in stdlib/
local P = require("flipside.declare").params {       -- what --set may give
  { "k", "number", "the attacker's fraction of the rows", default = 0.2, min = 0, max = 1 },
  { "b", "number", "the fraction of those it may flip", default = 0.5, min = 0, max = 1 },
  { "epochs", "integer", "training epochs", default = 5, min = 0 },
}
local attack = flipside.attack

local data = flipside.data
local train = data.select_classes(data.load("fashion-mnist", { split = "train" }), { 0, 1 })
local test  = data.select_classes(data.load("fashion-mnist", { split = "test" }),  { 0, 1 })
train.x, test.x = train.x:float() / 255, test.x:float() / 255

-- A flip policy is any function of the epoch's context returning rows and new labels.
-- This one flips the budget's worth of attacker points with the largest |<delta, x>|.
local function loudest(ctx)
  local s = attack.scores(ctx.features, ctx.subset, ctx.delta)  -- s_i = <delta, (x_i, 1)>
  local _, top = (s * s):topk(ctx.budget)                       -- positions in the subset
  local rows, labels = {}, {}
  for j = 1, top:size(1) do
    local row = ctx.subset:get(top:get(j))
    rows[j], labels[j] = row, 1 - ctx.labels:get(row)
  end
  return rows, labels
end

local model = flipside.model.logistic(train.x:size(2))
protocol.train {
  model = model, data = train, epochs = P.epochs, lr = 0.01, batch = 64, seed = flipside.seed,
  k = P.k, b = P.b, policy = loudest,
}
print(string.format("test accuracy %.2f%%", 100 * model:accuracy(test.x, test.y)))
