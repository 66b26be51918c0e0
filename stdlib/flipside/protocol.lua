local flipside = require "flipside"
local attack = require "flipside.attack"
local context = require "flipside.context"
local declare = require "flipside.declare"
local random = require "flipside.random"

local protocol = {}
local doc = declare.module("flipside.protocol", "Algorithm 2 of the paper: full training under a label-flipping attack. Each epoch an attack epoch (flipside.attack.epoch) draws K, sets the budget, computes Δ when the policy reads it and checks the policy's answer; the model trains one epoch on the poisoned labels.")
local defaults = flipside.defaults

protocol.train_options = declare.options("protocol.train", {
  { "model", "flipside.Model", "the model, trained in place", required = true },
  { "data", "flipside.Dataset", "the training data {x, y, classes}", required = true },
  { "epochs", "integer", "the number of epochs", default = 1, min = 0 },
  { "k", "number", "the fraction of the rows the attacker controls each epoch (K drawn afresh)", default = 0, min = 0, max = 1 },
  { "b", "number", "the fraction of K the attacker may flip", default = 0, min = 0, max = 1 },
  { "policy", "function", "the flip policy, function(ctx) -> rows, labels [, delta] (flipside.context); nil trains clean" },
  { "direction", "string", "how the attacker's Delta is computed", choices = { "robust", "float" }, default = defaults.direction },
  { "seed", "integer", "the seed of the run's generator", default = defaults.seed },
  { "rng", "flipside.Generator", "the run's generator (instead of seed)" },
  { "batch", "integer", "rows per mini-batch", default = defaults.batch, min = 1 },
  { "lr", "number", "plain SGD's learning rate, without an optimizer (" .. defaults.lr .. ")", min = 0 },
  { "optimizer", "flipside.Optimizer", "the optimizer to step instead of plain SGD" },
  { "on_epoch", "function", "called with (epoch, record) after each epoch; returning false stops training" },
  { "provenance", "boolean", "each attacked epoch's record carries its provenance", default = defaults.provenance },
  { "evaluate", "flipside.Dataset", "test data: each epoch's record carries test_accuracy and test_loss on it" },
})

doc:func("train", "Trains a model under Algorithm 2.", { { "opts", "flipside.protocol.train.Options", "the options" } }, { { "table[]", "per-epoch records {epoch, loss, status, flips, direction, provenance, test_accuracy, test_loss}" } }, protocol.train_options)
function protocol.train(opts)
  opts = protocol.train_options:check(opts)
  if opts.lr and opts.optimizer then error("protocol.train: give either 'lr' (plain SGD) or 'optimizer', not both", 2) end
  local model, data, policy = opts.model, opts.data, opts.policy
  local rng = opts.rng or random.generator(opts.seed)
  -- Separate streams: changing the attack never changes the batch order.
  local attacker_rng, train_rng = rng:split(), rng:split()
  local train_opts = { batch = opts.batch, rng = train_rng, optimizer = opts.optimizer,
    lr = opts.optimizer == nil and (opts.lr or defaults.lr) or nil }
  local history = {}
  for epoch = 1, opts.epochs do
    local e = attack.epoch { model = model, data = data, k = opts.k, b = opts.b, rng = attacker_rng,
      direction = opts.direction, number = epoch }
    local labels, flips = nil, 0
    if policy and e:budget() > 0 then labels, flips = context.attack(e, policy, { rng = attacker_rng }) end
    local provenance = opts.provenance and e:provenance() or nil
    local loss, status = model:train_epoch(data.x, labels or data.y, train_opts)
    local record = { epoch = epoch, loss = loss, status = status, flips = flips, direction = e:direction(),
      provenance = provenance }
    if opts.evaluate and status == "ok" then
      local test = model:evaluate(opts.evaluate.x, opts.evaluate.y)
      record.test_accuracy, record.test_loss = test.accuracy, test.loss
    end
    history[#history + 1] = record
    if (opts.on_epoch and opts.on_epoch(epoch, record) == false) or status ~= "ok" then break end
  end
  return history
end

return protocol
