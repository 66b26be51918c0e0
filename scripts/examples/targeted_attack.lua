-- Targeted and untargeted label flipping on all ten Fashion-MNIST classes
-- with softmax regression (paper Section 5, Appendix A). The target model is
-- built in Lua from primitives: an honest model trained on the labels
-- shifted y -> (y + 1) mod 10. Each attack flips at most b of the fraction k
-- of the data it controls every epoch; the table shows test accuracy and how
-- often the attacked model agrees with the target.
--   flipside run [--set k=0.2 --set b=0.5 --set epochs=5 --set mapping=cyclic] scripts/examples/targeted_attack.lua
local flipside = require "flipside"
local protocol = require "flipside.protocol"
local targets = require "flipside.targets"
local greedy = require "flipside.policies.greedy"
local baselines = require "flipside.policies.baselines"

local P = require("flipside.declare").params {
  { "k", "number", "the attacker's fraction of the rows (0.2)" },
  { "b", "number", "the fraction of those it may flip (0.5)" },
  { "epochs", "integer", "training epochs (5)" },
  { "lr", "number", "the learning rate (0.1)" },
  { "mapping", "string", "the target relabelling: \"cyclic\" (default) or \"flip\"" },
}
local k, b, epochs, lr = P.k or 0.2, P.b or 0.5, P.epochs or 5, P.lr or 0.1
local data = flipside.data
local train = data.load("fashion-mnist", { split = "train" })
local test = data.load("fashion-mnist", { split = "test" })
train.x, test.x = train.x:float() / 255, test.x:float() / 255
local d, classes = train.x:size(2), train.classes

local mapping = P.mapping or "cyclic"
local target = targets.train(flipside.model.softmax(d, classes), train, mapping,
  { epochs = epochs, lr = lr, seed = flipside.seed })
local target_predictions = target:predict(test.x)
print(string.format("target: softmax trained on labels mapped '%s' (%.1f%% agreement with the mapping on test)",
  mapping, 100 * target:accuracy(test.x, targets.relabel(test.y, classes, mapping))))
print(string.format("k = %g, b = %g, %d epochs, lr %g, seed %d", k, b, epochs, lr, flipside.seed))

local runs = {
  { name = "clean" },
  { name = "random flips", policy = baselines.random() },
  { name = "all-to-all", policy = baselines.all_to_all() },
  { name = "source->target 0->1", policy = baselines.source_target { [0] = 1 } },
  { name = "greedy untargeted", policy = greedy.multiclass("exact") },
  { name = "greedy targeted", policy = greedy.multiclass("exact", { target = target }) },
  { name = "greedy targeted (paper)", policy = greedy.multiclass("paper", { target = target }) },
}
print(string.format("%-26s %9s %10s %12s", "training", "accuracy", "macro-F1", "agrees with target"))
for _, run in ipairs(runs) do
  local model = flipside.model.softmax(d, classes)
  protocol.train { model = model, data = train, epochs = epochs, k = k, b = b, lr = lr, policy = run.policy,
    seed = flipside.seed, provenance = false }
  local report = model:evaluate(test.x, test.y)
  if report.status ~= "ok" then
    print(string.format("%-26s %9s", run.name, report.status))
  else
    local agreement = model:predict(test.x):eq(target_predictions):sum() / test.y:size(1)
    print(string.format("%-26s %8.2f%% %9.2f%% %11.2f%%", run.name, 100 * report.accuracy, 100 * report.macro_f1, 100 * agreement))
  end
end
