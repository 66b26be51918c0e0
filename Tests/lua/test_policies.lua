local check = require "flipside.check"
local flipside = require "flipside"
local greedy = require "flipside.policies.greedy"
local greedy_lua = require "flipside.policies.greedy_lua"
local baselines = require "flipside.policies.baselines"
local last_layer = require "flipside.policies.last_layer"
local surrogate = require "flipside.policies.surrogate"
local targets = require "flipside.targets"
local protocol = require "flipside.protocol"
local context_of = require("flipside.context").from
local attack, model, T = flipside.attack, flipside.model, flipside.tensor

local rng = flipside.generator(11)

--- A random attack context: n points in d dimensions, C classes, a random model.
local function context(n, d, classes, kind)
  local x = rng:normal({ n, d })
  local y = rng:integer(classes, n) - 1
  local m = kind == "logistic" and model.logistic(d) or model.softmax(d, classes)
  m:set_params(rng:normal(m:params():shape()))
  local subset = rng:sample(n, rng:integer(n))
  return context_of {
    features = x, labels = y, classes = classes, model = m, rng = rng:split(),
    subset = subset, budget = rng:integer(subset:size(1) + 1) - 1,
    delta = -m:gradient(x, y),
  }
end

local function same(a_rows, a_labels, b_rows, b_labels, what)
  check.truthy(a_rows:equal(b_rows), what .. ": same rows")
  check.truthy(a_labels:int():equal(b_labels:int()), what .. ": same labels")
end

-- The Lua policies choose exactly the native rules' flips.
for trial = 1, 150 do
  for _, variant in ipairs { "exact", "paper" } do
    local ctx = context(rng:integer(30) + 1, 3, 2, "logistic")
    local target = model.logistic(3)
    target:set_params(rng:normal(4))
    for _, opts in ipairs { {}, { target = target } } do
      local a, al = greedy.binary(variant, opts)(ctx)
      local b, bl = greedy_lua.binary(variant, opts)(ctx)
      same(a, al, b, bl, string.format("binary %s trial %d", variant, trial))
    end
    local classes = 3 + trial % 2
    local mctx = context(rng:integer(30) + 1, 4, classes)
    local mtarget = model.softmax(4, classes)
    mtarget:set_params(rng:normal({ classes, 5 }))
    for _, opts in ipairs { {}, { target = mtarget } } do
      local a, al = greedy.multiclass(variant, opts)(mctx)
      local b, bl = greedy_lua.multiclass(variant, opts)(mctx)
      same(a, al, b, bl, string.format("multi-class %s trial %d", variant, trial))
      check.truthy(a:size(1) <= mctx.budget, "within budget")
    end
  end
end

-- Every policy's answer passes the engine's checks; exact never does worse than paper.
for trial = 1, 40 do
  local ctx = context(40, 4, 4)
  for name, policy in pairs {
    random = baselines.random(), all_to_all = baselines.all_to_all(),
    source_target = baselines.source_target { [0] = 1, [2] = 3 },
    exact = greedy.multiclass("exact"), paper = greedy.multiclass("paper"),
  } do
    local rows, labels = policy(ctx)
    local poisoned = attack.apply(ctx.labels, ctx.subset, rows, labels, ctx.budget, ctx.classes)
    check.eq(poisoned:ne(ctx.labels):sum(), rows:size(1), name .. ": every flip changes a label")
    if name == "all_to_all" then
      check.truthy(poisoned:rows(rows):equal(3 - ctx.labels:rows(rows)), "all-to-all mirrors labels")
    elseif name == "source_target" then
      local old = ctx.labels:rows(rows)
      check.eq(old:eq(1):sum() + old:eq(3):sum(), 0, "only source classes are flipped")
      check.truthy(labels:equal(old + 1), "0 -> 1 and 2 -> 3")
    end
  end
  local r = baselines.random()(ctx)
  check.eq(r:size(1), math.min(ctx.budget, ctx.subset:size(1)), "random flips use the whole budget")
  local function objective(rows, labels)
    local epoch = attack.epoch { model = ctx.model, data = { x = ctx.features, y = ctx.labels }, subset = ctx.subset, b = 1 }
    epoch:apply(rows, labels, ctx.delta)
    return epoch:provenance().objective_after
  end
  local e, p = objective(greedy.multiclass("exact")(ctx)), objective(greedy.multiclass("paper")(ctx))
  check.truthy(e <= p + 1e-3 * math.max(1, math.abs(p)), string.format("exact %.6g <= paper %.6g", e, p))
end

-- Policies breaking the threat model are refused and the labels stay as they were.
local ctx = context(20, 3, 3)
local before = ctx.labels:clone()
local outside = 1
while ctx.subset:eq(outside):sum() > 0 do outside = outside + 1 end
check.raises("is not in the attacker's subset", attack.apply, ctx.labels, ctx.subset, { outside }, { 0 }, 5, 3)
check.raises("is flipped twice", attack.apply, ctx.labels, ctx.subset, { ctx.subset:get(1), ctx.subset:get(1) }, { 0, 1 }, 5, 3)
check.raises("exceed the budget of 0", attack.apply, ctx.labels, ctx.subset, { ctx.subset:get(1) }, { 0 }, 0, 3)
check.raises("label 3 is not in the class set 0..2", attack.apply, ctx.labels, ctx.subset, { ctx.subset:get(1) }, { 3 }, 5, 3)
check.truthy(ctx.labels:equal(before), "labels unchanged after refusals")
check.raises("greedy.multiclass: variant must be 'exact' or 'paper'", greedy.multiclass, "best")
check.raises("the 'paper' rule needs the model", attack.greedy_multiclass, ctx.features, ctx.labels, ctx.subset, ctx.delta, 2, "paper")
check.raises("delta must be %[C, 4%]", attack.greedy_multiclass, ctx.features, ctx.labels, ctx.subset, T.zeros(4), 2)
check.raises("baselines.source_target: pair 1 %-> 1", baselines.source_target, { [1] = 1 })

