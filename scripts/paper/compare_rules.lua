-- The greedy rule as printed (`paper`) against its exact correction
-- (`exact`, DESIGN.md) across the global budget, binary task (left) and ten
-- classes (right), untargeted: mean test accuracy ± std over seeds.
-- With b = 1 both rules flip every attacker point whose best label differs
-- from its own, and the two coincide; they differ only in which points they
-- rank first, so they are compared where the budget binds, b = 0.5.
local flipside = require "flipside"
local paper = require "flipside.paper"
local report = require "flipside.report"
local plot = require "flipside.plot"

local S, params = paper.settings()
local b = 0.5
local ks = S.quick and { 0.2, 0.6 } or { 0.02, 0.1, 0.2, 0.4, 0.6, 0.8 }

return {
  params = params,
  description = "Algorithm 3/1 as printed vs the exact greedy rule",
  grid = paper.points { task = { "binary", "multiclass" }, variant = { "paper", "exact" }, k = ks, b = { b }, attack = { "untargeted" } },
  seeds = S.seeds,
  run = paper.runner(S, {}),
  report = function(results, ctx)
    local panels = {}
    for _, task in ipairs { "binary", "multiclass" } do
      local series = {}
      for _, variant in ipairs { "paper", "exact" } do
        local s = { name = variant, x = {}, y = {}, err = {} }
        for _, g in ipairs(report.group(report.select(results, { task = task, variant = variant }), { "k" }, "accuracy")) do
          s.x[#s.x + 1], s.y[#s.y + 1], s.err[#s.err + 1] = g.params.k * b, 100 * g.mean, 100 * g.std
        end
        series[#series + 1] = s
      end
      panels[#panels + 1] = { title = task == "binary" and "binary task" or "ten classes", xlabel = string.format("global budget k×b (b = %g)", b),
        ylabel = "test accuracy (%)", series = series, yrange = { 0, 100 } }
    end
    plot.panels { file = ctx.out .. "/compare_rules", title = "Greedy rule as printed vs exact (untargeted)", panels = panels }
  end,
}
