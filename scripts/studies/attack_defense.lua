-- Attacks against defenses on the parameter server: final test accuracy and detection
-- rates for budgeted label flipping and gradient attacks against the robust rules and the
-- defenses built against label flipping, over iid and Dirichlet(0.5) shards.
local flipside = require "flipside"
local federated = require "flipside.federated"
local paper = require "flipside.paper"
local report = require "flipside.report"
local plot = require "flipside.plot"
local greedy = require "flipside.policies.greedy"
local baselines = require "flipside.policies.baselines"

local S, params = paper.settings({
  { "rounds", "integer", "server rounds per run", default = 100, min = 1 },
  { "workers", "integer", "workers", default = 20, min = 7 },
  { "attackers", "integer", "attacking workers (the first ones)", default = 4, min = 1 },
})
local rounds = S.quick and 3 or S.rounds
local workers = S.quick and 10 or S.workers
local f = S.quick and 2 or S.attackers

-- Label flipping: {policy, b}; gradient attacks: their options.
local flips = {
  greedy_b0_5 = { policy = function() return greedy.multiclass("exact") end, b = 0.5 },
  greedy_b1 = { policy = function() return greedy.multiclass("exact") end, b = 1 },
  random_b1 = { policy = baselines.random, b = 1 },
  all_to_all_b1 = { policy = baselines.all_to_all, b = 1 },
}
local gradient = { "sign_flip", "ipm", "alie", "gaussian", "mimic", "min_max", "min_sum", "fang_trimmed_mean", "fang_krum" }
local attacks = S.quick and { "none", "greedy_b1", "alie" }
  or { "none", "greedy_b0_5", "greedy_b1", "random_b1", "all_to_all_b1", table.unpack(gradient) }
local defenses = S.quick and { "mean", "median", "fltrust", "foolsgold" }
  or { "mean", "median", "trimmed_mean", "krum", "multi_krum", "geometric_median", "bulyan", "fltrust", "foolsgold", "lfighter", "pca" }
local splits = { "iid", "dirichlet" }

local function rule_options(defense, root)
  local o = { rule = defense }
  if defense == "trimmed_mean" or defense == "krum" or defense == "bulyan" then o.f = f end
  if defense == "multi_krum" then o.f, o.m = f, workers - f end
  if defense == "fltrust" then o.root = root end
  return o
end

