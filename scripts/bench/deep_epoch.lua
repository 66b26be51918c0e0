-- Benchmark: the CNN and the vision transformer on Fashion-MNIST (pixels
-- scaled to [0, 1]) with flipside.model's defaults: the first training epoch
-- (Adam, lr 0.001, batch 64), timed, then --set epochs=E in all (1 by
-- default) and the test accuracy after them (the goals: the ViT at least 85%,
-- the CNN at least 89% after 5), then one attacked epoch of Algorithm 2 on a
-- copy of the trained model, timed (k = 0.2, b = 0.5, the greedy rule on the
-- head over the penultimate features: the honest gradient, the selection and
-- the epoch on the poisoned labels).
--   flipside run [--set epochs=5 --set models=cnn,vit --set dir=PATH] scripts/bench/deep_epoch.lua
local flipside = require "flipside"
local protocol = require "flipside.protocol"
local greedy = require "flipside.policies.greedy"
local last_layer = require "flipside.policies.last_layer"
local datasets = require "flipside.datasets"
print("BLAS: " .. flipside.blas.summary)
local P = require("flipside.declare").params {
  { "epochs", "integer", "clean training epochs in all, before the test accuracy (1)" },
  { "models", "string", "which models, comma-separated (cnn,vit)" },
  { "batch", "integer", "rows per mini-batch (64)" },
  { "dir", "string", "Fashion-MNIST's folder" },
}
local batch, epochs = P.batch or 64, P.epochs or 1
local train, test = datasets.load("fashion-mnist", { dir = P.dir, normalize = "minmax" })
print(string.format("Fashion-MNIST: %d training rows, %d test rows", train.y:size(1), test.y:size(1)))

for name in (P.models or "cnn,vit"):gmatch("[^,]+") do
  local model = flipside.model[name] { rng = flipside.generator(1) }
  print(string.format("%s: %s", name, tostring(model)))
  local adam = flipside.model.adam { lr = 0.001 }
  local rng = flipside.generator(2)
  local t0 = flipside.clock()
  model:train_epoch(train.x, train.y, { batch = batch, optimizer = adam, rng = rng })
  print(string.format("%s: training epoch %.2f s", name, flipside.clock() - t0))
  for _ = 2, epochs do model:train_epoch(train.x, train.y, { batch = batch, optimizer = adam, rng = rng }) end
  print(string.format("%s: test accuracy %.4f after %d epochs", name, model:accuracy(test.x, test.y), epochs))
  t0 = flipside.clock()
  protocol.train { model = model:clone(), data = train, epochs = 1, k = 0.2, b = 0.5, batch = batch,
    optimizer = flipside.model.adam { lr = 0.001 }, seed = 3, policy = last_layer.wrap(greedy.multiclass("exact")) }
  print(string.format("%s: attacked epoch %.2f s", name, flipside.clock() - t0))
end
