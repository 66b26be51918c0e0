-- The protocol computes the honest delta only when a policy reads it, and only
-- the layer the last-layer attack reads; the numbers stay those of the whole
-- gradient.
local check = require "flipside.check"
local flipside = require "flipside"
local protocol = require "flipside.protocol"
local greedy = require "flipside.policies.greedy"
local last_layer = require "flipside.policies.last_layer"
local model = flipside.model

local blobs = flipside.data.load("blobs", { n = 300, d = 4, classes = 3, separation = 3, seed = 1 })

-- A model that counts the passes the protocol asks of it.
local function counted(real)
  local calls = {}
  local proxy = setmetatable({}, {
    __index = function(_, name)
      return function(_, ...)
        calls[name] = (calls[name] or 0) + 1
        return real[name](real, ...)
      end
    end,
  })
  return proxy, calls
end

local function train(m, policy, opts)
  opts = opts or {}
  return protocol.train { model = m, data = blobs, epochs = 3, k = 0.4, b = 0.5, lr = 0.1, policy = policy, seed = 4,
    provenance = opts.provenance or false }
end

local target = model.softmax(4, 3)
target:set_params(flipside.generator(9):normal({ 3, 5 }))
local proxy, calls = counted(model.softmax(4, 3))
train(proxy, greedy.multiclass("exact", { target = target }))
check.eq(calls.gradient, nil, "a targeted policy never pays for the honest gradient")
check.eq(calls.train_epoch, 3, "the epochs still train")

proxy, calls = counted(model.softmax(4, 3))
train(proxy, greedy.multiclass("exact"))
check.eq(calls.gradient, 3, "an untargeted policy reads it once per attacked epoch")

local mlp = model.mlp(4, 8, 3, flipside.generator(5))
proxy, calls = counted(mlp:clone())
train(proxy, last_layer.wrap(greedy.multiclass("exact")))
check.eq(calls.gradient, nil, "the last-layer attack does not compute the whole gradient")
check.eq(calls.layer_gradient, 3, "only its output layer")

-- The lazy layer and the whole delta give the same run, bit for bit.
local lazy, whole = mlp:clone(), mlp:clone()
local lazy_history = train(lazy, last_layer.wrap(greedy.multiclass("exact")))
local reads_whole = function(ctx)
  check.truthy(ctx.delta ~= nil, "delta readable")
  return last_layer.wrap(greedy.multiclass("exact"))(ctx)
end
local whole_history = train(whole, reads_whole)
check.truthy(lazy:params():equal(whole:params()), "same parameters either way")
for i = 1, 3 do check.eq(lazy_history[i].flips, whole_history[i].flips, "same flips, epoch " .. i) end
check.truthy(lazy_history[1].flips > 0, "the attack flips labels")

-- ctx.delta is -grad L_{D_H}, read-only, and seen by pairs like any field.
local inspected = false
train(model.softmax(4, 3), function(ctx)
  local expected = -ctx.model:gradient(ctx.features, ctx.labels)
  check.truthy(ctx.delta:equal(expected), "delta = -honest gradient")
  check.truthy(ctx.delta:is_readonly(), "delta is read-only")
  check.raises("read%-only", ctx.delta.fill, ctx.delta, 0)
  local copied = {}
  for key, value in pairs(ctx) do copied[key] = value end
  check.truthy(copied.delta ~= nil and copied.delta:equal(expected), "pairs copies delta")
  check.truthy(protocol.layer_delta(ctx, 1):equal(expected), "layer_delta of a one-layer model is the delta")
  inspected = true
  return greedy.multiclass("exact")(ctx)
end)
check.truthy(inspected, "the policy ran")

-- A context whose delta is a plain field (a server round, a script's own) is sliced.
local plain = { model = mlp, delta = -mlp:gradient(blobs.x, blobs.y) }
check.truthy(protocol.layer_delta(plain, 2):equal(mlp:layer(2, plain.delta)), "plain delta sliced")

check.raises("protocol.layer_delta: context table expected, got nil", protocol.layer_delta, nil, 1)
check.raises("protocol.layer_delta: layer must be an integer, got x", protocol.layer_delta, plain, "x")
check.raises("layer 3 does not exist", protocol.layer_delta, plain, 3)

-- Provenance still reads the whole honest gradient.
local history = train(model.softmax(4, 3), greedy.multiclass("exact"), { provenance = true })
check.truthy(history[1].provenance ~= nil and history[1].provenance.deviation > 0, "provenance recorded")
