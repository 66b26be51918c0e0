-- Figure 9: ten classes, softmax regression, test accuracy against the
-- global budget k×b, untargeted (left) and targeted (right; target: labels
-- shifted y -> (y + 1) mod 10), Algorithm 1 as printed.
local flipside = require "flipside"
local paper = require "flipside.paper"
local plot = require "flipside.plot"

local S, params = paper.settings()
local axes = S.quick and { attack = { "untargeted", "targeted" }, k = { 0.1, 0.3 }, b = { 0.5, 1 } }
  or { attack = { "untargeted", "targeted" }, k = { 0.01, 0.05, 0.1, 0.2, 0.3 }, b = { 0.5, 1 } }

return {
  params = params,
  description = "Figure 9: ten classes, accuracy vs global budget",
  grid = paper.points(axes, { { attack = "none", k = 0, b = 0 } }),
  seeds = S.seeds,
  run = paper.runner(S, { task = "multiclass", model = "softmax" }),
  report = function(results, ctx)
    plot.panels { file = ctx.out .. "/fig9", title = "Ten classes, softmax regression: test accuracy vs global budget",
      panels = paper.budget_panels(results, { { attack = "untargeted", title = "untargeted" },
        { attack = "targeted", title = "targeted (target: y → (y + 1) mod 10)" } }) }
  end,
}
