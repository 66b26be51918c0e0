local check = require "flipside.check"
local flipside = require "flipside"
local federated = require "flipside.federated"
local greedy = require "flipside.policies.greedy"
local synthetic = require "synthetic"
local server, T = flipside.server, flipside.tensor

-- Aggregators on hand-made stacks.
local stack = T.new { { 1, 10 }, { 2, 20 }, { 3, 30 }, { 100, -100 } }
local v = server.aggregator({ rule = "median" }):aggregate(stack)
check.eq(v:get(1), 2.5, "median of 1,2,3,100")
v = server.aggregator({ rule = "trimmed_mean", f = 1 }):aggregate(stack)
check.eq(v:get(2), 15, "trimmed mean drops 1 high and 1 low")
local five = T.new { { 0, 0 }, { 0.1, 0 }, { 0, 0.1 }, { 0.1, 0.1 }, { 50, 50 } }
local krum, info = server.aggregator({ rule = "krum", f = 1 }):aggregate(five)
check.truthy(info.selected[1] ~= 5, "Krum never picks the outlier")
check.truthy(krum:get(1) <= 0.1, "Krum's vector is a central message")
local _, gm = server.aggregator({ rule = "geometric_median", tolerance = 1e-7 }):aggregate(five)
check.truthy(gm.converged and gm.iterations >= 1, "geometric median converges")
local clipped = server.aggregator({ rule = "mean", steps = { { "clip", 1 } } }):aggregate(T.new { { 3, 4 }, { 0, 0.5 } })
check.near(clipped:get(1), 0.3, 1e-6, "norm clipping before the mean")
check.eq(tostring(server.aggregator { rule = "krum", f = 1, steps = { { "nnm", 1 } } }), "nearest-neighbour mixing → Krum")
check.same_table(server.stack({ T.zeros(3), T.ones(3) }):shape(), { 2, 3 }, "stack")

check.raises("trimmed mean with f = 2 needs n > 2f workers, got n = 4", function()
  server.aggregator({ rule = "trimmed_mean", f = 2 }):aggregate(stack)
end)
check.raises("message of worker 2 holds a non%-finite value", function()
  server.aggregator({ rule = "mean" }):aggregate(T.new { { 1, 2 }, { 0 / 0, 1 } })
end)
check.raises("message of worker 2 has 2 values, worker 1 has 3", server.stack, { T.zeros(3), T.zeros(2) })
check.raises("field 'f': integer expected, got nil", server.aggregator, { rule = "krum" })
check.raises("field 'rule': invalid option 'bulyon'", server.aggregator, { rule = "bulyon" })
check.raises("step 1: {\"clip\", threshold}, {\"nnm\", f}, {\"arc\", f} or {\"bucket\", s} expected", server.aggregator, { steps = { { "clamp", 1 } } })

-- The server: 5 workers on binary blobs, worker 5 attacks with the greedy rule.
local train = synthetic.blobs(500, 4, 1.5, 3)
local function make(opts)
  local base = { model = flipside.model.logistic(4), data = train, workers = 5, batch = 20, lr = 0.1, seed = 4 }
  for k, value in pairs(opts or {}) do base[k] = value end
  return federated.server(base)
