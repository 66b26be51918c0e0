local model_module = require "flipside.model"
local T = require "flipside.tensor"
local declare = require "flipside.declare"

local last_layer = {}
local doc = declare.module("flipside.policies.last_layer", "The last-layer attack on the MLP (paper footnote 1): the wrapped policy sees the penultimate activations of the attacker's points as features, the output layer as the model and its block of Δ; the Δ it ranked by is returned on the whole model.")

last_layer.options = declare.options("last_layer.wrap", {
  { "target", "flipside.Model", "a target MLP for the targeted attack (its output layer is the target)" },
})

doc:func("wrap", "Wraps a policy (e.g. greedy.multiclass(\"exact\")) for an MLP's context.", { { "policy", "flipside.FlipPolicy", "the inner policy" }, { "opts", "flipside.last_layer.wrap.Options", "target", optional = true } }, { { "flipside.FlipPolicy", "the wrapped policy" } }, last_layer.options)
function last_layer.wrap(policy, opts)
  if type(policy) ~= "function" then error("last_layer.wrap: policy function expected, got " .. type(policy), 2) end
  local target = last_layer.options:check(opts).target
  return function(ctx)
    local mlp = ctx.model
    local count = mlp:layer_count()
    local head = model_module.softmax(mlp:layer(count):size(2) - 1, mlp:classes())
    head:set_params(mlp:layer(count))
    local delta = target and (mlp:layer(count) - target:layer(count)) or ctx:layer_delta(count)
    local labels = ctx.labels:rows(ctx.subset)
    local inner = ctx:derive { features = mlp:features(ctx.features, ctx.subset), labels = labels,
      subset = T.range(1, labels:size(1)), model = head, delta = delta }
    local positions, new_labels, ranked = policy(inner)
    if positions == nil then return nil end
    if type(positions) == "table" then positions = T.new(positions, "int32") end
    local whole = mlp:clone()
    whole:set_params(mlp:params() * 0)
    whole:set_layer(count, ranked or delta)
    return ctx.subset:rows(positions), new_labels, whole:params()
  end
end

return last_layer
