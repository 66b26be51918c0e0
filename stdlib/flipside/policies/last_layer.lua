--- The last-layer attack on the MLP (paper footnote 1): with the inner layer
-- fixed for one step, the output layer is a softmax regression on the
-- penultimate activations h(x). The wrapped policy sees those activations as
-- features, the output layer as the model and its block of delta.
local model_module = require "flipside.model"

local last_layer = {}

--- Wraps `policy` (e.g. greedy.multiclass("exact")) for an MLP's context.
-- opts.target: a target MLP for the targeted attack (its output layer is the target).
function last_layer.wrap(policy, opts)
  if type(policy) ~= "function" then error("last_layer.wrap: policy function expected, got " .. type(policy), 2) end
  local target = opts and opts.target
  return function(ctx)
    local mlp = ctx.model
    local count = mlp:layer_count()
    local features = mlp:features(ctx.features)
    local head = model_module.softmax(features:size(2), mlp:classes())
    head:set_params(mlp:layer(count))
    local delta = target and (mlp:layer(count) - target:layer(count)) or mlp:layer(count, ctx.delta)
    local inner = {}
    for key, value in pairs(ctx) do inner[key] = value end
    inner.features, inner.model, inner.delta = features, head, delta
    return policy(inner)
  end
end

return last_layer
