local flipside = require "flipside"
local declare = require "flipside.declare"

local surrogate = {}
local doc = declare.module("flipside.policies.surrogate", "A limited-knowledge attacker (paper Section 7.4): it never reads the server's model or the honest gradient; it trains a local surrogate on its points each call and runs the wrapped policy with the surrogate as the model and its Δ (as ctx.direction says).")

surrogate.options = declare.options("surrogate.wrap", {
  { "make", "function", "returns a fresh model of the attacked architecture", required = true },
  { "epochs", "integer", "epochs of training on its points per call", default = 1, min = 0 },
  { "batch", "integer", "rows per mini-batch", default = 32, min = 1 },
  { "lr", "number", "plain SGD's learning rate, without an optimizer (" .. flipside.defaults.lr .. ")", min = 0 },
  { "optimizer", "flipside.Optimizer", "the optimizer to step instead of plain SGD" },
  { "rng", "flipside.Generator", "the generator of its batches (the context's by default)" },
})

doc:func("wrap", "Wraps a policy for a limited-knowledge attacker.", { { "policy", "flipside.FlipPolicy", "the inner policy" }, { "opts", "flipside.surrogate.wrap.Options", "make, epochs, batch, lr or optimizer, rng" } }, { { "flipside.FlipPolicy", "the wrapped policy" } }, surrogate.options)
function surrogate.wrap(policy, opts)
  if type(policy) ~= "function" then error("surrogate.wrap: policy function expected, got " .. type(policy), 2) end
  opts = surrogate.options:check(opts)
  local local_model
  local epochs = opts.epochs
  return function(ctx)
    local_model = local_model or opts.make()
    local step = { batch = opts.batch, rows = ctx.subset, rng = opts.rng or ctx.rng, optimizer = opts.optimizer }
    if not opts.optimizer then step.lr = opts.lr or flipside.defaults.lr end
    for _ = 1, epochs do local_model:train_epoch(ctx.features, ctx.labels, step) end
    local gradient = ctx.direction == "float" and local_model:gradient(ctx.features, ctx.labels, ctx.subset)
      or local_model:direction(ctx.features, ctx.labels, ctx.subset)
    local delta = -gradient
    local rows, labels, ranked = policy(ctx:derive({ model = local_model, delta = delta }, { "honest_mean" }))
    if rows == nil then return nil end
    return rows, labels, ranked or delta
  end
end

return surrogate
