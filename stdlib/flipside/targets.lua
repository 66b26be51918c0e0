local training = require "flipside.training"

local declare = require "flipside.declare"
local targets = {}
local doc = declare.module("flipside.targets", "Target models for the targeted attack (paper Appendix A): relabelled data and an honest model trained on it.")

doc:func("relabel", "Labels relabelled by `mapping`: \"cyclic\" (y → (y + 1) mod C), \"flip\" (binary 0 ↔ 1), or a table {[class] = new class} (other classes keep their label).", { { "y", "flipside.Tensor", "int32 labels" }, { "classes", "integer", "the number of classes" }, { "mapping", "string|table", "\"cyclic\", \"flip\" or {[class] = class}" } }, { { "flipside.Tensor", "the relabelled copy" } })
function targets.relabel(y, classes, mapping)
  if mapping == "cyclic" then
    local shifted = y + 1
    return shifted - shifted:ge(classes) * classes
  elseif mapping == "flip" then
    if classes ~= 2 then error("targets.relabel: 'flip' needs 2 classes, got " .. tostring(classes), 2) end
    return 1 - y
  elseif type(mapping) == "table" then
    local out = y:clone()
    for from, to in pairs(mapping) do
      if math.type(from) ~= "integer" or math.type(to) ~= "integer" or from < 0 or to < 0 or from >= classes or to >= classes then
        error(string.format("targets.relabel: mapping %s -> %s is not between classes 0..%d", tostring(from), tostring(to), classes - 1), 2)
      end
      out = out + y:eq(from) * (to - from)
    end
    return out
  end
  error("targets.relabel: mapping must be 'cyclic', 'flip' or a table, got " .. tostring(mapping), 2)
end

doc:func("train", "Trains `model` honestly on `data` relabelled by `mapping` and returns it.", { { "model", "flipside.Model", "trained in place" }, { "data", "flipside.Dataset", "the training data" }, { "mapping", "string|table", "as targets.relabel takes it" }, { "opts", "flipside.training.fit.Options", "training.fit's options but model and train", optional = true } }, { { "flipside.Model", "the target model" } })
function targets.train(model, data, mapping, opts)
  local relabelled = { x = data.x, y = targets.relabel(data.y, data.classes, mapping), classes = data.classes }
  local fit_opts = { model = model, train = relabelled }
  for key, value in pairs(opts or {}) do fit_opts[key] = value end
  training.fit(fit_opts)
  return model
end

return targets
