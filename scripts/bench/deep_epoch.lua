-- Benchmark: the CNN and the vision transformer on Fashion-MNIST (pixels
-- scaled to [0, 1]) with flipside.model's defaults: the first training epoch
-- (Adam, lr 0.001, batch 64), timed, then --set epochs=E in all (1 by
-- default) and the test accuracy after them (the goals: the ViT at least 85%,
-- the CNN at least 89% after 5), then one attacked epoch of Algorithm 2 on a
-- copy of the trained model, timed (k = 0.2, b = 0.5, the greedy rule on the
-- head over the penultimate features: the honest gradient, the selection and
-- the epoch on the poisoned labels). Then the same architectures and workload
-- in PyTorch on the CPU, one thread (peers/torch_deep.py), and the ratios
-- (PyTorch's time over flipside's: above 1, flipside is faster).
--   flipside run [--set epochs=5 --set models=cnn,vit --set peers=false --set dir=PATH] scripts/bench/deep_epoch.lua
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
  { "peers", "boolean", "time the PyTorch peer (true)" },
}
local batch, epochs = P.batch or 64, P.epochs or 1
local train, test = datasets.load("fashion-mnist", { dir = P.dir, normalize = "minmax" })
print(string.format("Fashion-MNIST: %d training rows, %d test rows", train.y:size(1), test.y:size(1)))

local models, measured = P.models or "cnn,vit", {}
for name in models:gmatch("[^,]+") do
  local model = flipside.model[name] { rng = flipside.generator(1) }
  print(string.format("%s: %s", name, tostring(model)))
  local adam = flipside.model.adam { lr = 0.001 }
  local rng = flipside.generator(2)
  local t0 = flipside.clock()
  model:train_epoch(train.x, train.y, { batch = batch, optimizer = adam, rng = rng })
  local result = { parameters = model:params():size(1), train = flipside.clock() - t0 }
  print(string.format("%s: training epoch %.2f s", name, result.train))
  for _ = 2, epochs do model:train_epoch(train.x, train.y, { batch = batch, optimizer = adam, rng = rng }) end
  result.accuracy = model:accuracy(test.x, test.y)
  print(string.format("%s: test accuracy %.4f after %d epochs", name, result.accuracy, epochs))
  t0 = flipside.clock()
  protocol.train { model = model:clone(), data = train, epochs = 1, k = 0.2, b = 0.5, batch = batch,
    optimizer = flipside.model.adam { lr = 0.001 }, seed = 3, policy = last_layer.wrap(greedy.multiclass("exact")) }
  result.attacked = flipside.clock() - t0
  print(string.format("%s: attacked epoch %.2f s", name, result.attacked))
  measured[name] = result
end

-- The PyTorch peer: one PEER line per model, or the reason it was skipped.
local function run_peer()
  if P.peers == false then return nil, "--set peers=false" end
  if batch ~= 64 then return nil, "the peer trains in batches of 64" end
  local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
  local command = string.format("python3 %q --epochs %d --models %q%s 2>&1", here .. "/peers/torch_deep.py", epochs, models,
    P.dir and string.format(" --dir %q", P.dir) or "")
  local pipe = assert(io.popen(command))
  local found, last = {}, nil
  for line in pipe:lines() do
    local name, parameters, train_s, accuracy, attacked_s =
      line:match("^PEER torch (%S+) parameters=(%d+) train_s=(%S+) accuracy=(%S+) epochs=%d+ attacked_s=(%S+)")
    if name then
      found[name] = { parameters = tonumber(parameters), train = tonumber(train_s), accuracy = tonumber(accuracy),
        attacked = tonumber(attacked_s) }
    elseif line:match("%S") then
      last = line:gsub("^SKIP ", "")
    end
  end
  pipe:close()
  if next(found) == nil then return nil, last or "no output" end
  return found
end

local peer, skipped = run_peer()
print(string.format("\n%-5s %-9s %10s %9s %12s %10s", "model", "", "parameters", "train s", "accuracy", "attacked s"))
for name in models:gmatch("[^,]+") do
  local f = measured[name]
  print(string.format("%-5s %-9s %10d %9.2f %12.4f %10.2f", name, "flipside", f.parameters, f.train, f.accuracy, f.attacked))
  local t = peer and peer[name]
  if t then
    print(string.format("%-5s %-9s %10d %9.2f %12.4f %10.2f", name, "pytorch", t.parameters, t.train, t.accuracy, t.attacked))
    print(string.format("%-5s %-9s %10s %8.2fx %12s %9.2fx", name, "ratio", t.parameters == f.parameters and "equal" or "DIFFER",
      t.train / f.train, string.format("after %d", epochs), t.attacked / f.attacked))
  end
end
if not peer then print("pytorch: skipped: " .. skipped) end
print(string.format("goals: at least PyTorch's speed (ratios >= 1); after 5 epochs the CNN >= 0.89, the ViT >= 0.85 (this run: %d epochs)", epochs))
