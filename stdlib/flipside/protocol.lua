--- Algorithm 2 of the paper: full training under a label-flipping attack.
-- Each epoch the attacker receives a random subset K_H of fraction k of the
-- training set, a policy chooses at most floor(b*|K|) flips, the engine checks
-- them against the threat model, the model trains one epoch on the poisoned
-- labels, and the clean labels are used again next epoch.
local attack = require "flipside.attack"
local random = require "flipside.random"
local tensor = require "flipside.tensor"

local protocol = {}

local function check(cond, fmt, ...)
  if not cond then error(string.format(fmt, ...), 3) end
end

--- The honest delta of an attacked epoch, -grad L_{D_H} at the model's
-- parameters, computed when a policy first reads ctx.delta: a targeted policy,
-- whose delta comes from its target, never pays for it. layer(i) gives layer i
-- of it; for the MLP's output layer (all the last-layer attack reads) without
-- the pass back through the inner layer, unless the whole delta is known.
-- Both are read-only: the policy's code cannot change what provenance reads.
local function honest_delta(model, data)
  local gradient, whole
  local layers = {}
  local delta = {}
  function delta.whole()
    if not whole then
      gradient = model:gradient(data.x, data.y)
      whole = (-gradient):readonly()
    end
    return whole
  end
  --- The honest gradient itself, grad L_{D_H} (provenance reads it).
  function delta.gradient()
    delta.whole()
    return gradient
  end
  function delta.layer(i)
    if whole then return model:layer(i, whole):readonly() end
    layers[i] = layers[i] or (-model:layer_gradient(i, data.x, data.y)):readonly()
    return layers[i]
  end
  return delta
end

--- Layer i of ctx.delta. When ctx.delta is the protocol's honest delta and no
-- policy has read it yet, only that layer of the gradient is computed.
function protocol.layer_delta(ctx, i)
  check(type(ctx) == "table", "protocol.layer_delta: context table expected, got %s", type(ctx))
  check(math.type(i) == "integer", "protocol.layer_delta: layer must be an integer, got %s", tostring(i))
  local lazy = rawget(ctx, "delta") == nil and getmetatable(ctx)
  if type(lazy) == "table" and lazy.honest_delta then return lazy.honest_delta.layer(i) end
  return ctx.model:layer(i, ctx.delta)
end

--- Trains `opts.model` on `opts.data` ({x, y, classes}) for `opts.epochs` epochs.
-- opts: model, data, epochs, k, b, policy (function(ctx) -> rows, labels, or nil
-- for clean training), seed or rng, batch (64), lr (0.001) or optimizer (an
-- optimizer from flipside.model.sgd/adam), on_epoch(epoch, info) (returning
-- false stops training), provenance
-- (true: each attacked epoch's record carries attack.provenance's table:
-- flipped rows with old and new labels, the attacker's objective before and
-- after, the gradient deviation).
-- Returns a list of per-epoch records {epoch, loss, status, flips, provenance}.
function protocol.train(opts)
  check(type(opts) == "table", "protocol.train: options table expected, got %s", type(opts))
  local model, data = opts.model, opts.data
  check(model ~= nil, "protocol.train: option 'model' is required")
  check(type(data) == "table" and tensor.is_tensor(data.x) and tensor.is_tensor(data.y),
    "protocol.train: option 'data' must be a dataset table {x, y, classes} of tensors")
  local epochs = opts.epochs or 1
  check(math.type(epochs) == "integer" and epochs >= 0, "protocol.train: 'epochs' must be a non-negative integer, got %s", tostring(epochs))
  local k, b = opts.k or 0, opts.b or 0
  check(type(k) == "number" and k >= 0 and k <= 1, "protocol.train: 'k' must be in [0, 1], got %s", tostring(k))
  check(type(b) == "number" and b >= 0 and b <= 1, "protocol.train: 'b' must be in [0, 1], got %s", tostring(b))
  local policy = opts.policy
  check(policy == nil or type(policy) == "function", "protocol.train: 'policy' must be a function, got %s", type(policy))
  local rng = opts.rng or random.generator(opts.seed or 1)
  -- Separate streams: changing the attack never changes the batch order.
  local attacker_rng, train_rng = rng:split(), rng:split()
  local train_opts = { batch = opts.batch or 64, rng = train_rng, optimizer = opts.optimizer }
  if not opts.optimizer then train_opts.lr = opts.lr or 0.001 end
  local n = data.y:size(1)
  -- The policy is the attacker's code: it reads the data through read-only views
  -- and the model through a copy, so only its answer can change the epoch.
  local features, honest_labels = data.x:readonly(), data.y:readonly()
  local history = {}
  for epoch = 1, epochs do
    local labels, flips, provenance = data.y, 0, nil
    local subset = attacker_rng:sample(n, attack.budget(k, n))
    local budget = attack.budget(b, subset:size(1))
    if policy and budget > 0 then
      local delta = honest_delta(model, data)
      local ctx = setmetatable({
        features = features, labels = honest_labels, subset = subset, budget = budget,
        classes = data.classes, model = model:clone(), rng = attacker_rng, epoch = epoch,
      }, {
        -- ctx.delta, untargeted: Delta = -grad L_{D_H}
        __index = function(_, key) if key == "delta" then return delta.whole() end end,
        -- Copying the context with pairs copies delta too (the policy wrappers
        -- of the stdlib copy with next, and stay lazy).
        __pairs = function(t)
          local fields = {}
          for key, value in next, t do fields[key] = value end
          if fields.delta == nil then fields.delta = delta.whole() end
          return next, fields, nil
        end,
        honest_delta = delta,
      })
      local rows, new_labels = policy(ctx)
      if rows ~= nil then
        labels = attack.apply(data.y, subset, rows, new_labels, budget, data.classes)
        flips = type(rows) == "table" and #rows or rows:size(1)
        if opts.provenance ~= false then
          provenance = attack.provenance(model, data.x, data.y, labels, subset, delta.whole(), delta.gradient())
        end
      end
    end
    local loss, status = model:train_epoch(data.x, labels, train_opts)
    local record = { epoch = epoch, loss = loss, status = status, flips = flips, provenance = provenance }
    history[#history + 1] = record
    local stop = opts.on_epoch and opts.on_epoch(epoch, record) == false
    if stop or status ~= "ok" then break end
  end
  return history
end

return protocol
