--- The greedy binary rule as a flip policy (paper Algorithm 3, or its exact
-- correction): a function of the epoch's context returning rows and labels.
local attack = require "flipside.attack"

local greedy = {}

--- variant: "exact" (default) or "paper".
function greedy.binary(variant)
  variant = variant or "exact"
  if variant ~= "exact" and variant ~= "paper" then
    error(string.format("greedy.binary: variant must be 'exact' or 'paper', got %s", tostring(variant)), 2)
  end
  return function(ctx)
    return attack.greedy_binary(ctx.features, ctx.labels, ctx.subset, ctx.delta, ctx.budget, variant)
  end
end

return greedy
