-- The policy context: one shape for the protocol and the server, its delta
-- computed on first read (and only the layer the last-layer attack reads),
-- derived contexts that inherit it, and the provenance of an answer.
local check = require "flipside.check"
local flipside = require "flipside"
local protocol = require "flipside.protocol"
local context = require "flipside.context"
local greedy = require "flipside.policies.greedy"
local last_layer = require "flipside.policies.last_layer"
local model = flipside.model

local blobs = flipside.data.load("blobs", { n = 300, d = 4, classes = 3, separation = 3, seed = 1 })

-- An attack epoch whose delta and layer_delta calls are counted.
local function counted(m)
  local real = flipside.attack.epoch { model = m, data = blobs, k = 0.4, b = 0.5, rng = flipside.generator(2) }
  local calls = {}
  local fake = setmetatable({}, { __index = function(_, name)
    return function(_, ...)
      calls[name] = (calls[name] or 0) + 1
      return real[name](real, ...)
    end
  end })
  return fake, calls
end

local target = model.softmax(4, 3)
target:set_params(flipside.generator(9):normal({ 3, 5 }))
local epoch, calls = counted(model.softmax(4, 3))
check.truthy(context.attack(epoch, greedy.multiclass("exact", { target = target })) ~= nil, "the targeted policy flips")
check.eq(calls.delta, nil, "a targeted policy never pays for the honest delta")

epoch, calls = counted(model.softmax(4, 3))
context.attack(epoch, function(ctx)
  local _ = ctx.delta
  return greedy.multiclass("exact")(ctx)
end)
check.eq(calls.delta, 1, "an untargeted policy computes it once, however often it reads it")

local mlp = model.mlp(4, 8, 3, flipside.generator(5))
epoch, calls = counted(mlp:clone())
context.attack(epoch, last_layer.wrap(greedy.multiclass("exact")))
check.eq(calls.delta, nil, "the last-layer attack does not compute the whole delta")
check.eq(calls.layer_delta, 1, "only its output layer")

-- The layer alone and the whole delta give the same run, bit for bit.
local function train(m, policy, opts)
  opts = opts or {}
  return protocol.train { model = m, data = blobs, epochs = 3, k = 0.4, b = 0.5, lr = 0.1, policy = policy, seed = 4,
    provenance = opts.provenance, direction = opts.direction }
end
for _, direction in ipairs { "robust", "float" } do
  local lazy, whole = mlp:clone(), mlp:clone()
  local lazy_history = train(lazy, last_layer.wrap(greedy.multiclass("exact")), { direction = direction })
  local whole_history = train(whole, function(ctx)
    check.truthy(ctx.delta ~= nil, "delta readable")
    return last_layer.wrap(greedy.multiclass("exact"))(ctx)
  end, { direction = direction })
  check.truthy(lazy:params():equal(whole:params()), direction .. ": same parameters either way")
  for i = 1, 3 do check.eq(lazy_history[i].flips, whole_history[i].flips, "same flips, epoch " .. i) end
  check.truthy(lazy_history[1].flips > 0, "the attack flips labels")
  check.eq(lazy_history[1].direction, direction, "the record says which delta")
end

-- ctx.delta is -grad L_{D_H} (float) or minus its direction (robust), read-only, seen by pairs.
for _, direction in ipairs { "float", "robust" } do
  local inspected = false
  train(model.softmax(4, 3), function(ctx)
    local expected = direction == "float" and -ctx.model:gradient(ctx.features, ctx.labels)
      or -ctx.model:direction(ctx.features, ctx.labels)
    check.eq(ctx.direction, direction)
    check.truthy(ctx.delta:equal(expected), direction .. ": delta")
    check.truthy(ctx.delta:is_readonly(), "delta is read-only")
    check.raises("read%-only", ctx.delta.fill, ctx.delta, 0)
    local copied = {}
    for key, value in pairs(ctx) do copied[key] = value end
    check.truthy(copied.delta ~= nil and copied.delta:equal(expected), "pairs copies delta")
    check.truthy(ctx:layer_delta(1):equal(expected), "layer_delta of a one-layer model is the delta")
    -- A derived context inherits what it does not replace, delta included, and drops what it is told to.
    local derived = ctx:derive({ budget = 1 }, { "rng" })
    check.eq(derived.budget, 1)
    check.eq(derived.classes, 3)
    check.eq(derived.rng, nil, "dropped")
    check.truthy(derived.delta:equal(expected), "inherited delta")
    local seen = {}
    for key in pairs(derived) do seen[key] = true end
    check.truthy(seen.delta and seen.subset and not seen.rng, "pairs of a derived context")
    inspected = true
    return greedy.multiclass("exact")(ctx)
  end, { direction = direction })
  check.truthy(inspected, "the policy ran")
end
check.eq(context.from({}).delta, nil, "a context of plain fields has no delta unless given")
check.raises("this context has no delta", context.from({ model = mlp }).layer_delta, context.from({ model = mlp }), 1)
check.raises("bad argument #1 to 'derive' %(table expected", context.from({}).derive, context.from({}), 3)

-- Provenance: off by default, and when asked for it says what the honest gradient was.
check.eq(train(model.softmax(4, 3), greedy.multiclass("exact"))[1].provenance, nil, "off by default")
local history = train(model.softmax(4, 3), greedy.multiclass("exact"), { provenance = true })
local p = history[1].provenance
check.truthy(p.deviation > 0 and p.gradient_norm > 0, "provenance recorded")
check.eq(p.underflow, false, "no underflow on standardised blobs")
check.near(math.exp(p.log_gradient_norm), p.gradient_norm, 1e-4 * p.gradient_norm, "the true norm is the float one here")
check.eq(p.objective_delta, "robust")
check.truthy(p.objective_after < p.objective_before, "the flips lower the objective")
-- A targeted run's objective uses the Delta the policy ranked by, which its flips lower.
local targeted = train(model.softmax(4, 3), greedy.multiclass("exact", { target = target }), { provenance = true })
for _, record in ipairs(targeted) do
  check.eq(record.provenance.objective_delta, "policy")
  check.truthy(record.provenance.objective_after <= record.provenance.objective_before, "targeted objective lowered")
end
