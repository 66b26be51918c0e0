--- Algorithm 2 of the paper: full training under a label-flipping attack.
-- Each epoch the attacker receives a random subset K_H of fraction k of the
-- training set, a policy chooses at most floor(b*|K|) flips, the engine checks
-- them against the threat model, the model trains one epoch on the poisoned
-- labels, and the clean labels are used again next epoch. The attack epoch
-- (flipside.attack.epoch) owns K, the budget, Delta, the check and the
-- provenance; flipside.context shows it to the policy.
local attack = require "flipside.attack"
local context = require "flipside.context"
local random = require "flipside.random"
local tensor = require "flipside.tensor"

local protocol = {}

local function check(cond, fmt, ...)
  if not cond then error(string.format(fmt, ...), 3) end
end

--- Trains `opts.model` on `opts.data` ({x, y, classes}) for `opts.epochs` epochs.
-- opts: model, data, epochs (1), k, b (0), policy (function(ctx) -> rows,
-- labels [, delta], see flipside.context; nil for clean training), direction
-- ("robust" by default, or "float": Delta from the plain float32 gradient),
-- seed (1) or rng, batch (64), lr (0.001) or optimizer, on_epoch(epoch,
-- record) (returning false stops training), provenance (false; true: each
-- attacked epoch's record carries the epoch's provenance table).
-- Returns a list of per-epoch records {epoch, loss, status, flips, direction, provenance}.
function protocol.train(opts)
  check(type(opts) == "table", "protocol.train: options table expected, got %s", type(opts))
  local model, data, policy, epochs = opts.model, opts.data, opts.policy, opts.epochs or 1
  check(model ~= nil, "protocol.train: option 'model' is required")
  check(type(data) == "table" and tensor.is_tensor(data.x) and tensor.is_tensor(data.y),
    "protocol.train: option 'data' must be a dataset table {x, y, classes} of tensors")
  check(math.type(epochs) == "integer" and epochs >= 0, "protocol.train: 'epochs' must be a non-negative integer, got %s", tostring(epochs))
  check(policy == nil or type(policy) == "function", "protocol.train: 'policy' must be a function, got %s", type(policy))
  for _, name in ipairs { "k", "b" } do
    local v = opts[name] or 0
    check(type(v) == "number" and v >= 0 and v <= 1, "protocol.train: '%s' must be in [0, 1], got %s", name, tostring(v))
  end
  local rng = opts.rng or random.generator(opts.seed or 1)
  -- Separate streams: changing the attack never changes the batch order.
  local attacker_rng, train_rng = rng:split(), rng:split()
  local train_opts = { batch = opts.batch or 64, rng = train_rng, optimizer = opts.optimizer,
    lr = opts.optimizer == nil and (opts.lr or 0.001) or nil }
  local history = {}
  for epoch = 1, epochs do
    local e = attack.epoch { model = model, data = data, k = opts.k or 0, b = opts.b or 0, rng = attacker_rng,
      direction = opts.direction, number = epoch }
    local labels, flips = nil, 0
    if policy and e:budget() > 0 then labels, flips = context.attack(e, policy, { rng = attacker_rng }) end
    local loss, status = model:train_epoch(data.x, labels or data.y, train_opts)
    local record = { epoch = epoch, loss = loss, status = status, flips = flips, direction = e:direction(),
      provenance = opts.provenance and e:provenance() or nil }
    history[#history + 1] = record
    if (opts.on_epoch and opts.on_epoch(epoch, record) == false) or status ~= "ok" then break end
  end
  return history
end

return protocol
