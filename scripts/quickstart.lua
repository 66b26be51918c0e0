-- flipside quickstart: T-shirt vs Trouser from Fashion-MNIST, trained clean
-- and under the greedy label-flipping attack (paper Algorithm 2 with the binary
-- rule of Algorithm 3, and its exact correction). Pixels are scaled to [0, 1];
-- `--set raw=true --set lr=0.001` trains on raw pixels as the paper does, where
-- plain SGD is far noisier from one seed to the next.
--   flipside run scripts/quickstart.lua [--set epochs=5 --set k=0.2 --set b=0.5 --set seeds=3]
local flipside = require "flipside"
local protocol = require "flipside.protocol"
local greedy = require "flipside.policies.greedy"
local declare = require "flipside.declare"

local P = declare.params {
  { "epochs", "integer", "training epochs", default = 5, min = 0 },
  { "k", "number", "the fraction of the rows the attacker controls each epoch", default = 0.2, min = 0, max = 1 },
  { "b", "number", "the fraction of those it may flip", default = 0.5, min = 0, max = 1 },
  { "lr", "number", "plain SGD's learning rate", default = 0.01, min = 0 },
  { "batch", "integer", "rows per mini-batch", default = flipside.defaults.batch, min = 1 },
  { "seeds", "integer", "seeds from --seed on", default = 3, min = 1 },
  { "raw", "boolean", "raw pixels in 0..255 instead of [0, 1]", default = false },
}
local epochs, k, b, lr, batch, seeds = P.epochs, P.k, P.b, P.lr, P.batch, P.seeds

local data = flipside.data
local train = data.select_classes(data.load("fashion-mnist", { split = "train" }), { 0, 1 })
local test = data.select_classes(data.load("fashion-mnist", { split = "test" }), { 0, 1 })
if not P.raw then
  train.x, test.x = train.x:float() / 255, test.x:float() / 255
end
print(string.format("T-shirt vs Trouser: %d train, %d test, %d features (%s pixels)",
  train.y:size(1), test.y:size(1), train.x:size(2), P.raw and "raw" or "[0, 1]"))
print(string.format("%d epochs, batch %d, lr %g, k = %g, b = %g (global budget %g), seeds %d..%d",
  epochs, batch, lr, k, b, k * b, flipside.seed, flipside.seed + seeds - 1))

local runs = {
  { name = "clean", policy = nil },
  { name = "greedy (paper)", policy = greedy.binary("paper") },
  { name = "greedy (exact)", policy = greedy.binary("exact") },
}

local function summary(values)
  local sum, worst = 0, math.huge
  for _, v in ipairs(values) do sum, worst = sum + v, math.min(worst, v) end
  local mean, var = sum / #values, 0
  for _, v in ipairs(values) do var = var + (v - mean) ^ 2 end
  return mean, math.sqrt(var / math.max(#values - 1, 1)), worst
end

print(string.format("%-16s %9s %7s %9s %12s", "training", "accuracy", "std", "worst", "flips/epoch"))
for _, run in ipairs(runs) do
  local accuracies, flips, notes = {}, 0, ""
  for seed = flipside.seed, flipside.seed + seeds - 1 do
    local model = flipside.model.logistic(train.x:size(2))
    local history = protocol.train {
      model = model, data = train, epochs = epochs, k = k, b = b, lr = lr, batch = batch,
      policy = run.policy, seed = seed,
    }
    local last = history[#history]
    if last.status ~= "ok" then notes = "  (" .. last.status .. " with seed " .. seed .. ")" end
    accuracies[#accuracies + 1] = 100 * model:accuracy(test.x, test.y)
    flips = flips + last.flips
  end
  local mean, std, worst = summary(accuracies)
  print(string.format("%-16s %8.2f%% %7.2f %8.2f%% %12.0f%s", run.name, mean, std, worst, flips / seeds, notes))
end
