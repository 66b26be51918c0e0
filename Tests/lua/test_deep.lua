-- The CNN and the vision transformer from Lua: options, training, features,
-- checkpoints, and the attacks and aggregators run on them, on tiny 8×8 images.
local check = require "flipside.check"
local flipside = require "flipside"
local federated = require "flipside.federated"
local protocol = require "flipside.protocol"
local greedy = require "flipside.policies.greedy"
local last_layer = require "flipside.policies.last_layer"
local surrogate = require "flipside.policies.surrogate"
local model, T = flipside.model, flipside.tensor

-- 8×8 images of 3 classes: class c brightens the rows whose number is c modulo 3.
local function bands(n, seed)
  local rng = flipside.generator(seed)
  local x = rng:normal({ n, 64 }) * 0.3
  local labels = {}
  for i = 1, n do
    local y = (i - 1) % 3
    labels[i] = y
    for row = 0, 7 do
      if row % 3 == y then
        for column = 1, 8 do x:set(i, row * 8 + column, x:get(i, row * 8 + column) + 1) end
      end
    end
  end
  return { x = x, y = T.new(labels, "int32"), classes = 3, name = "bands" }
end
local train, test = bands(120, 1), bands(60, 2)

local function cnn(seed)
  return model.cnn { input = { 8, 8, 1 }, classes = 3, channels = { 4 }, hidden = 8, rng = flipside.generator(seed) }
end
local function vit(seed)
  return model.vit { input = { 8, 8, 1 }, classes = 3, patch = 4, width = 8, depth = 1, heads = 2, rng = flipside.generator(seed) }
end

-- The documented defaults: Fashion-MNIST's images, 10 classes; ViT 16 patches of 7×7, 4 blocks, width 64, 2 heads.
local default_vit = model.vit { rng = flipside.generator(1) }
check.eq(default_vit:kind(), "vit")
check.eq(default_vit:dimension(), 784)
check.eq(default_vit:classes(), 10)
local width, tokens = 64, 17
local block = 2 * 2 * width + (4 * width * (width + 1)) + (128 * (width + 1) + width * 129)
check.eq(default_vit:parameter_count(), width * 50 + width + tokens * width + 4 * block + 2 * width + 10 * 65, "ViT parameter count")
check.same_table(default_vit:layer(default_vit:layer_count()):shape(), { 10, 65 }, "the head reads the class token")
local default_cnn = model.cnn { rng = flipside.generator(1) }
check.same_table(default_cnn:layer(1):shape(), { 16, 10 }, "first convolution: 16 channels of 3×3 + bias")
check.same_table(default_cnn:layer(default_cnn:layer_count()):shape(), { 10, 129 }, "the head reads 128 hidden units")

-- Options are declared: unknown keys and layer types are refused with the nearest name.
check.raises("unknown option 'heds' %(did you mean 'heads'%?%)", model.vit, { heds = 2, rng = flipside.generator(1) })
check.raises("field 'rng': Generator expected, got nil", model.cnn, {})
check.raises("layer 1 %(patches%): patch must divide the 28×28 image, got 5", model.vit, { patch = 5, rng = flipside.generator(1) })
check.raises("heads must divide the width 64, got 3", model.vit, { heads = 3, rng = flipside.generator(1) })
local function sequential(layers)
  return model.sequential { input = { 8, 8, 1 }, classes = 3, layers = layers, rng = flipside.generator(1) }
end
check.raises("field 'layers%[2%]': unknown layer type 'rleu' %(did you mean 'relu'%?%)", sequential,
  { { type = "conv", channels = 2 }, { type = "rleu" }, { type = "linear", outputs = 3 } })
check.raises("field 'layers%[1%]': conv: unknown option 'chanels' %(did you mean 'channels'%?%)", sequential,
  { { type = "conv", chanels = 2 }, { type = "linear", outputs = 3 } })
check.raises("the last layer must be a linear head with 3 outputs", sequential, { { type = "relu" } })
check.raises("layer 1 %(residual%), a residual block must give its input's shape 8×8×1", sequential,
  { { type = "residual", layers = { { type = "conv", channels = 2, padding = 1 } } }, { type = "linear", outputs = 3 } })

