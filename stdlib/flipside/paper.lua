local flipside = require "flipside"
local protocol = require "flipside.protocol"
local datasets = require "flipside.datasets"
local targets = require "flipside.targets"
local greedy = require "flipside.policies.greedy"
local last_layer = require "flipside.policies.last_layer"
local federated = require "flipside.federated"
local report = require "flipside.report"
local declare = require "flipside.declare"
local T = flipside.tensor

local paper = {}
local doc = declare.module("flipside.paper", "The paper's experiments (Appendix A) as functions of a parameter table, shared by the scripts in scripts/paper/: data, target models, the attack policy, Algorithm 2, and the metrics and panels a figure needs.")

--- The parameters every paper script takes (`--set name=value`), with the
-- paper's settings as defaults; a script returns them as its `params`.
paper.params = {
  { "quick", "boolean", "shrink epochs, seeds, grid and data (for CI and a first look)", default = false },
  { "epochs", "integer", "training epochs", default = 200, min = 0 },
  { "seeds", "integer", "seeds 1..n of every grid point", default = 6, min = 1 },
  { "batch", "integer", "rows per mini-batch", default = flipside.defaults.batch, min = 1 },
  { "lr", "number", "the learning rate", default = flipside.defaults.lr, min = 0 },
  { "hidden", "integer", "the MLP's hidden width", default = 100, min = 1 },
  { "variant", "string", "the greedy rule: as printed, or its exact correction", choices = { "paper", "exact" }, default = "paper" },
  { "direction", "string", "how the attacker's Delta is computed", choices = { "robust", "float" }, default = flipside.defaults.direction },
  { "train_rows", "integer", "only the first n training rows", min = 1 },
  { "test_rows", "integer", "only the first n test rows", min = 1 },
  { "dataset", "string", "the data: fashion-mnist, mnist, cifar10, or blobs (paper.separable)", default = "fashion-mnist" },
  { "dir", "string", "the folder holding the dataset's files" },
}
--- What `quick` shrinks the settings to, where --set does not say otherwise.
paper.quick = { epochs = 2, seeds = 2, train_rows = 2000, test_rows = 1000 }

doc:func("settings", "The script's settings: paper.params read from --set (declare.params), or their defaults — the script's own `defaults` where given —, with `extra` declarations appended; quick mode applies where --set does not say otherwise.", { { "extra", "table[]", "more parameter declarations", optional = true }, { "defaults", "table", "name = default overrides of paper.params", optional = true } }, { { "table", "the settings" }, { "table[]", "the declarations (the script's params)" } })
function paper.settings(extra, defaults)
  local fields = {}
  for _, f in ipairs(paper.params) do
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
    for k, v in pairs(paper.quick) do
      if flipside.params[k] == nil then s[k] = v end
    end
  end
  return s, fields
end

local function first_rows(d, n)
  if not n or n >= d.y:size(1) then return d end
  local rows = T.range(1, n)
  return { x = d.x:rows(rows), y = d.y:rows(rows), classes = d.classes, name = d.name }
end

local cache = { data = {}, targets = {} }

doc:func("separable", "A separable task at pixel scale (dataset = \"blobs\"): two Gaussian blobs 8 standard deviations apart in 50 dimensions, features times 255, 12,000 training and 2,000 test rows (train_rows and test_rows shrink them). On it the float32 honest gradient of logistic regression becomes exactly zero within a few epochs at lr 0.001.", { { "params", "table", "train_rows, test_rows" } }, { { "flipside.Dataset", "train" }, { "flipside.Dataset", "test" } })
function paper.separable(params)
  local train_rows, test_rows = params.train_rows or 12000, params.test_rows or 2000
  local blobs = flipside.data.load("blobs", { n = train_rows + test_rows, d = 50, classes = 2, separation = 8, seed = 7 })
  local scaled = { x = blobs.x * 255, y = blobs.y, classes = 2, name = "separable blobs (x255)" }
  return flipside.data.split(scaled, test_rows / (train_rows + test_rows), flipside.generator(7))
end

