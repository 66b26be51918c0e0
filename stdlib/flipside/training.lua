--- Honest training with early stopping on a validation split.
-- The epochs run natively; this file only decides when to stop and which
-- parameters to keep.
local random = require "flipside.random"
local model_module = require "flipside.model"

local training = {}

local function fail(fmt, ...) error("training.fit: " .. string.format(fmt, ...), 3) end

local function dataset(value, name)
  if type(value) ~= "table" or value.x == nil or value.y == nil then
    fail("option '%s' must be a dataset table {x, y}, got %s", name, type(value))
  end
  return value
end

--- Trains opts.model on opts.train, watching opts.val after every epoch.
-- opts: model, train {x, y [, rows]}, val {x, y} (optional: without it every
-- epoch runs), epochs (10), batch (64), lr (0.001) or optimizer, seed or rng,
-- patience (3 epochs without improvement), min_delta (0), monitor ("loss" or
-- "accuracy"), restore_best (true), on_epoch(record).
-- Returns {status, epochs, best_epoch, stopped_early, history = {records}}, each
-- record {epoch, loss, status, val_loss, val_accuracy}.
function training.fit(opts)
  if type(opts) ~= "table" then fail("options table expected, got %s", type(opts)) end
  local model = opts.model
  if not model_module.is_model(model) then fail("option 'model' must be a model, got %s", type(model)) end
  local train, val = dataset(opts.train, "train"), opts.val and dataset(opts.val, "val")
  local epochs, patience = opts.epochs or 10, opts.patience or 3
  if math.type(epochs) ~= "integer" or epochs < 0 then fail("'epochs' must be a non-negative integer, got %s", tostring(epochs)) end
  if math.type(patience) ~= "integer" or patience < 1 then fail("'patience' must be a positive integer, got %s", tostring(patience)) end
  local monitor, min_delta = opts.monitor or "loss", opts.min_delta or 0
  if monitor ~= "loss" and monitor ~= "accuracy" then fail("'monitor' must be 'loss' or 'accuracy', got %s", tostring(monitor)) end
  if type(min_delta) ~= "number" or min_delta < 0 then fail("'min_delta' must be a non-negative number, got %s", tostring(min_delta)) end
  local rng = opts.rng or random.generator(opts.seed or 1)
  local step = { batch = opts.batch or 64, rng = rng, rows = train.rows, optimizer = opts.optimizer }
  if not opts.optimizer then step.lr = opts.lr or 0.001 end

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
  if best_params and opts.restore_best ~= false and result.status == "ok" then model:set_params(best_params) end
  return result
end

return training
