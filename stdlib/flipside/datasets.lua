--- The paper's tasks (Appendix A, Table 2) built from flipside.data.
local data = require "flipside.data"

local datasets = {}

--- The binary tasks: two classes of a 10-class dataset, relabelled 0 and 1.
datasets.binary_tasks = {
  ["fashion-mnist"] = { classes = { 0, 1 }, names = { "T-shirt/top", "Trouser" } },
  mnist = { classes = { 0, 1 }, names = { "0", "1" } },
  cifar10 = { classes = { 0, 1 }, names = { "airplane", "automobile" } },
}

--- train, test of a task. opts: dir, binary (true for the two-class task),
--  normalize ("none" | "minmax" | "standardize", fitted on train), labels (cifar100).
function datasets.load(name, opts)
  opts = opts or {}
  local task = opts.binary and datasets.binary_tasks[name]
  if opts.binary and not task then
    error(string.format("datasets.load: '%s' has no binary task in the paper", name), 2)
  end
  local train = data.load(name, { split = "train", dir = opts.dir, labels = opts.labels })
  local test = data.load(name, { split = "test", dir = opts.dir, labels = opts.labels })
  if task then
    train, test = data.select_classes(train, task.classes), data.select_classes(test, task.classes)
  end
  if opts.normalize and opts.normalize ~= "none" then
    train, test = data.normalize(opts.normalize, train, test)
  end
  return train, test
end

return datasets
