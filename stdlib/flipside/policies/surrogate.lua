--- A limited-knowledge attacker (paper Section 7.4): it never reads the
-- server's model or the honest gradient. It keeps a local surrogate of the
-- same architecture, trains it on the points it controls (their honest
-- labels) each time it is called, and runs the wrapped policy with the
-- surrogate as the model and delta = -(its gradient on those points), the
-- direction computed as ctx.direction says.
local surrogate = {}

--- opts: make = function() -> a fresh model (required), epochs (1 per call),
-- batch (32), lr (0.01) or optimizer, rng (defaults to the context's).
function surrogate.wrap(policy, opts)
  if type(policy) ~= "function" then error("surrogate.wrap: policy function expected, got " .. type(policy), 2) end
  if type(opts) ~= "table" or type(opts.make) ~= "function" then
    error("surrogate.wrap: opts.make, a function returning a fresh model, is required", 2)
  end
  local local_model
  local epochs = opts.epochs or 1
  return function(ctx)
    local_model = local_model or opts.make()
    local step = { batch = opts.batch or 32, rows = ctx.subset, rng = opts.rng or ctx.rng, optimizer = opts.optimizer }
    if not opts.optimizer then step.lr = opts.lr or 0.01 end
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
