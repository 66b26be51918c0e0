-- The paper's models on all ten Fashion-MNIST classes: softmax regression and
-- a 2-layer ReLU MLP, trained with Adam (or mini-batch SGD), then evaluated on
-- the test set: accuracy, macro-F1, loss. Pixels are scaled to [0, 1];
-- `--set raw=true --set optimizer=sgd --set lr=0.001` uses the paper's raw 0..255 pixels.
--   flipside run scripts/examples/fashion_mnist_models.lua [--set epochs=5 --set hidden=128 --set optimizer=adam]
local flipside = require "flipside"
local training = require "flipside.training"

local P = require("flipside.declare").params {
  { "epochs", "integer", "training epochs (5)" },
  { "batch", "integer", "rows per mini-batch (64)" },
  { "hidden", "integer", "the MLP's hidden width (128)" },
  { "optimizer", "string", "\"adam\" (default) or \"sgd\"", choices = { "adam", "sgd" } },
  { "lr", "number", "the learning rate (0.001 with Adam, 0.1 with SGD)" },
  { "raw", "boolean", "raw pixels in 0..255 instead of [0, 1]" },
}
local epochs, batch, hidden = P.epochs or 5, P.batch or 64, P.hidden or 128
local optimizer_name = P.optimizer or "adam"
local lr = P.lr or (optimizer_name == "adam" and 0.001 or 0.1)

local data = flipside.data
local train = data.load("fashion-mnist", { split = "train" })
local test = data.load("fashion-mnist", { split = "test" })
if not P.raw then train.x, test.x = train.x:float() / 255, test.x:float() / 255 end
local d, classes = train.x:size(2), train.classes

local function optimizer()
  if optimizer_name == "adam" then return flipside.model.adam { lr = lr } end
  if optimizer_name == "sgd" then return flipside.model.sgd { lr = lr } end
  error("optimizer must be 'sgd' or 'adam', got " .. tostring(optimizer_name))
end

local models = {
  { name = "softmax", make = function() return flipside.model.softmax(d, classes) end },
  { name = "mlp", make = function() return flipside.model.mlp(d, hidden, classes, flipside.generator(flipside.seed)) end },
}

print(string.format("fashion-mnist: %d train, %d test; %d epochs, batch %d, %s lr %g, seed %d (%s pixels)",
  train.y:size(1), test.y:size(1), epochs, batch, optimizer_name, lr, flipside.seed, P.raw and "raw" or "[0, 1]"))
print(string.format("%-8s %9s %9s %8s %8s %9s", "model", "accuracy", "macro-F1", "loss", "status", "seconds"))
for _, spec in ipairs(models) do
  local model = spec.make()
  local t0 = flipside.clock()
  local fit = training.fit { model = model, train = train, epochs = epochs, batch = batch,
    optimizer = optimizer(), seed = flipside.seed }
  local seconds = flipside.clock() - t0
  local report = model:evaluate(test.x, test.y)
  if report.status == "ok" then
    print(string.format("%-8s %8.2f%% %8.2f%% %8.4f %8s %9.1f", spec.name, 100 * report.accuracy,
      100 * report.macro_f1, report.loss, fit.status, seconds))
  else
    print(string.format("%-8s %9s %9s %8s %8s %9.1f", spec.name, "-", "-", "-", report.status, seconds))
  end
end
