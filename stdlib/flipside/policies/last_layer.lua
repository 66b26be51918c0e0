--- The last-layer attack on the MLP (paper footnote 1): with the inner layer
-- fixed for one step, the output layer is a softmax regression on the
-- penultimate activations h(x). The wrapped policy sees those activations as
-- features, the output layer as the model and its block of delta.
local model_module = require "flipside.model"
local protocol = require "flipside.protocol"
local T = require "flipside.tensor"

local last_layer = {}

--- Wraps `policy` (e.g. greedy.multiclass("exact")) for an MLP's context.
-- Only the attacker's points are passed through the inner layer: the wrapped
-- policy sees them as rows 1..|K| of its features, and its answer is mapped
-- back to dataset rows.
-- opts.target: a target MLP for the targeted attack (its output layer is the target).
function last_layer.wrap(policy, opts)
  if type(policy) ~= "function" then error("last_layer.wrap: policy function expected, got " .. type(policy), 2) end
  local target = opts and opts.target
  return function(ctx)
    local mlp = ctx.model
    local count = mlp:layer_count()
    local head = model_module.softmax(mlp:layer(count):size(2) - 1, mlp:classes())
    head:set_params(mlp:layer(count))
    local inner = {}
    for key, value in next, ctx do inner[key] = value end -- (next: a lazy ctx.delta stays uncomputed)
    inner.features = mlp:features(ctx.features, ctx.subset)
    inner.labels = ctx.labels:rows(ctx.subset)
    inner.subset = T.range(1, inner.labels:size(1))
    inner.model = head
    inner.delta = target and (mlp:layer(count) - target:layer(count)) or protocol.layer_delta(ctx, count)
    local positions, labels = policy(inner)
    if positions == nil then return nil end
    if type(positions) == "table" then positions = T.new(positions, "int32") end
    return ctx.subset:rows(positions), labels
  end
end

return last_layer
