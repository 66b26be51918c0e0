local check = require "flipside.check"
local flipside = require "flipside"
local synthetic = require "synthetic"
local protocol = require "flipside.protocol"
local greedy = require "flipside.policies.greedy"

-- The host passes --set answer=42 --seed 7; `flipside test` without them passes nothing.
if flipside.params.answer ~= nil then check.eq(flipside.params.answer, 42, "--set parameters arrive converted") end
check.eq(math.type(flipside.seed), "integer", "seed visible")

local train = synthetic.blobs(400, 6, 1.0, 11)
local test = synthetic.blobs(400, 6, 1.0, 12)

local function run(policy, seed)
  local model = flipside.model.logistic(6)
  local history = protocol.train { model = model, data = train, epochs = 5, k = 0.3, b = 1.0, lr = 0.1, batch = 16, policy = policy, seed = seed }
  return model, history
end

local clean = run(nil, 1)
local attacked, history = run(greedy.binary("exact"), 1)
local clean_acc, attacked_acc = clean:accuracy(test.x, test.y), attacked:accuracy(test.x, test.y)
check.truthy(clean_acc > 0.8, "clean model learns (" .. clean_acc .. ")")
check.truthy(attacked_acc <= clean_acc, string.format("attack does not help (%.3f vs %.3f)", attacked_acc, clean_acc))
local clean_loss, attacked_loss = clean:loss(test.x, test.y), attacked:loss(test.x, test.y)
check.truthy(attacked_loss > clean_loss + 0.05, string.format("attack raises test loss (%.3f vs %.3f)", attacked_loss, clean_loss))
check.eq(#history, 5, "one record per epoch")
check.truthy(history[1].flips > 0 and history[1].flips <= 120, "flips within budget floor(1.0*floor(0.3*400))")

-- Same seed: bit-identical parameters; another seed: different.
local again = run(greedy.binary("exact"), 1)
check.same_table(again:params():totable(), attacked:params():totable(), "same seed, same parameters")
local other = run(greedy.binary("exact"), 2)
check.truthy(other:params():get(1) ~= attacked:params():get(1), "another seed changes the run")

-- A policy cannot change the data or the model behind the threat model's back:
-- it reads the data read-only and the model through a copy.
local tamperer = function(ctx)
  check.raises("bad argument #1 to 'set' %(the tensor is read%-only", ctx.labels.set, ctx.labels, ctx.subset:get(1), 0)
  check.raises("read%-only", ctx.features.fill, ctx.features, 0)
  check.raises("read%-only", ctx.features:reshape(ctx.features:numel()).fill, ctx.features:reshape(ctx.features:numel()), 0)
  ctx.model:set_params(ctx.model:params() * 0)
  return greedy.binary("exact")(ctx)
end
local tampered = run(tamperer, 1)
check.same_table(tampered:params():totable(), attacked:params():totable(), "the model's copy changed, not the model")
check.eq(train.y:is_readonly(), false, "the caller's labels stay writable")

-- The honest gradient on a subset equals the gradient on the gathered rows.
local rows = flipside.generator(3):sample(400, 50)
local g1 = clean:gradient(train.x, train.y, rows)
local g2 = clean:gradient(train.x:rows(rows), train.y:rows(rows))
for i = 1, 7 do check.near(g1:get(i), g2:get(i), 1e-6, "subset gradient " .. i) end

-- Divergence is a status the script reads, never a silent NaN.
local wild = flipside.model.logistic(6)
local p = wild:params(); p:set(1, 1e38); p:set(2, -1e38); wild:set_params(p * 10)
local _, status = wild:train_epoch(train.x, train.y, { batch = 16, lr = 1, rng = flipside.generator(1) })
check.eq(status, "diverged", "diverged status")

-- Bad options are named.
check.raises("field 'rng': Generator expected, got nil", clean.train_epoch, clean, train.x, train.y, {})
check.raises("field 'lr': number expected, got string", clean.train_epoch, clean, train.x, train.y, { lr = "x", rng = flipside.generator(1) })
check.raises("learning rate must be a positive number", clean.train_epoch, clean, train.x, train.y, { lr = -1, rng = flipside.generator(1) })
check.raises("binary labels must be 0 or 1, got 3", clean.gradient, clean, train.x, flipside.tensor.full(400, 3, "int32"))
check.raises("features have 6 columns, the model expects 5", flipside.model.logistic(5).predict, flipside.model.logistic(5), train.x)
check.raises("protocol.train: option 'k' must be a number in %[0, 1%], got 2", protocol.train, { model = clean, data = train, k = 2 })
check.raises("protocol.train: option 'data' must be flipside.Dataset, got table", protocol.train, { model = clean, data = { x = {}, y = train.y } })
check.raises("protocol.train: option 'model' is required", protocol.train, { data = train })
check.raises("protocol.train: option 'direction' must be one of 'robust', 'float', got \"plain\"", protocol.train,
  { model = clean, data = train, direction = "plain" })
check.raises("protocol.train: give either 'lr' %(plain SGD%) or 'optimizer', not both", protocol.train,
  { model = clean, data = train, lr = 0.1, optimizer = flipside.model.sgd {} })

-- A misspelt option is an error naming it and the option meant, before anything trains.
local before = clean:params()
for _, case in ipairs {
  { { epoch = 5 }, "unknown option 'epoch' %(did you mean 'epochs'%?%)" },
  { { polcy = greedy.binary("exact") }, "unknown option 'polcy' %(did you mean 'policy'%?%)" },
  { { learning_rate = 0.1 }, "unknown option 'learning_rate'$" },
} do
  local opts = { model = clean, data = train }
  for key, value in pairs(case[1]) do opts[key] = value end
  check.raises("^protocol.train: " .. case[2], protocol.train, opts)
end
check.truthy(clean:params():equal(before), "nothing trained")

-- evaluate = test: each epoch's record carries the test accuracy and loss.
local evaluated = protocol.train { model = flipside.model.logistic(6), data = train, epochs = 3, lr = 0.1, seed = 2, evaluate = test }
for e, record in ipairs(evaluated) do
  check.truthy(record.test_accuracy > 0.5 and record.test_loss > 0, "epoch " .. e .. " evaluated")
end
local m = flipside.model.logistic(6)
protocol.train { model = m, data = train, epochs = 3, lr = 0.1, seed = 2 }
check.eq(evaluated[3].test_accuracy, m:accuracy(test.x, test.y), "the last epoch's test accuracy is the model's")
