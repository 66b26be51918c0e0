local flipside = require "flipside"
local declare = require "flipside.declare"
local config = {}
local doc = declare.module("flipside.paper.settings", "The paper scripts' settings: the parameters every paper script takes, quick mode, and the parameter points of a grid.")

--- The parameters every paper script takes (`--set name=value`), with the
-- paper's settings as defaults; a script returns them as its `params`.
config.params = {
  { "quick", "boolean", "shrink epochs, seeds, grid and data (for CI and a first look)", default = false },
  { "epochs", "integer", "training epochs", default = 200, min = 0 },
  { "seeds", "integer", "seeds 1..n of every grid point", default = 6, min = 1 },
  { "batch", "integer", "rows per mini-batch", default = flipside.defaults.batch, min = 1 },
  { "lr", "number", "the learning rate", default = flipside.defaults.lr, min = 0 },
  { "hidden", "integer", "the MLP's hidden width", default = 100, min = 1 },
  { "variant", "string", "the greedy rule: as printed, or its exact correction", choices = { "paper", "exact" }, default = "paper", formerly = "rule" },
  { "direction", "string", "how the attacker's Delta is computed", choices = { "robust", "float" }, default = flipside.defaults.direction },
  { "train_rows", "integer", "only the first n training rows", min = 1 },
  { "test_rows", "integer", "only the first n test rows", min = 1 },
  { "dataset", "string", "the data: fashion-mnist, mnist, cifar10, or blobs (settings.separable)", default = "fashion-mnist" },
  { "dir", "string", "the folder holding the dataset's files" },
}
--- What `quick` shrinks the settings to, where --set does not say otherwise.
config.quick = { epochs = 2, seeds = 2, train_rows = 2000, test_rows = 1000 }

doc:func("settings", "The script's settings: paper.params read from --set (declare.params), or their defaults — the script's own `defaults` where given —, with `extra` declarations appended; quick mode applies where --set does not say otherwise.", { { "extra", "table[]", "more parameter declarations", optional = true }, { "defaults", "table", "name = default overrides of paper.params", optional = true } }, { { "table", "the settings" }, { "table[]", "the declarations (the script's params)" } })
function config.settings(extra, defaults)
  local fields = {}
  for _, f in ipairs(config.params) do
    local field = f
    if defaults and defaults[f[1]] ~= nil then
      field = {}
      for k, v in pairs(f) do field[k] = v end
      field.default = defaults[f[1]]
    end
    fields[#fields + 1] = field
  end
  for _, f in ipairs(extra or {}) do fields[#fields + 1] = f end
  local s = declare.params(fields)
  if s.quick then
    for k, v in pairs(config.quick) do
      if flipside.params[k] == nil then s[k] = v end
    end
  end
  return s, fields
end

doc:func("with", "The parameters of one run: the settings, then `fixed`, then the grid point and seed (later ones win).", { { "settings", "table", "the script's settings" }, { "fixed", "table", "the script's fixed parameters", optional = true }, { "point", "table", "the runner's point and seed", optional = true } }, { { "table", "the merged parameters" } })
function config.with(settings, fixed, point)
  local out = {}
  for _, t in ipairs { settings, fixed or {}, point or {} } do
    for k, v in pairs(t) do out[k] = v end
  end
  return out
end

doc:func("points", "Every combination of `axes` ({name = {values}}) as a list of points, plus `extra` points.", { { "axes", "table", "name = list of values" }, { "extra", "table[]", "more points", optional = true } }, { { "table[]", "the points" } })
function config.points(axes, extra)
  local names = {}
  for name in pairs(axes) do names[#names + 1] = name end
  table.sort(names)
  local points = { {} }
  for _, name in ipairs(names) do
    local next_points = {}
    for _, p in ipairs(points) do
      for _, v in ipairs(axes[name]) do
        local q = {}
        for k, x in pairs(p) do q[k] = x end
        q[name] = v
        next_points[#next_points + 1] = q
      end
    end
    points = next_points
  end
  for _, p in ipairs(extra or {}) do points[#points + 1] = p end
  return points
end

return config
