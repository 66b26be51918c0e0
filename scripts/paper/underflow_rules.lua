-- Both greedy rules with the attacker's Delta from the float32 gradient
-- (direction = "float", as a float32 framework computes it) and from the
-- robust direction (log-domain residuals, the default), on a separable task
-- at pixel scale: test accuracy against the global budget k×b, Figure 5's
-- grid, untargeted, mean ± std over seeds. On such data the float32 honest
-- gradient becomes exactly zero within a few epochs (every residual
-- sigma(z) - y rounds to 0): from then on `exact` sees no gain anywhere and
-- flips nothing, and the printed rule sends every chosen point to label 0.
-- The metrics count the attacked epochs whose float32 gradient underflowed.
-- Defaults: dataset = "blobs" (paper.separable); `--set dataset=mnist
-- --set dir=...` runs the paper's own MNIST 0-vs-1 at raw pixels.
local flipside = require "flipside"
local paper = require "flipside.paper"
local report = require "flipside.report"
local plot = require "flipside.plot"

local S, params = paper.settings(nil, { dataset = "blobs" })
local axes = S.quick and { k = { 0.1, 0.4 }, b = { 0.5, 1 } }
  or { k = { 0.05, 0.1, 0.2, 0.3, 0.4, 0.5 }, b = { 0.25, 0.5, 1 } }
axes.variant, axes.direction, axes.attack = { "paper", "exact" }, { "float", "robust" }, { "untargeted" }

local combinations = {
  { variant = "paper", direction = "float", title = "printed rule, float32 Δ" },
  { variant = "paper", direction = "robust", title = "printed rule, robust Δ" },
  { variant = "exact", direction = "float", title = "exact, float32 Δ" },
  { variant = "exact", direction = "robust", title = "exact, robust Δ" },
}

return {
  params = params,
  description = "Greedy rules with float32 and robust Δ on a separable raw-scale task",
  grid = paper.points(axes, { { attack = "none", k = 0, b = 0 } }),
  seeds = S.seeds,
  run = paper.runner(S, { task = "binary", provenance = true }),
  report = function(results, ctx)
    local panels = {}
    for _, c in ipairs(combinations) do
      panels[#panels + 1] = { where = { attack = "untargeted", variant = c.variant, direction = c.direction }, title = c.title }
    end
    plot.panels { file = ctx.out .. "/underflow_rules", title = "Greedy rules, float32 vs robust Δ (" .. S.dataset .. ", raw scale)",
      panels = paper.budget_panels(results, panels) }
    local rows = {}
    local keys, attacked = { "variant", "direction", "b", "k" }, report.select(results, { attack = "untargeted" })
    local underflows, flips = report.group(attacked, keys, "underflow_epochs"), report.group(attacked, keys, "last_flips")
    for i, g in ipairs(report.group(attacked, keys, "accuracy")) do
      rows[i] = { g.params.variant, g.params.direction, g.params.k, g.params.b, 100 * g.mean, 100 * g.std,
        underflows[i].mean, flips[i].mean }
    end
    local headers = { "rule", "direction", "k", "b", "accuracy %", "std", "underflow epochs", "flips in the last epoch" }
    report.print_table(headers, rows)
    report.write_table(ctx.out .. "/underflow_rules", headers, rows)
  end,
}
