-- flipside quickstart: T-shirt vs Trouser from Fashion-MNIST, trained clean
-- and under the greedy label-flipping attack, on raw pixels as in the paper.
--   flipside run scripts/quickstart.lua [--set epochs=5 --set k=0.1 --set b=0.5]
local flipside = require "flipside"
local protocol = require "flipside.protocol"
local greedy = require "flipside.policies.greedy"

local P = flipside.params
local epochs, k, b = P.epochs or 5, P.k or 0.1, P.b or 0.5
local lr, batch = P.lr or 0.001, P.batch or 64

local data = flipside.data
local train = data.select_classes(data.load("fashion-mnist", { split = "train" }), { 0, 1 })
local test = data.select_classes(data.load("fashion-mnist", { split = "test" }), { 0, 1 })
print(string.format("T-shirt vs Trouser: %d train, %d test, %d features; %d epochs, k = %g, b = %g, seed %d",
  train.y:size(1), test.y:size(1), train.x:size(2), epochs, k, b, flipside.seed))

local runs = {
  { name = "clean", policy = nil },
  { name = "greedy (paper)", policy = greedy.binary("paper") },
  { name = "greedy (exact)", policy = greedy.binary("exact") },
}

print(string.format("%-16s %10s %10s %12s", "training", "accuracy", "loss", "flips/epoch"))
for _, run in ipairs(runs) do
  local model = flipside.model.logistic(train.x:size(2))
  local history = protocol.train {
    model = model, data = train, epochs = epochs, k = k, b = b, lr = lr, batch = batch,
    policy = run.policy, seed = flipside.seed,
  }
  local last = history[#history]
  local status = last.status == "ok" and "" or ("  (" .. last.status .. ")")
  print(string.format("%-16s %9.2f%% %10.4f %12d%s", run.name, 100 * model:accuracy(test.x, test.y),
    model:loss(test.x, test.y), last.flips, status))
end
