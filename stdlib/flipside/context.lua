--- The policy context (flipside.PolicyContext in docs/api.md: its fields, ctx:layer_delta,
-- ctx:derive). Its delta is computed on first read and cached as a plain field; a
-- derived context reads what it does not replace from its parent.
local declare = require "flipside.declare"
local context = {}
local doc = declare.module("flipside.context", "The context a flip policy is called with, one shape for Algorithm 2's epochs and the server's rounds (see flipside.PolicyContext): a table of the attack epoch's fields whose delta is computed when first read.")

local epochs = setmetatable({}, { __mode = "k" })  -- context -> its attack epoch
local parents = setmetatable({}, { __mode = "k" }) -- derived context -> the one it came from
local dropped = setmetatable({}, { __mode = "k" }) -- derived context -> {name = true} it does not inherit

local methods = {}
local Context = { __metatable = "flipside.PolicyContext" }

function Context.__index(ctx, key)
  if key == "delta" then
    local source = parents[ctx] or epochs[ctx]
    if source == nil then return nil end
    local delta = parents[ctx] and source.delta or source:delta()
    rawset(ctx, "delta", delta)
    return delta
  end
  local parent = parents[ctx]
  if parent ~= nil then
    if dropped[ctx][key] then return nil end
    return parent[key]
  end
  return methods[key]
end

--- pairs(ctx) sees every field, delta included (and the inherited ones of a derived context).
function Context.__pairs(ctx)
  local fields = {}
  local chain = {}
  local c = ctx
  while c do chain[#chain + 1] = c; c = parents[c] end
  for i = #chain, 1, -1 do
    for key in pairs(dropped[chain[i]] or {}) do fields[key] = nil end
    for key, value in next, chain[i] do fields[key] = value end
  end
  fields.delta = ctx.delta
  return next, fields, nil
end

function methods.layer_delta(ctx, i)
  if math.type(i) ~= "integer" then
    error("bad argument #1 to 'layer_delta' (integer expected, got " .. type(i) .. ")", 2)
  end
  local own = rawget(ctx, "delta")
  if own ~= nil then return ctx.model:layer(i, own) end
  local parent = parents[ctx]
  if parent ~= nil then return parent:layer_delta(i) end
  if epochs[ctx] == nil then error("layer_delta: this context has no delta", 2) end
  return epochs[ctx]:layer_delta(i)
end

function methods.derive(ctx, fields, drop)
  if type(fields) ~= "table" then
    error("bad argument #1 to 'derive' (table expected, got " .. type(fields) .. ")", 2)
  end
  if drop ~= nil and type(drop) ~= "table" then
    error("bad argument #2 to 'derive' (list of field names expected, got " .. type(drop) .. ")", 2)
  end
  local derived, hidden = {}, {}
  for key, value in pairs(fields) do derived[key] = value end
  for _, key in ipairs(drop or {}) do hidden[key] = true end
  parents[derived], dropped[derived] = ctx, hidden
  return setmetatable(derived, Context)
end

doc:func("new", "The context of an attack epoch, with `extra` fields added.", { { "epoch", "flipside.AttackEpoch", "the epoch" }, { "extra", "table", "more fields (rng, round, worker, honest_mean)", optional = true } }, { { "flipside.PolicyContext", "the context" } })
function context.new(epoch, extra)
  local data = epoch:data()
  local ctx = {
    features = data.x, labels = data.y, subset = epoch:subset(), budget = epoch:budget(), classes = data.classes,
    model = epoch:model(), epoch = epoch:number(), direction = epoch:direction(),
  }
  for key, value in pairs(extra or {}) do ctx[key] = value end
  epochs[ctx] = epoch
  return setmetatable(ctx, Context)
end

doc:func("from", "A context from plain fields (a script or test calling a policy on data of its own): `fields.delta`, if any, is the delta; derive and layer_delta work.", { { "fields", "table", "the context's fields" } }, { { "flipside.PolicyContext", "the context" } })
function context.from(fields)
  if type(fields) ~= "table" then
    error("bad argument #1 to 'from' (table of context fields expected, got " .. type(fields) .. ")", 2)
  end
  local ctx = {}
  for key, value in pairs(fields) do ctx[key] = value end
  return setmetatable(ctx, Context)
end

doc:func("attack", "Calls policy(ctx) for `epoch` and applies its answer through the epoch's threat-model check.", { { "epoch", "flipside.AttackEpoch", "the epoch" }, { "policy", "flipside.FlipPolicy", "the policy" }, { "extra", "table", "more context fields", optional = true } }, { { "flipside.Tensor?", "the poisoned labels, or nil when the policy flips nothing" }, { "integer", "the number of flips" } })
function context.attack(epoch, policy, extra)
  local rows, labels, delta = policy(context.new(epoch, extra))
  if rows == nil then return nil, 0 end
  return epoch:apply(rows, labels, delta)
end

doc:func("native", "A policy in the form the native server calls, function(epoch, extra) → rows, labels, delta.", { { "policy", "flipside.FlipPolicy", "a policy of a context" } }, { { "function", "the native form" } })
function context.native(policy)
  return function(epoch, extra) return policy(context.new(epoch, extra)) end
end

doc:func("is_context", "Whether a value is a context (made by new, from or derive).", { { "value", "any", "any value" } }, { { "boolean", "true for a context" } })
function context.is_context(value)
  return type(value) == "table" and getmetatable(value) == "flipside.PolicyContext"
end

return context
