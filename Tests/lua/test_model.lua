local check = require "flipside.check"
local flipside = require "flipside"
local training = require "flipside.training"
local model, metrics, data, T = flipside.model, flipside.metrics, flipside.data, flipside.tensor

local blobs = data.load("blobs", { n = 600, d = 5, classes = 3, separation = 4, seed = 2 })
local train, val = data.split(blobs, 0.25, flipside.generator(1))

-- Every architecture trains natively with SGD or Adam and is bit-identical for a seed.
local function trained(make, opts)
  local m = make()
  local rng = flipside.generator(opts.seed or 1)
  local step = { batch = 32, rng = rng, lr = opts.lr, optimizer = opts.optimizer and opts.optimizer() }
  for _ = 1, 5 do
    local loss, status = m:train_epoch(train.x, train.y, step)
    check.eq(status, "ok", "status")
    check.truthy(loss >= 0, "mean loss")
  end
  return m
end
local makers = {
  softmax = function() return model.softmax(5, 3) end,
  mlp = function() return model.mlp(5, 16, 3, flipside.generator(4)) end,
}
for name, make in pairs(makers) do
  for _, opt in ipairs { { lr = 0.05 }, { optimizer = function() return model.adam { lr = 0.01 } end } } do
    local a, b = trained(make, opt), trained(make, opt)
    check.truthy(a:params():equal(b:params()), name .. ": same seed, same parameters")
    local acc = a:accuracy(val.x, val.y)
    check.truthy(acc > 0.9, string.format("%s learns blobs (%.3f)", name, acc))
    local report = a:evaluate(val.x, val.y)
    check.eq(report.status, "ok")
    check.near(report.accuracy, acc, 1e-12, "evaluate agrees with accuracy")
    check.truthy(report.macro_f1 > 0.9 and report.loss > 0, "macro-F1 and loss reported")
    check.eq(report.confusion:sum(), val.y:size(1), "confusion counts every row")
  end
end

-- Shapes: parameters, layers, features.
local s = model.softmax(5, 3)
check.same_table(s:params():shape(), { 3, 6 }, "softmax parameters are [C, d+1]")
check.eq(s:kind(), "softmax")
local mlp = model.mlp(5, 7, 3, flipside.generator(1))
check.eq(mlp:parameter_count(), 7 * 6 + 3 * 8, "mlp parameter count")
check.same_table(mlp:layer(1):shape(), { 7, 6 }, "first layer")
check.same_table(mlp:layer(2):shape(), { 3, 8 }, "second layer")
local h = mlp:features(val.x)
check.same_table(h:shape(), { val.y:size(1), 7 }, "penultimate features")
local last = model.softmax(7, 3)
last:set_params(mlp:layer(2))
check.truthy(last:predict(h):equal(mlp:predict(val.x)), "last layer on features predicts like the MLP")
check.eq(tostring(mlp), "MLP(5 inputs, 7 hidden ReLU, 3 classes)")

-- Honest and poisoned gradients; per-sample losses.
local rows = { 1, 2, 3, 4 }
local honest = s:gradient(train.x, train.y, rows)
local flipped = T.new({ 2, 2, 2, 2 }, "int32")
local poisoned = s:gradient(train.x, train.y, rows, flipped)
check.truthy(not honest:equal(poisoned), "overriding labels changes the gradient")
check.truthy(poisoned:equal(s:gradient(train.x:rows(rows), flipped)), "override equals relabelled rows")
check.eq(s:losses(train.x, train.y, rows):size(1), 4, "per-sample losses")
check.near(s:losses(train.x, train.y):mean(), s:loss(train.x, train.y), 1e-5, "losses average to the loss")

-- Metrics.
local p, y = T.new({ 0, 0, 1, 1, 2, 2 }, "int32"), T.new({ 0, 0, 0, 1, 1, 2 }, "int32")
check.near(metrics.accuracy(p, y), 4 / 6, 1e-12, "accuracy")
check.near(metrics.macro_f1(p, y), (0.8 + 0.5 + 2 / 3) / 3, 1e-12, "macro-F1")
check.eq(metrics.confusion(p, y):get(1, 2), 1, "confusion[true 0, predicted 1]")
check.near(metrics.cosine(T.new { 1, 0 }, T.new { 1, 1 }), math.sqrt(0.5), 1e-7, "cosine")
check.near(metrics.norm_ratio(T.new { 6, 8 }, T.new({ { 3, 4 }, { 0, 1 } })), 10 / 3, 1e-12, "norm ratio")
check.raises("cosine with a zero vector", metrics.cosine, T.new { 0, 0 }, T.new { 1, 1 })