-- A general sequence: a residual convolution block with batch norm, average pooling, dropout.
local seq = sequential {
  { type = "conv", channels = 4, padding = 1 },
  { type = "residual", layers = { { type = "conv", channels = 4, padding = 1 }, { type = "batchnorm" }, { type = "relu" } } },
  { type = "avgpool", size = 2 }, { type = "dropout", rate = 0.2 }, { type = "linear", outputs = 3 },
}
check.eq(seq:kind(), "sequential")
check.eq(seq:layer_count(), 4, "two convolutions, the batch norm, the head")
check.same_table(seq:features(test.x):shape(), { 60, 64 }, "the head's input: 4×4×4 channels last")

-- Training: learns the bands with Adam, bit-identical for a seed; features and checkpoints.
local function trained(make, seed)
  local m = make(seed)
  local adam, rng = model.adam { lr = 0.01 }, flipside.generator(seed + 10)
  for _ = 1, 4 do
    local _, status = m:train_epoch(train.x, train.y, { batch = 16, optimizer = adam, rng = rng })
    check.eq(status, "ok")
  end
  return m
end
for name, make in pairs { cnn = cnn, vit = vit } do
  local a, b = trained(make, 3), trained(make, 3)
  check.truthy(a:params():equal(b:params()), name .. ": same seed, same parameters")
  local accuracy = a:accuracy(test.x, test.y)
  check.truthy(accuracy > 0.8, string.format("%s learns the bands (%.3f)", name, accuracy))
  local path = TEST_TMP .. "/" .. name .. ".safetensors"
  a:save(path)
  local loaded = model.load(path)
  check.eq(loaded:kind(), name)
  check.truthy(loaded:params():equal(a:params()), name .. ": the checkpoint round-trips bit for bit")
  check.truthy(loaded:probabilities(test.x):equal(a:probabilities(test.x)), name .. ": the loaded model predicts the same")
  check.eq(a:features(test.x):size(2), a:layer(a:layer_count()):size(2) - 1, name .. ": features feed the head")
end

-- The attacks: the last-layer attack and the multi-class rule on the full gradient.
for name, make in pairs { cnn = cnn, vit = vit } do
  for label, policy in pairs { last_layer = last_layer.wrap(greedy.multiclass("exact")), full = greedy.multiclass("exact") } do
    local history = protocol.train { model = make(4), data = train, epochs = 2, k = 0.3, b = 0.5, batch = 16, lr = 0.05,
      policy = policy, seed = 5 }
    local flips = 0
    for _, record in ipairs(history) do flips = flips + record.flips end
    check.truthy(flips > 0 and flips <= 2 * math.floor(0.5 * math.floor(0.3 * 120)), name .. ", " .. label .. ": flips within budget")
  end
end

-- The limited-knowledge attacker trains a small CNN of its own.
local history = protocol.train { model = cnn(6), data = train, epochs = 2, k = 0.3, b = 0.5, batch = 16, lr = 0.05, seed = 7,
  policy = surrogate.wrap(greedy.multiclass("exact"), { make = function() return cnn(8) end, lr = 0.05 }) }
check.truthy(history[#history].flips > 0, "the surrogate attacker flips with its own CNN")

-- The server, with the greedy attacker, under every aggregation rule.
local root = {}
for i = 1, 30 do root[i] = i end
local rules = {
  { rule = "mean" }, { rule = "median" }, { rule = "trimmed_mean", f = 1 }, { rule = "krum", f = 1 },
  { rule = "multi_krum", f = 1, m = 3 }, { rule = "geometric_median" }, { rule = "centered_clipping", tau = 1 },
  { rule = "bulyan", f = 1 }, { rule = "fltrust", root = root }, { rule = "lfighter" }, { rule = "pca", source = 0 },
  { rule = "foolsgold" },
}
for _, make in ipairs { cnn, vit } do
  for _, options in ipairs(rules) do
    local base = { model = make(9), data = train, workers = 7, attackers = { 7 }, b = 0.5, batch = 16, lr = 0.05, seed = 2,
      policy = greedy.multiclass("exact") }
    for key, value in pairs(options) do base[key] = value end
    local server = federated.server(base)
    local record = server:round()
    check.eq(record.status, "ok", options.rule)
    check.truthy(server:model():is_finite(), options.rule .. ": a finite model")
  end
end