local function run(p)
  local train, test = paper.data(paper.with(S, { task = "multiclass" }, p))
  local g = flipside.generator(p.seed)
  local shards = flipside.data.shards(train, workers, { scheme = p.split, alpha = 0.5, rng = g })
  local bad = {}
  for w = 1, f do bad[w] = w end
  local root
  root = g:sample(train.y:size(1), 100)
  local o = rule_options(p.defense, root)
  o.model, o.data, o.shards, o.batch, o.lr, o.seed = flipside.model.softmax(train.x:size(2), train.classes), train, shards, S.batch, S.lr, p.seed
  if p.attack ~= "none" then
    o.attackers = bad
    if flips[p.attack] then
      o.b, o.policy = flips[p.attack].b, flips[p.attack].policy()
    else
      o.gradient_attack = { kind = p.attack }
    end
  end
  local server = federated.server(o)
  local history = server:run { rounds = rounds, test = test, every = rounds }
  local tpr, fpr = {}, {}
  for _, r in ipairs(history) do
    if r.detection then
      tpr[#tpr + 1] = r.detection.true_positive_rate
      fpr[#fpr + 1] = r.detection.false_positive_rate
    end
  end
  local last = history[#history]
  return { accuracy = last.test_accuracy or 0, status = last.status,
    true_positive_rate = #tpr > 0 and report.mean(tpr) or nil, false_positive_rate = #fpr > 0 and report.mean(fpr) or nil }
end

local function heatmap(results, split, metric, file, title, zlabel)
  local z, err, seeds = {}, {}, 0
  for _, g in ipairs(report.group(report.select(results, { split = split }), { "attack", "defense" }, metric)) do
    for iy, a in ipairs(attacks) do
      for ix, d in ipairs(defenses) do
        if g.params.attack == a and g.params.defense == d then
          z[iy], err[iy] = z[iy] or {}, err[iy] or {}
          z[iy][ix], err[iy][ix] = 100 * g.mean, 100 * g.std
          seeds = math.max(seeds, g.n)
        end
      end
    end
  end
  plot.figure { kind = "heatmap", file = file, title = string.format("%s, %s shards (mean ± std over %d seeds)", title, split, seeds),
    xlabel = "defense", ylabel = "attack", zlabel = zlabel, x = defenses, y = attacks, z = z, err = err, format = "%.0f",
    width = 1500, height = 800 }
end

return {
  params = params,
  description = "Attacks x defenses on the parameter server: final accuracy and detection rates, iid and Dirichlet(0.5)",
  grid = paper.points { attack = attacks, defense = defenses, split = splits },
  seeds = S.seeds,
  run = run,
  report = function(results, ctx)
    for _, split in ipairs(splits) do
      heatmap(results, split, "accuracy", ctx.out .. "/accuracy_" .. split,
        string.format("Test accuracy (%%) after %d rounds", rounds), "test accuracy (%)")
      heatmap(results, split, "true_positive_rate", ctx.out .. "/detection_" .. split,
        "Attackers excluded (%, mean over rounds)", "true-positive rate (%)")
      heatmap(results, split, "false_positive_rate", ctx.out .. "/false_positives_" .. split,
        "Honest workers excluded (%, mean over rounds)", "false-positive rate (%)")
    end
    local function key(g) return g.params.split .. "|" .. g.params.attack .. "|" .. g.params.defense end
    local rates = {}
    for _, metric in ipairs { "true_positive_rate", "false_positive_rate" } do
      for _, g in ipairs(report.group(results, { "split", "attack", "defense" }, metric)) do
        rates[key(g)] = rates[key(g)] or {}
        rates[key(g)][metric] = g.n > 0 and string.format("%.0f", 100 * g.mean) or "–"
      end
    end
    local rows = {}
    for _, g in ipairs(report.group(results, { "split", "attack", "defense" }, "accuracy")) do
      local r = rates[key(g)] or {}
      rows[#rows + 1] = { g.params.split, g.params.attack, g.params.defense, 100 * g.mean, 100 * g.std, g.n,
        r.true_positive_rate or "–", r.false_positive_rate or "–" }
    end
    local headers = { "shards", "attack", "defense", "accuracy (%)", "std over seeds", "seeds", "attackers excluded (%)", "honest excluded (%)" }
    report.write_table(ctx.out .. "/attack_defense", headers, rows)

    -- Per defense and shards: accuracy without attack, under the strongest label flipping
    -- (greedy, b = 1) and under its worst gradient attack, and how many attackers and
    -- honest workers it excluded under greedy flipping.
    local cell = {}
    for _, g in ipairs(report.group(results, { "split", "attack", "defense" }, "accuracy")) do cell[key(g)] = g end
    local summary = {}
    for _, split in ipairs(splits) do
      for _, d in ipairs(defenses) do
        local function acc(a)
          local g = cell[split .. "|" .. a .. "|" .. d]
          return g and string.format("%.1f ± %.1f", 100 * g.mean, 100 * g.std) or "–"
        end
        local worst, worst_mean = "–", math.huge
        for _, a in ipairs(gradient) do
          local g = cell[split .. "|" .. a .. "|" .. d]
          if g and g.mean < worst_mean then worst, worst_mean = string.format("%s %.1f", a, 100 * g.mean), g.mean end
        end
        local r = rates[split .. "|greedy_b1|" .. d] or {}
        summary[#summary + 1] = { split, d, acc("none"), acc("greedy_b1"), worst, r.true_positive_rate or "–", r.false_positive_rate or "–" }
      end
    end
    report.write_table(ctx.out .. "/summary", { "shards", "defense", "no attack (%)", "greedy, b = 1 (%)",
      "worst gradient attack (%)", "greedy: attackers excluded (%)", "greedy: honest excluded (%)" }, summary)
  end,
}