doc:func("data", "The train and test sets for params.task (\"binary\": the paper's two-class task, else all classes), raw pixels unless params.normalize; read-only, cached per Lua state.", { { "params", "table", "dataset, task, normalize, train_rows, test_rows, dir" } }, { { "flipside.Dataset", "train" }, { "flipside.Dataset", "test" } })
function paper.data(params)
  local key = table.concat({ params.dataset or "fashion-mnist", params.task or "multiclass", tostring(params.normalize),
    tostring(params.train_rows), tostring(params.test_rows), tostring(params.dir) }, "|")
  if not cache.data[key] then
    local train, test
    if params.dataset == "blobs" then
      train, test = paper.separable(params)
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

doc:func("model", "A fresh model of the kind params.model names (\"logistic\", \"softmax\" or \"mlp\"; by default logistic for the binary task, softmax otherwise).", { { "params", "table", "model, task, hidden" }, { "classes", "integer", "the classes" }, { "d", "integer", "the features" }, { "seed", "integer", "the MLP's initialisation seed" } }, { { "flipside.Model", "the model" } })
function paper.model(params, classes, d, seed)
  local kind = params.model or (params.task == "binary" and "logistic" or "softmax")
  if kind == "logistic" then return flipside.model.logistic(d) end
  if kind == "softmax" then return flipside.model.softmax(d, classes) end
  if kind == "mlp" then return flipside.model.mlp(d, params.hidden or 100, classes, flipside.generator(seed)) end
  error("paper.model: model must be 'logistic', 'softmax' or 'mlp', got " .. tostring(kind), 2)
end

local function optimizer(params)
  if params.optimizer == "adam" then return flipside.model.adam { lr = params.lr } end
  return nil
end

doc:func("target", "The target model of Appendix A: an honest model trained on the labels fully flipped (binary) or cyclically shifted (multi-class); cached.", { { "params", "table", "the run's parameters" }, { "train", "flipside.Dataset", "the training data" } }, { { "flipside.Model", "the target" } })
function paper.target(params, train)
  local key = table.concat({ params.dataset or "", params.task or "", params.model or "", tostring(params.normalize),
    tostring(params.train_rows), params.epochs, params.lr, params.batch, params.optimizer or "sgd", params.hidden or "" }, "|")
  if not cache.targets[key] then
    local model = paper.model(params, train.classes, train.x:size(2), 0)
    targets.train(model, train, train.classes == 2 and "flip" or "cyclic",
      { epochs = params.epochs, lr = params.lr, batch = params.batch, seed = 0, optimizer = optimizer(params) })
    cache.targets[key] = model
  end
  return cache.targets[key]
end

doc:func("policy", "The flip policy of params.attack (\"none\", \"untargeted\", \"targeted\") with params.variant; nil for no attack.", { { "params", "table", "attack, variant, k, b" }, { "train", "flipside.Dataset", "the training data" }, { "model", "flipside.Model", "the attacked model" } }, { { "flipside.FlipPolicy?", "the policy" } })
function paper.policy(params, train, model)
  local attack = params.attack or "untargeted"
  if attack == "none" or (params.k or 0) == 0 or (params.b or 0) == 0 then return nil end
  local variant = params.variant or "paper"
  local target = attack == "targeted" and paper.target(params, train) or nil
  if attack ~= "targeted" and attack ~= "untargeted" then
    error("paper.policy: attack must be 'none', 'untargeted' or 'targeted', got " .. tostring(attack), 2)
  end
  if model:kind() == "mlp" then return last_layer.wrap(greedy.multiclass(variant), { target = target }) end
  return greedy.rule(variant, { target = target })
end