-- Divergence is a status, never a NaN accuracy.
local wild = model.softmax(5, 3)
local big = train.x * 1e18
local _, status
for _ = 1, 3 do _, status = wild:train_epoch(big, train.y, { lr = 1e18, batch = 8, rng = flipside.generator(1) }) end
check.eq(status, "diverged", "divergence reported")
check.eq(wild:status(), "diverged")
local acc, why = wild:accuracy(val.x, val.y)
check.truthy(acc == nil and why == "diverged", "no accuracy from a diverged model")
check.eq(wild:evaluate(val.x, val.y).status, "diverged")

-- Early stopping restores the best epoch.
local es = model.mlp(5, 16, 3, flipside.generator(2))
local fit = training.fit { model = es, train = train, val = val, epochs = 40, lr = 0.5, patience = 2, seed = 3 }
check.truthy(fit.epochs <= 40 and fit.best_epoch >= 1, "fit ran")
if fit.stopped_early then check.eq(fit.epochs, fit.best_epoch + 2, "stops after patience epochs") end
check.near(es:loss(val.x, val.y), fit.history[fit.best_epoch].val_loss, 1e-9, "best parameters restored")
local adam_fit = training.fit { model = model.softmax(5, 3), train = train, epochs = 2, optimizer = model.adam { lr = 0.01 } }
check.eq(adam_fit.epochs, 2, "without validation every epoch runs")

-- Bad arguments name the function, the argument and what was expected.
check.raises("bad argument #2 to 'softmax' %(integer expected, got no value%)", model.softmax, 5)
check.raises("bad argument #4 to 'mlp' %(flipside.Generator expected", model.mlp, 5, 4, 3)
check.raises("bad argument #1 to 'adam' %(beta2 must be in %[0, 1%), got 1%)", function() return model.adam { beta2 = 1 } end)
check.raises("momentum must be in", model.sgd, { momentum = 1 })
check.raises("give either field 'lr'", s.train_epoch, s, train.x, train.y, { lr = 0.1, optimizer = model.sgd(), rng = flipside.generator(1) })
check.raises("labels must be classes 0..2, got 3", s.gradient, s, train.x, T.full(train.y:size(1), 3, "int32"))
check.raises("parameters need 18 elements", s.set_params, s, T.zeros(4))
check.raises("layer 3 does not exist", mlp.layer, mlp, 3)
check.raises("this optimizer holds state for 18 parameters", function()
  local o = model.adam()
  o:step(s, s:gradient(train.x, train.y))
  o:step(mlp, mlp:gradient(train.x, train.y))
end)
check.raises("training.fit: option 'patience' must be an integer ≥ 1, got 0", training.fit, { model = s, train = train, patience = 0 })
check.raises("training.fit: unknown option 'pateince' %(did you mean 'patience'%?%)", training.fit, { model = s, train = train, pateince = 2 })
check.raises("training.fit: option 'train' must be a dataset table", training.fit, { model = s, train = {} })
-- Native option tables refuse what they do not declare, naming the nearest declared key.
check.raises("bad argument #1 to 'sgd' %(unknown option 'momentun' %(did you mean 'momentum'%?%)%)", model.sgd, { momentun = 0.9 })
check.raises("bad argument #%d to 'train_epoch' %(unknown option 'bacth' %(did you mean 'batch'%?%)%)",
  s.train_epoch, s, train.x, train.y, { bacth = 16, rng = flipside.generator(1) })
check.raises("bad argument #2 to 'load' %(unknown option 'splt' %(did you mean 'split'%?%)%)", flipside.data.load, "fashion-mnist", { splt = "test" })
check.raises("bad argument #2 to 'load' %(unknown option 'seperation' %(did you mean 'separation'%?%)%)", flipside.data.load, "blobs", { seperation = 3 })
check.raises("unknown option 'n'", flipside.data.load, "fashion-mnist", { n = 3 })
check.eq(flipside.nearest("polcy", { "policy", "model" }), "policy")
check.eq(flipside.nearest("xyz", { "policy", "model" }), nil)

-- Checkpoints: model:save and flipside.model.load, bit for bit, for every model.
for _, m in ipairs { model.logistic(5), model.softmax(5, 3), model.mlp(5, 7, 3, flipside.generator(4)) } do
  m:set_params(flipside.generator(8):normal(m:params():shape()))
  local path = TEST_TMP .. "/" .. m:kind() .. ".safetensors"
  m:save(path)
  local back = model.load(path)
  check.eq(back:kind(), m:kind())
  check.truthy(back:params():equal(m:params()), m:kind() .. ": the same bits")
end
check.raises("nothing%-here: cannot read the file", model.load, TEST_TMP .. "/nothing-here")
local junk = assert(io.open(TEST_TMP .. "/junk.safetensors", "w"))
junk:write("not a checkpoint at all")
junk:close()
check.raises("junk.safetensors: not a flipside checkpoint %(a header of", model.load, TEST_TMP .. "/junk.safetensors")