-- Target models: relabelling, and an honest model trained on it.
local y = T.new({ 0, 1, 2, 3 }, "int32")
check.truthy(targets.relabel(y, 4, "cyclic"):equal(T.new({ 1, 2, 3, 0 }, "int32")), "cyclic shift")
check.truthy(targets.relabel(T.new({ 0, 1 }, "int32"), 2, "flip"):equal(T.new({ 1, 0 }, "int32")), "full flip")
check.truthy(targets.relabel(y, 4, { [3] = 0 }):equal(T.new({ 0, 1, 2, 0 }, "int32")), "any table")
check.raises("'flip' needs 2 classes", targets.relabel, y, 4, "flip")
local blobs = flipside.data.load("blobs", { n = 300, d = 4, classes = 3, separation = 5, seed = 1 })
local target = targets.train(model.softmax(4, 3), blobs, "cyclic", { epochs = 20, lr = 0.1, seed = 1 })
check.truthy(target:accuracy(blobs.x, targets.relabel(blobs.y, 3, "cyclic")) > 0.95, "the target learns the shifted labels")

-- A targeted multi-class attack moves the model towards the target more than training clean.
local function distance_to_target(policy)
  local m = model.softmax(4, 3)
  protocol.train { model = m, data = blobs, epochs = 10, k = 0.5, b = 1, lr = 0.1, policy = policy, seed = 2 }
  return (m:params() - target:params()):norm()
end
check.truthy(distance_to_target(greedy.multiclass("exact", { target = target })) < distance_to_target(nil),
  "the targeted attack approaches the target model")

-- Provenance in the protocol: flips with old and new labels, objective lowered.
local history = protocol.train { model = model.softmax(4, 3), data = blobs, epochs = 3, k = 0.3, b = 0.5, lr = 0.1,
  policy = greedy.multiclass("exact"), seed = 3, provenance = true }
for _, record in ipairs(history) do
  local p = record.provenance
  check.eq(p.rows:size(1), record.flips, "provenance lists every flip")
  check.truthy(p.new:ne(p.old):sum() == record.flips, "old and new labels differ")
  check.truthy(p.objective_after <= p.objective_before, "the flips lower the attacker's objective")
  check.truthy(p.deviation > 0 and p.cosine < 1, "the poisoned gradient deviates")
end

-- The last-layer attack on an MLP, and a limited-knowledge attacker.
local mlp = model.mlp(4, 8, 3, flipside.generator(5))
local mctx = context_of { features = blobs.x, labels = blobs.y, classes = 3, model = mlp, rng = flipside.generator(6),
  subset = flipside.generator(7):sample(300, 60), budget = 20 }
mctx.delta = -mlp:gradient(blobs.x, blobs.y)
local rows, labels = last_layer.wrap(greedy.multiclass("exact"))(mctx)
local h = mlp:features(blobs.x)
local head = model.softmax(8, 3)
head:set_params(mlp:layer(2))
local direct, direct_labels = attack.greedy_multiclass(h, blobs.y, mctx.subset, mlp:layer(2, mctx.delta), 20, "exact")
same(rows, labels, direct, direct_labels, "last layer = greedy on penultimate features")
local blind = context_of { features = blobs.x, labels = blobs.y, classes = 3, rng = flipside.generator(8),
  subset = mctx.subset, budget = 20 }
local srows = surrogate.wrap(greedy.multiclass("exact"), { make = function() return model.softmax(4, 3) end, lr = 0.1 })(blind)
check.truthy(srows:size(1) > 0 and srows:size(1) <= 20, "the surrogate attacker flips without the server's model")

-- A Delta that is not finite is the same documented error from the native rules,
-- their Lua twins and an answer's reported delta; nothing is applied.
for _, kind in ipairs { "logistic", "softmax" } do
  local bad = context(20, 3, kind == "logistic" and 2 or 3, kind)
  local delta = bad.delta:clone()
  delta:reshape(delta:numel()):set(2, 0 / 0)
  local nan_ctx = bad:derive { delta = delta }
  local native = kind == "logistic" and greedy.binary or greedy.multiclass
  local twin = kind == "logistic" and greedy_lua.binary or greedy_lua.multiclass
  for _, variant in ipairs { "exact", "paper" } do
    check.raises("delta is not finite %(nan at element 2%)", native(variant), nan_ctx)
    check.raises("delta is not finite %(nan at element 2%)", twin(variant), nan_ctx)
  end
end
do
  local m = model.softmax(4, 3)
  local nan_delta = m:params() * (0 / 0)
  local before = m:params()
  check.raises("the policy's delta is not finite", protocol.train, { model = m, data = blobs, epochs = 1, k = 0.5, b = 1,
    policy = function(ctx) return { ctx.subset:get(1) }, { (ctx.labels:get(ctx.subset:get(1)) + 1) % 3 }, nan_delta end })
  check.truthy(m:params():equal(before), "nothing trained after the refusal")
end