doc:func("run", "One run of Algorithm 2: the metrics of the final (or, with early stopping, the best) model, one table per epoch, the direction of the attacker's Δ, and with provenance the flips and the epochs whose float32 gradient underflowed.", { { "params", "table", "task, model, attack, variant, direction, k, b, epochs, batch, lr, optimizer, normalize, early_stopping, curve, provenance, train_rows, test_rows, seed" } }, { { "table", "the run's metrics" } })
function paper.run(params)
  local train, test = paper.data(params)
  local fit, validation = train, nil
  if params.early_stopping then
    fit, validation = flipside.data.split(train, 0.1, flipside.generator(1000 + params.seed))
  end
  local model = paper.model(params, train.classes, train.x:size(2), params.seed)
  local epochs, best, best_params, best_epoch, waited = {}, -1, nil, 0, 0
  local provenance = params.provenance and {} or nil
  local direction, underflows = nil, 0
  protocol.train {
    model = model, data = fit, epochs = params.epochs, k = params.k or 0, b = params.b or 0,
    policy = paper.policy(params, fit, model), direction = params.direction, seed = params.seed, batch = params.batch,
    lr = params.optimizer ~= "adam" and params.lr or nil, optimizer = optimizer(params), provenance = params.provenance or false,
    on_epoch = function(epoch, record)
      direction = record.direction
      local row = { epoch = epoch, loss = record.loss, flips = record.flips }
      if params.curve then row.accuracy = model:accuracy(test.x, test.y) end
      epochs[epoch] = row
      if provenance and record.provenance then
        local p = record.provenance
        provenance[#provenance + 1] = { epoch = epoch, rows = p.rows:totable(), old = p.old:totable(), new = p.new:totable() }
        if p.underflow then underflows = underflows + 1 end
      end
      if validation and record.status == "ok" then
        local accuracy = model:accuracy(validation.x, validation.y)
        row.val_accuracy = accuracy
        if accuracy > best then
          best, best_params, best_epoch, waited = accuracy, model:params(), epoch, 0
        else
          waited = waited + 1
          if waited >= params.early_stopping then return false end
        end
      end
    end,
  }
  if best_params then model:set_params(best_params) end
  local metrics = { status = model:status(), epochs_run = #epochs, epochs = epochs, provenance = provenance,
    direction = direction, underflow_epochs = provenance and underflows or nil,
    last_flips = #epochs > 0 and epochs[#epochs].flips or 0 }
  if best_epoch > 0 then metrics.best_epoch = best_epoch end
  local report = model:evaluate(test.x, test.y)
  if report.status == "ok" then
    metrics.accuracy, metrics.macro_f1, metrics.loss = report.accuracy, report.macro_f1, report.loss
  end
  return metrics
end

doc:func("norm_ratio", "Tables 3–4: the attacker's gradient norm over the honest workers' on the parameter server (worker 1 attacking, controlling params.share of its batch), as the mean, median and ratio of sums over rounds, and the deviation the flips add.", { { "params", "table", "workers, batch, b, share, rounds, variant, direction, model, normalize, lr, seed" } }, { { "table", "norm_ratio, norm_ratio_std, norm_ratio_median, norm_ratio_of_means, deviation_ratio, rounds, status" } })
function paper.norm_ratio(params)
  local train = paper.data(params)
  local model = paper.model(params, train.classes, train.x:size(2), params.seed)
  local policy = model:kind() == "mlp" and last_layer.wrap(greedy.multiclass(params.variant or "paper"))
    or greedy.rule(params.variant or "paper")
  local server = federated.server { model = model, data = train, workers = params.workers or 10, batch = params.batch,
    attackers = { 1 }, b = params.b or 1, share = params.share, policy = policy, lr = params.lr, seed = params.seed,
    direction = params.direction, provenance = true }
  local ratios, deviations, attacker_sum, honest_sum = {}, {}, 0, 0
  for _, record in ipairs(server:run { rounds = params.rounds or 50 }) do
    local honest = 0
    for w = 2, #record.norms do honest = honest + record.norms[w] end
    honest = honest / (#record.norms - 1)
    if honest > 0 and record.status == "ok" then
      ratios[#ratios + 1] = record.norms[1] / honest
      attacker_sum, honest_sum = attacker_sum + record.norms[1], honest_sum + honest
      local p = record.provenance and record.provenance[1]
      deviations[#deviations + 1] = p and p.deviation / honest or 0
    end
  end
  local sorted = { table.unpack(ratios) }
  table.sort(sorted)
  return { norm_ratio = report.mean(ratios), norm_ratio_std = report.std(ratios), rounds = #ratios,
    norm_ratio_median = #sorted > 0 and (sorted[(#sorted + 1) // 2] + sorted[#sorted // 2 + 1]) / 2 or 0 / 0,
    norm_ratio_of_means = honest_sum > 0 and attacker_sum / honest_sum or 0 / 0,
    deviation_ratio = report.mean(deviations), status = server:model():status() }
end

doc:func("with", "The parameters of one run: the settings, then `fixed`, then the grid point and seed (later ones win).", { { "settings", "table", "the script's settings" }, { "fixed", "table", "the script's fixed parameters", optional = true }, { "point", "table", "the runner's point and seed", optional = true } }, { { "table", "the merged parameters" } })
function paper.with(settings, fixed, point)
  local out = {}
  for _, t in ipairs { settings, fixed or {}, point or {} } do
    for k, v in pairs(t) do out[k] = v end
  end
  return out
end

doc:func("points", "Every combination of `axes` ({name = {values}}) as a list of points, plus `extra` points.", { { "axes", "table", "name = list of values" }, { "extra", "table[]", "more points", optional = true } }, { { "table[]", "the points" } })
function paper.points(axes, extra)
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

doc:func("budget_panels", "Accuracy (%) against the global budget k·b, one series per b, and the clean baseline: the panels of Figures 5, 9, 12, 18 and 19.", { { "results", "table[]", "the runs" }, { "attacks", "table[]", "{attack, title} or {where = {...}, title} per panel" }, { "opts", "table", "metric, scale, ylabel, yrange", optional = true } }, { { "table[]", "plot.panels' panels" } })
function paper.budget_panels(results, attacks, opts)
  opts = opts or {}
  local metric = opts.metric or "accuracy"
  local scale = opts.scale or 100
  local clean = report.group(report.select(results, { attack = "none" }), { "attack" }, metric)[1]
  local panels = {}
  for _, a in ipairs(attacks) do
    local series = {}
    local groups = report.group(report.select(results, a.where or { attack = a.attack }), { "b", "k" }, metric)
    local by_b, order = {}, {}
    for _, g in ipairs(groups) do
      local b = g.params.b
      if not by_b[b] then by_b[b] = { name = "b = " .. b, x = {}, y = {}, err = {} }; order[#order + 1] = b end
      local s = by_b[b]
      s.x[#s.x + 1], s.y[#s.y + 1], s.err[#s.err + 1] = g.params.k * b, scale * g.mean, scale * g.std
    end
    table.sort(order, function(x, y) return x > y end)
    for _, b in ipairs(order) do series[#series + 1] = by_b[b] end
    if clean then
      local lo, hi = math.huge, -math.huge
      for _, s in ipairs(series) do for _, x in ipairs(s.x) do lo, hi = math.min(lo, x), math.max(hi, x) end end
      if lo <= hi then
        series[#series + 1] = { name = "clean", x = { lo, hi }, y = { scale * clean.mean, scale * clean.mean },
          err = { scale * clean.std, scale * clean.std } }
      end
    end
    panels[#panels + 1] = { title = a.title, xlabel = "global budget k×b", ylabel = opts.ylabel or "test accuracy (%)",
      series = series, key = "bottom left", yrange = opts.yrange or { 0, 100 } }
  end
  return panels
end

doc:func("std_series", "The standard deviation over seeds of the final accuracy against k, one series per attack: Figures 6 and 10.", { { "results", "table[]", "the runs" } }, { { "table[]", "the series" } })
function paper.std_series(results)
  local series = {}
  for _, attack in ipairs { "untargeted", "targeted" } do
    local s = { name = attack, x = {}, y = {} }
    for _, g in ipairs(report.group(report.select(results, { attack = attack }), { "k" }, "accuracy")) do
      s.x[#s.x + 1], s.y[#s.y + 1] = g.params.k, g.std
    end
    series[#series + 1] = s
  end
  return series
end

return paper