end
local clean = make()
local record = clean:round()
check.eq(record.round, 1)
check.eq(#record.norms, 5, "one norm per worker")
check.eq(record.norm_ratio, nil, "no ratio without attackers")
check.near(record.cosine, 1, 1e-6, "mean of honest workers is the honest mean")

local attacked = make { attackers = { 5 }, b = 0.5, policy = greedy.binary("exact") }
local seen
attacked.policy = function(ctx)
  seen = ctx
  return greedy.binary("exact")(ctx)
end
record = attacked:round()
check.eq(seen.worker, 5)
check.eq(seen.budget, 10, "floor(0.5 * 20)")
check.eq(seen.subset:size(1), 20, "the attacker's batch")
check.truthy(seen.honest_mean ~= nil, "omniscient attacker sees the honest mean")
check.truthy(record.flips[1] > 0 and record.flips[1] <= 10, "flips within budget")
check.truthy(record.norm_ratio > 0, "norm ratio reported")
check.truthy(record.cosine < 1, "the aggregate leans away from the honest mean")

-- Every attacker of a round sees the same honest mean, and delta = -honest mean
-- (float) or its direction (robust); the server's data and honest mean are
-- read-only to a policy.
local views = {}
local pair = make { attackers = { 4, 5 }, b = 0.5, direction = "float", policy = function(ctx)
  views[#views + 1] = { delta = ctx.delta:clone(), honest = ctx.honest_mean:clone() }
  check.truthy(ctx.features:is_readonly() and ctx.labels:is_readonly() and ctx.honest_mean:is_readonly(), "read-only")
  check.raises("bad argument #1 to 'set' %(the tensor is read%-only", ctx.labels.set, ctx.labels, 1, 0)
  check.raises("bad argument #1 to 'fill' %(the tensor is read%-only", ctx.features.fill, ctx.features, 0)
  check.raises("read%-only", ctx.honest_mean.fill, ctx.honest_mean, 0)
  return nil
end }
local quiet = pair:round()
check.eq(#views, 2, "both attackers asked")
check.truthy(views[1].honest:equal(views[2].honest), "one honest mean per round")
for _, view in ipairs(views) do check.truthy(view.delta:equal(-view.honest), "delta = -honest mean") end
check.truthy(quiet.cosine > 0.9, "without flips every message is honest: the aggregate points along the honest mean")
local robust = {}
make({ attackers = { 4, 5 }, b = 0.5, policy = function(ctx)
  robust[#robust + 1] = ctx.delta:clone()
  check.eq(ctx.direction, "robust", "robust by default")
  return nil
end }):round()
check.truthy(robust[1]:equal(robust[2]), "one direction per round")
check.near(flipside.metrics.cosine(robust[1], -views[1].honest), 1, 1e-5, "the robust direction is the honest mean's")
check.eq(train.y:is_readonly(), false, "the caller's data stays writable")

-- Same seed, same run; a Lua rule equal to the mean gives the same model.
local function final(opts)
  local s = make(opts)
  s:run { rounds = 3 }
  return s:model():params()
end
check.truthy(final():equal(final()), "same seed, bit-identical")
local lua_mean = final { rule = function(messages) return messages:mean(1) end }
local native = final()
for i = 1, 5 do check.near(lua_mean:get(i), native:get(i), 1e-6, "Lua mean rule") end

-- A limited attacker sees no honest mean.
local limited = make { attackers = { 1 }, b = 1, omniscient = false, policy = function(ctx)
  check.eq(ctx.honest_mean, nil, "no honest mean for a limited attacker")
  return nil
end }
check.eq(limited:round().flips[1], 0, "no flips when the policy returns nil")

-- Robust rules run inside the server; errors are clear and change nothing.
for _, rule in ipairs { "median", "krum", "geometric_median" } do
  local s = make { rule = rule, f = rule == "krum" and 1 or nil }
  check.eq(s:round().status, "ok", rule)
end
local refused = make { attackers = { 1 }, b = 0.5, policy = function(ctx) return { 1 }, { 1 } end }
local before = refused:model():params()
check.raises("row 1 is not in the attacker's subset", refused.round, refused)
check.truthy(refused:model():params():equal(before), "a refused round changes nothing")
local bad_answer = make { attackers = { 1 }, b = 0.5, policy = function() return "x" end }
check.raises("the flip policy returned row tensor or table expected", bad_answer.round, bad_answer)
local failing = make { attackers = { 1 }, b = 0.5, policy = function() error("policy exploded") end }
check.raises("policy exploded", failing.round, failing)
local meddler = make { rule = function(m) m:fill(0) end }
check.raises("calling 'fill' on bad self %(the tensor is read%-only", meddler.round, meddler)
local nan_rule = make { rule = function(m) return m:mean(1) / 0 * 0 end }
check.raises("non%-finite value", nan_rule.round, nan_rule)
local short_rule = make { rule = function() return T.zeros(2) end }
check.raises("a float32 vector of 5 values was expected", short_rule.round, short_rule)
check.raises("Krum with f = 2 needs n > 2f %+ 2 workers, got n = 5", make, { rule = "krum", f = 2 })
check.raises("field 'attackers': worker 6 is not a worker 1..5", make, { attackers = { 6 } })
check.raises("field 'model': Model expected, got nil", server.new, { data = train, workers = 2 })
check.raises("shard 2: index 501", server.new, { model = flipside.model.logistic(4), data = train, shards = { { 1, 2 }, { 501 } } })
local nested = make { attackers = { 1 }, b = 0.5 }
nested.policy = function() nested:round() end
check.raises("a round cannot start inside another round", nested.round, nested)

-- FedAvg-style local updates: one local step of rate eta equals a gradient round of rate eta.
local fedavg = final { mode = "local", local_steps = 1, local_lr = 0.1, lr = 1 }
for i = 1, 5 do check.near(fedavg:get(i), native:get(i), 1e-5, "one local step") end

-- A misspelt option of the server is an error naming it, worded for federated.server.
check.raises("^federated.server: unknown option 'atackers' %(did you mean 'attackers'%?%)", federated.server,
  { model = flipside.model.logistic(4), data = train, workers = 2, atackers = { 1 } })
check.eq(make({ attackers = { 1 }, b = 0.5, direction = "float", policy = greedy.binary("exact") }):round().direction, "float",
  "the round's record says which direction")
