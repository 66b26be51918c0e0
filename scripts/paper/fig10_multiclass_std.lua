-- Figure 10: ten classes, standard deviation over seeds of the test accuracy
-- against the global budget (b = 1), untargeted and targeted.
local flipside = require "flipside"
local paper = require "flipside.paper"
local plot = require "flipside.plot"

local S, params = paper.settings()
local ks = S.quick and { 0.05, 0.2 } or { 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3 }

return {
  params = params,
  description = "Figure 10: ten classes, std of accuracy vs global budget (b = 1)",
  grid = paper.points { attack = { "untargeted", "targeted" }, k = ks, b = { 1 } },
  seeds = math.max(S.seeds, 2),
  run = paper.runner(S, { task = "multiclass", model = "softmax" }),
  report = function(results, ctx)
    plot.figure { file = ctx.out .. "/fig10", title = "Ten classes: std of test accuracy (b = 1)",
      xlabel = "global budget k×b", ylabel = "std of test accuracy", series = paper.std_series(results), key = "top left" }
  end,
}
