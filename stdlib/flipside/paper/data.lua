local flipside = require "flipside"
local declare = require "flipside.declare"
local datasets = require "flipside.datasets"
local targets = require "flipside.targets"
local T = flipside.tensor
local data = {}
local doc = declare.module("flipside.paper.data", "The paper's data and models (Appendix A): its tasks, a separable task at pixel scale, fresh models and the target models, cached per Lua state.")

local function first_rows(d, n)
  if not n or n >= d.y:size(1) then return d end
  local rows = T.range(1, n)
  return { x = d.x:rows(rows), y = d.y:rows(rows), classes = d.classes, name = d.name }
end

local cache = { data = {}, targets = {} }

doc:func("separable", "A separable task at pixel scale (dataset = \"blobs\"): two Gaussian blobs 8 standard deviations apart in 50 dimensions, features times 255, 12,000 training and 2,000 test rows (train_rows and test_rows shrink them). On it the float32 honest gradient of logistic regression becomes exactly zero within a few epochs at lr 0.001.", { { "params", "table", "train_rows, test_rows" } }, { { "flipside.Dataset", "train" }, { "flipside.Dataset", "test" } })
function data.separable(params)
  local train_rows, test_rows = params.train_rows or 12000, params.test_rows or 2000
  local blobs = flipside.data.load("blobs", { n = train_rows + test_rows, d = 50, classes = 2, separation = 8, seed = 7 })
  local scaled = { x = blobs.x * 255, y = blobs.y, classes = 2, name = "separable blobs (x255)" }
  return flipside.data.split(scaled, test_rows / (train_rows + test_rows), flipside.generator(7))
end

doc:func("data", "The train and test sets for params.task (\"binary\": the paper's two-class task, else all classes), raw pixels unless params.normalize; read-only, cached per Lua state.", { { "params", "table", "dataset, task, normalize, train_rows, test_rows, dir" } }, { { "flipside.Dataset", "train" }, { "flipside.Dataset", "test" } })
function data.data(params)
  local key = table.concat({ params.dataset or "fashion-mnist", params.task or "multiclass", tostring(params.normalize),
    tostring(params.train_rows), tostring(params.test_rows), tostring(params.dir) }, "|")
  if not cache.data[key] then
    local train, test
    if params.dataset == "blobs" then
      train, test = data.separable(params)
    else
      train, test = datasets.load(params.dataset or "fashion-mnist",
        { binary = params.task == "binary", dir = params.dir, normalize = params.normalize and "minmax" or nil })
    end
    -- Read-only: the runs of a grid thread share these, so none may change them for the next.
    local function shared(d) return { x = d.x:readonly(), y = d.y:readonly(), classes = d.classes, name = d.name } end
    cache.data[key] = { shared(first_rows(train, params.train_rows)), shared(first_rows(test, params.test_rows)) }
  end
  return table.unpack(cache.data[key])
end

--- The image a row of d pixels is: Fashion-MNIST's and MNIST's, or CIFAR's.
local images = { [784] = { 28, 28, 1 }, [3072] = { 32, 32, 3 } }

doc:func("model", "A fresh model of the kind params.model names (\"logistic\", \"softmax\", \"mlp\", \"cnn\" or \"vit\" with flipside.model's defaults, the ViT's patch, width, depth and heads from params; by default logistic for the binary task, softmax otherwise).", { { "params", "table", "model, task, hidden, patch, width, depth, heads" }, { "classes", "integer", "the classes" }, { "d", "integer", "the features" }, { "seed", "integer", "the MLP's initialisation seed" } }, { { "flipside.Model", "the model" } })
function data.model(params, classes, d, seed)
  local kind = params.model or (params.task == "binary" and "logistic" or "softmax")
  if kind == "logistic" then return flipside.model.logistic(d) end
  if kind == "softmax" then return flipside.model.softmax(d, classes) end
  if kind == "mlp" then return flipside.model.mlp(d, params.hidden or 100, classes, flipside.generator(seed)) end
  if kind == "cnn" or kind == "vit" then
    local image = images[d]
    if not image then error("data.model: a " .. kind .. " needs 28×28 grey or 32×32 colour images, got rows of " .. d, 2) end
    local opts = { input = image, classes = classes, rng = flipside.generator(seed) }
    if kind == "vit" then
      -- 32 is no multiple of 7: CIFAR's images are cut into 8×8 patches by default.
      opts.patch = params.patch or (image[1] == 32 and 8 or 7)
      opts.width, opts.depth, opts.heads = params.width, params.depth, params.heads
    end
    return flipside.model[kind](opts)
  end
  error("data.model: model must be 'logistic', 'softmax', 'mlp', 'cnn' or 'vit', got " .. tostring(kind), 2)
end

doc:func("optimizer", "The optimizer params.optimizer names: Adam at params.lr for \"adam\", else nil (plain SGD).", { { "params", "table", "optimizer, lr" } }, { { "flipside.Optimizer?", "the optimizer" } })
function data.optimizer(params)
  if params.optimizer == "adam" then return flipside.model.adam { lr = params.lr } end
  return nil
end

doc:func("target", "The target model of Appendix A: an honest model trained on the labels fully flipped (binary) or cyclically shifted (multi-class); cached.", { { "params", "table", "the run's parameters" }, { "train", "flipside.Dataset", "the training data" } }, { { "flipside.Model", "the target" } })
function data.target(params, train)
  local key = table.concat({ params.dataset or "", params.task or "", params.model or "", tostring(params.normalize),
    tostring(params.train_rows), params.epochs, params.lr, params.batch, params.optimizer or "sgd", params.hidden or "",
    tostring(params.patch), tostring(params.width), tostring(params.depth), tostring(params.heads) }, "|")
  if not cache.targets[key] then
    local model = data.model(params, train.classes, train.x:size(2), 0)
    local optimizer = data.optimizer(params)
    targets.train(model, train, train.classes == 2 and "flip" or "cyclic",
      { epochs = params.epochs, lr = not optimizer and params.lr or nil, batch = params.batch, seed = 0, optimizer = optimizer })
    cache.targets[key] = model
  end
  return cache.targets[key]
end

return data
