-- Benchmark: client sampling on the parameter server. Softmax regression on Fashion-MNIST:
-- 10,000 workers of which 100 are drawn each round, against 100 workers all taking part.
-- A round should cost what its m workers cost, not the n. Prints the time per round and
-- the most memory tensors and Lua heaps held after any round.
--   flipside run [--set rounds=100 --set batch=32] scripts/bench/server_sampling.lua
local flipside = require "flipside"
print("BLAS: " .. flipside.blas.summary)
local federated = require "flipside.federated"
local P = require("flipside.declare").params {
  { "rounds", "integer", "rounds timed for each server", default = 100, min = 1 },
  { "batch", "integer", "rows per worker's batch", default = 32, min = 1 },
}
local rounds, batch = P.rounds, P.batch

local train = flipside.data.load("fashion-mnist", { split = "train" })
train.x = train.x:float() / 255
local d, classes = train.x:size(2), train.classes

local function measure(name, workers, sample)
  local s = federated.server { model = flipside.model.softmax(d, classes), data = train, workers = workers, sample = sample,
    batch = batch, lr = 0.1, seed = 1 }
  local peak = (flipside.memory())
  local t0 = flipside.clock()
  for _ = 1, rounds do
    s:round()
    local used = flipside.memory()
    peak = math.max(peak, used)
  end
  local per_round = (flipside.clock() - t0) / rounds
  print(string.format("%-34s %8.2f ms/round   peak %6.1f MB", name, 1000 * per_round, peak / 2 ^ 20))
  return per_round
end

local sampled = measure("10000 workers, 100 sampled", 10000, 100)
local all = measure("100 workers, all taking part", 100, nil)
print(string.format("ratio sampled/all: %.2f", sampled / all))
