-- Figure 19: ten classes, softmax regression trained with Adam (lr 0.001):
-- test accuracy against the global budget k×b, untargeted.
local flipside = require "flipside"
local paper = require "flipside.paper"
local plot = require "flipside.plot"

local S, params = paper.settings()
local axes = S.quick and { attack = { "untargeted" }, k = { 0.1, 0.3 }, b = { 1 } }
  or { attack = { "untargeted" }, k = { 0.01, 0.05, 0.1, 0.2, 0.3 }, b = { 0.5, 1 } }

return {
  params = params,
  description = "Figure 19: ten classes, Adam, accuracy vs global budget",
  grid = paper.points(axes, { { attack = "none", k = 0, b = 0 } }),
  seeds = S.seeds,
  run = paper.runner(S, { task = "multiclass", model = "softmax", optimizer = "adam" }),
  report = function(results, ctx)
    plot.panels { file = ctx.out .. "/fig19", title = "Ten classes, Adam: test accuracy vs global budget",
      panels = paper.budget_panels(results, { { attack = "untargeted", title = "untargeted" } }) }
  end,
}
