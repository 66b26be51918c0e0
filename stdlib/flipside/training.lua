local flipside = require "flipside"
local declare = require "flipside.declare"
local random = require "flipside.random"

local training = {}
local doc = declare.module("flipside.training", "Honest training with early stopping on a validation split: the epochs run natively; this module decides when to stop and which parameters to keep.")
local defaults = flipside.defaults

training.fit_options = declare.options("training.fit", {
  { "model", "flipside.Model", "the model, trained in place", required = true },
  { "train", "table", "the training data {x, y [, rows]} (a dataset or a shard)", required = true },
  { "val", "table", "the validation data {x, y}; without it every epoch runs" },
  { "epochs", "integer", "the most epochs", default = 10, min = 0 },
  { "batch", "integer", "rows per mini-batch", default = defaults.batch, min = 1 },
  { "lr", "number", "plain SGD's learning rate, without an optimizer (" .. defaults.lr .. ")", min = 0 },
  { "optimizer", "flipside.Optimizer", "the optimizer to step instead of plain SGD" },
  { "seed", "integer", "the seed of the batch order", default = defaults.seed },
  { "rng", "flipside.Generator", "the generator of the batch order (instead of seed)" },
  { "patience", "integer", "epochs without improvement before stopping", default = 3, min = 1 },
  { "min_delta", "number", "the least change that counts as an improvement", default = 0, min = 0 },
  { "monitor", "string", "what improves", choices = { "loss", "accuracy" }, default = "loss" },
  { "restore_best", "boolean", "end with the best epoch's parameters", default = true },
  { "on_epoch", "function", "called with each epoch's record" },
})

local function dataset(value, name)
  if value ~= nil and (flipside.type(rawget(value, "x")) ~= "flipside.Tensor" or flipside.type(rawget(value, "y")) ~= "flipside.Tensor") then
    error(string.format("training.fit: option '%s' must be a dataset table {x, y}", name), 3)
  end
  return value
end

doc:func("fit", "Trains a model, watching a validation split after every epoch.", { { "opts", "flipside.training.fit.Options", "the options" } }, { { "table", "{status, epochs, best_epoch, stopped_early, history}" } }, training.fit_options)
function training.fit(opts)
  opts = training.fit_options:check(opts)
  local model = opts.model
  local train, val = dataset(opts.train, "train"), dataset(opts.val, "val")
  local epochs, patience, monitor, min_delta = opts.epochs, opts.patience, opts.monitor, opts.min_delta
  if opts.lr and opts.optimizer then error("training.fit: give either 'lr' (plain SGD) or 'optimizer', not both", 2) end
  local rng = opts.rng or random.generator(opts.seed)
  local step = { batch = opts.batch, rng = rng, rows = train.rows, optimizer = opts.optimizer }
  if not opts.optimizer then step.lr = opts.lr or defaults.lr end

  local result = { status = "ok", epochs = 0, best_epoch = 0, stopped_early = false, history = {} }
  local best_score, best_params, waited = nil, nil, 0
  for epoch = 1, epochs do
    local loss, status = model:train_epoch(train.x, train.y, step)
    local record = { epoch = epoch, loss = loss, status = status }
    result.history[epoch], result.epochs = record, epoch
    if status ~= "ok" then
      result.status = status
      if opts.on_epoch then opts.on_epoch(record) end
      break
    end
    if val then
      local metrics = model:evaluate(val.x, val.y)
      record.val_loss, record.val_accuracy = metrics.loss, metrics.accuracy
      local score = monitor == "loss" and -metrics.loss or metrics.accuracy
      if best_score == nil or score > best_score + min_delta then
        best_score, best_params, waited = score, model:params(), 0
        result.best_epoch = epoch
      else
        waited = waited + 1
      end
    else
      result.best_epoch = epoch
    end
    if opts.on_epoch then opts.on_epoch(record) end
    if waited >= patience then
      result.stopped_early = true
      break
    end
  end
  if best_params and opts.restore_best and result.status == "ok" then model:set_params(best_params) end
  return result
end

return training
