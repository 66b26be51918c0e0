local data = require "flipside.data"
local declare = require "flipside.declare"

local datasets = {}
local doc = declare.module("flipside.datasets", "The paper's tasks (Appendix A, Table 2) built from flipside.data.")

datasets.load_options = declare.options("datasets.load", {
  { "dir", "string", "the folder holding the dataset's files" },
  { "binary", "boolean", "the paper's two-class task (Table 2) instead of all classes", default = false },
  { "normalize", "string", "fitted on the training set", choices = { "none", "minmax", "standardize" }, default = "none" },
  { "labels", "string", "cifar100: the label set", choices = { "fine", "coarse" } },
})

--- The binary tasks: two classes of a 10-class dataset, relabelled 0 and 1.
datasets.binary_tasks = {
  ["fashion-mnist"] = { classes = { 0, 1 }, names = { "T-shirt/top", "Trouser" } },
  mnist = { classes = { 0, 1 }, names = { "0", "1" } },
  cifar10 = { classes = { 0, 1 }, names = { "airplane", "automobile" } },
}

doc:func("load", "The train and test sets of a task.", { { "name", "string", "a dataset flipside.data.load knows" }, { "opts", "flipside.datasets.load.Options", "the options", optional = true } }, { { "flipside.Dataset", "train" }, { "flipside.Dataset", "test" } }, datasets.load_options)
function datasets.load(name, opts)
  opts = datasets.load_options:check(opts)
  local task = opts.binary and datasets.binary_tasks[name]
  if opts.binary and not task then
    error(string.format("datasets.load: '%s' has no binary task in the paper", name), 2)
  end
  local train = data.load(name, { split = "train", dir = opts.dir, labels = opts.labels })
  local test = data.load(name, { split = "test", dir = opts.dir, labels = opts.labels })
  -- (cifar100 alone takes labels; data.load refuses it for the others.)
  if task then
    train, test = data.select_classes(train, task.classes), data.select_classes(test, task.classes)
  end
  if opts.normalize ~= "none" then
    train, test = data.normalize(opts.normalize, train, test)
  end
  return train, test
end

return datasets
