local check = require "flipside.check"
local flipside = require "flipside"
local synthetic = require "synthetic"
local greedy = require "flipside.policies.greedy"
local T, attack = flipside.tensor, flipside.attack

check.eq(attack.budget(0.29, 100), 29, "budget is floor(b|K|) without rounding loss")
check.eq(attack.budget(0.5, 7), 3, "budget floors")

-- The paper's binary rule, worked by hand: Delta = (1, 0, bias 0) so s_i = x_i1.
local x = T.new({ { -3, 0 }, { 2, 0 }, { -1, 0 }, { 5, 0 }, { 0.5, 0 } })
local y = T.new({ 1, 0, 0, 1, 1 }, "int32")
local delta = T.new({ 1, 0, 0 })
local all = T.range(1, 5)
check.same_table(attack.scores(x, all, delta):totable(), { -3, 2, -1, 5, 0.5 }, "scores")
-- paper: the 3 smallest s are rows 1, 3, 5 -> labels 1, 1, 0; row 1 already has 1.
local rows, labels = attack.greedy_binary(x, y, all, delta, 3, "paper")
check.same_table(rows:totable(), { 3, 5 }, "paper rows")
check.same_table(labels:totable(), { 1, 0 }, "paper labels")
-- exact: gains s*(1-2y) = 3, 2, -1, -5, -0.5 -> rows 4, 3, 5 in that order.
rows, labels = attack.greedy_binary(x, y, all, delta, 3, "exact")
check.same_table(rows:totable(), { 4, 3, 5 }, "exact rows")
check.same_table(labels:totable(), { 0, 1, 0 }, "exact labels")

-- The engine refuses every breach of the threat model and applies nothing.
local subset = T.new({ 1, 2, 3 }, "int32")
local before = y:totable()
check.raises("bad argument #2 to 'apply' %(index 9 at position 1 out of range 1%.%.5%)", attack.apply, y, { 9 }, { 1 }, { 0 }, 1, 2)
check.raises("row 4 is not in the attacker's subset", attack.apply, y, subset, { 4 }, { 0 }, 1, 2)
check.raises("2 flips exceed the budget of 1", attack.apply, y, subset, { 1, 2 }, { 0, 1 }, 1, 2)
check.raises("row 1 is flipped twice", attack.apply, y, subset, { 1, 1 }, { 0, 0 }, 2, 2)
check.raises("label 2 is not in the class set 0%.%.1", attack.apply, y, subset, { 1 }, { 2 }, 1, 2)
check.raises("2 flip indices but 1 new labels", attack.apply, y, subset, { 1, 2 }, { 0 }, 2, 2)
check.same_table(y:totable(), before, "labels unchanged after refusals")
local poisoned = attack.apply(y, subset, { 2 }, { 1 }, 1, 2)
check.eq(poisoned:get(2), 1, "flip applied to the copy")
check.same_table(y:totable(), before, "original labels unchanged")

-- Through the protocol: a policy that cheats stops the run with a clear error.
local protocol = require "flipside.protocol"
local data = synthetic.blobs(200, 4, 1.5, 3)
local function run(policy)
  return protocol.train { model = flipside.model.logistic(4), data = data, epochs = 2, k = 0.2, b = 0.5, policy = policy, lr = 0.05, seed = 1 }
end
check.raises("exceed the budget", run, function(ctx)
  local rows, labels = {}, {}
  for i = 1, ctx.budget + 1 do rows[i] = ctx.subset:get(i); labels[i] = 1 - ctx.labels:get(rows[i]) end
  return rows, labels
end)
check.raises("is not in the attacker's subset", run, function(ctx)
  local inside = {}
  for i = 1, ctx.subset:size(1) do inside[ctx.subset:get(i)] = true end
  for r = 1, 200 do if not inside[r] then return { r }, { 1 } end end
end)
check.raises("policy blew up", run, function() error("policy blew up") end)
check.same_table(data.y:totable(), synthetic.blobs(200, 4, 1.5, 3).y:totable(), "dataset labels never change")

-- A prototype policy written in Lua over tensors matches the native exact rule.
local function lua_exact(ctx)
  local s = attack.scores(ctx.features, ctx.subset, ctx.delta)
  local gains = {}
  for i = 1, ctx.subset:size(1) do
    local yi = ctx.labels:get(ctx.subset:get(i))
    gains[i] = s:get(i) * (1 - 2 * yi)
  end
  local order = T.new(gains):argsort()
  local rows, labels = {}, {}
  for j = 1, ctx.budget do
    local i = order:get(j)
    if gains[i] >= 0 then break end
    local row = ctx.subset:get(i)
    rows[#rows + 1], labels[#labels + 1] = row, 1 - ctx.labels:get(row)
  end
  return rows, labels
end
local ctx = { features = data.x, labels = data.y, subset = flipside.generator(9):sample(200, 50), budget = 20,
  delta = -flipside.model.logistic(4):gradient(data.x, data.y) }
local r1, l1 = greedy.binary("exact")(ctx)
local r2, l2 = lua_exact(ctx)
check.same_table(r1:totable(), r2, "Lua policy rows = native rows")
check.same_table(l1:totable(), l2, "Lua policy labels = native labels")
