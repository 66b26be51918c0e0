local T = require "flipside.tensor"

local declare = require "flipside.declare"
local baselines = {}
local doc = declare.module("flipside.policies.baselines", "Baseline flip policies under the greedy rules' budget accounting: at most ctx.budget flips, only of the attacker's points, each to a different class, drawn from ctx.rng.")

--- Up to `budget` of the candidate positions (1-based into the subset), at random.
local function draw(ctx, candidates)
  local n = candidates:size(1)
  local take = math.min(ctx.budget, n)
  if take == n then return candidates end
  return candidates:rows(ctx.rng:sample(n, take))
end

doc:func("random", "Random flips: budget points of K, each to a uniformly drawn other class.", {}, { { "flipside.FlipPolicy", "the policy" } })
function baselines.random()
  return function(ctx)
    local y = ctx.labels:rows(ctx.subset)
    local positions = draw(ctx, T.range(1, y:size(1)))
    local shifted = y:rows(positions) + ctx.rng:integer(ctx.classes - 1, positions:size(1))
    local wrapped = shifted - shifted:ge(ctx.classes) * ctx.classes
    return ctx.subset:rows(positions), wrapped
  end
end

doc:func("all_to_all", "All-to-all: y → C − 1 − y, on budget points whose label changes.", {}, { { "flipside.FlipPolicy", "the policy" } })
function baselines.all_to_all()
  return function(ctx)
    local y = ctx.labels:rows(ctx.subset)
    local mirrored = (ctx.classes - 1) - y
    local positions = draw(ctx, mirrored:ne(y):nonzero())
    return ctx.subset:rows(positions), mirrored:rows(positions)
  end
end

doc:func("source_target", "Source → target pairs: budget points labelled with a source class get its target.", { { "mapping", "table<integer, integer>", "{[source] = target, ...}, classes 0..C − 1" } }, { { "flipside.FlipPolicy", "the policy" } })
function baselines.source_target(mapping)
  if type(mapping) ~= "table" or next(mapping) == nil then
    error("baselines.source_target: a table {[source] = target, ...} expected", 2)
  end
  for source, target in pairs(mapping) do
    if math.type(source) ~= "integer" or math.type(target) ~= "integer" or source == target then
      error(string.format("baselines.source_target: pair %s -> %s must be two different class numbers",
        tostring(source), tostring(target)), 2)
    end
  end
  return function(ctx)
    local y = ctx.labels:rows(ctx.subset)
    local new = y:clone()
    local hit = y * 0
    for source, target in pairs(mapping) do
      local is_source = y:eq(source)
      hit = hit + is_source
      new = new + is_source * (target - source)
    end
    local positions = draw(ctx, hit:nonzero())
    return ctx.subset:rows(positions), new:rows(positions)
  end
end

return baselines
