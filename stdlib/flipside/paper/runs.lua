local flipside = require "flipside"
local declare = require "flipside.declare"
local protocol = require "flipside.protocol"
local greedy = require "flipside.policies.greedy"
local last_layer = require "flipside.policies.last_layer"
local federated = require "flipside.federated"
local report = require "flipside.report"
local data = require "flipside.paper.data"
local settings = require "flipside.paper.settings"
local runs = {}
local doc = declare.module("flipside.paper.runs", "One run of the paper's experiments: the attack policy, Algorithm 2 with its metrics, and the parameter server's norm ratios (Tables 3–4).")

doc:func("policy", "The flip policy of params.attack (\"none\", \"untargeted\", \"targeted\") with params.variant, on the last layer of a model of several (the MLP, the CNN, the ViT: the paper's footnote 1); nil for no attack.", { { "params", "table", "attack, variant, k, b" }, { "train", "flipside.Dataset", "the training data" }, { "model", "flipside.Model", "the attacked model" } }, { { "flipside.FlipPolicy?", "the policy" } })
function runs.policy(params, train, model)
  local attack = params.attack or "untargeted"
  if attack == "none" or (params.k or 0) == 0 or (params.b or 0) == 0 then return nil end
  local variant = params.variant or "paper"
  local target = attack == "targeted" and data.target(params, train) or nil
  if attack ~= "targeted" and attack ~= "untargeted" then
    error("paper.policy: attack must be 'none', 'untargeted' or 'targeted', got " .. tostring(attack), 2)
  end
  if model:layer_count() > 1 then return last_layer.wrap(greedy.multiclass(variant), { target = target }) end
  return greedy.rule(variant, { target = target })
end

doc:func("run", "One run of Algorithm 2: the metrics of the final (or, with early stopping, the best) model, one table per epoch, the direction of the attacker's Δ, and with provenance the flips and the epochs whose float32 gradient underflowed.", { { "params", "table", "task, model, attack, variant, direction, k, b, epochs, batch, lr, optimizer, normalize, early_stopping, curve, provenance, train_rows, test_rows, seed" } }, { { "table", "the run's metrics" } })
function runs.run(params)
  local train, test = data.data(params)
  local fit, validation = train, nil
  if params.early_stopping then
    fit, validation = flipside.data.split(train, 0.1, flipside.generator(1000 + params.seed))
  end
  local model = data.model(params, train.classes, train.x:size(2), params.seed)
  local epochs, best, best_params, best_epoch, waited = {}, -1, nil, 0, 0
  local provenance = params.provenance and {} or nil
  local direction, underflows = nil, 0
  protocol.train {
    model = model, data = fit, epochs = params.epochs, k = params.k or 0, b = params.b or 0,
    policy = runs.policy(params, fit, model), direction = params.direction, seed = params.seed, batch = params.batch,
    lr = params.optimizer ~= "adam" and params.lr or nil, optimizer = data.optimizer(params), provenance = params.provenance or false,
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

doc:func("runner", "A data script's `run`: paper.run of the settings, then `fixed`, then the grid point and seed (paper.with). The function is the same for every script, so scripts whose settings and `fixed` are equal have the same run keys at the points they share, and a batch runs each such point once.", { { "settings", "table", "the script's settings" }, { "fixed", "table", "the script's fixed parameters", optional = true } }, { { "function", "run(point)" } })
function runs.runner(script_settings, fixed)
  return function(point) return runs.run(settings.with(script_settings, fixed, point)) end
end

doc:func("norm_ratio", "Tables 3–4: the attacker's gradient norm over the honest workers' on the parameter server (worker 1 attacking, controlling params.share of its batch), as the mean, median and ratio of sums over rounds, and the deviation the flips add.", { { "params", "table", "workers, batch, b, share, rounds, variant, direction, model, normalize, lr, seed" } }, { { "table", "norm_ratio, norm_ratio_std, norm_ratio_median, norm_ratio_of_means, deviation_ratio, rounds, status" } })
function runs.norm_ratio(params)
  local train = data.data(params)
  local model = data.model(params, train.classes, train.x:size(2), params.seed)
  local policy = model:layer_count() > 1 and last_layer.wrap(greedy.multiclass(params.variant or "paper"))
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

return runs
