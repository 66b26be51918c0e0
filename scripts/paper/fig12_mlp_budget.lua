-- Figure 12: ten classes, 2-layer ReLU MLP, test accuracy against the
-- global budget; the greedy rule acts on the output layer over the
-- penultimate activations (the paper's footnote 1).
local flipside = require "flipside"
local paper = require "flipside.paper"
local plot = require "flipside.plot"

local S, params = paper.settings()
local axes = S.quick and { attack = { "untargeted", "targeted" }, k = { 0.2 }, b = { 0.5, 1 } }
  or { attack = { "untargeted", "targeted" }, k = { 0.01, 0.05, 0.1, 0.2, 0.3 }, b = { 0.5, 1 } }

return {
  params = params,
  description = "Figure 12: ten classes, MLP, accuracy vs global budget",
  grid = paper.points(axes, { { attack = "none", k = 0, b = 0 } }),
  seeds = S.seeds,
  run = paper.runner(S, { task = "multiclass", model = "mlp" }),
  report = function(results, ctx)
    plot.panels { file = ctx.out .. "/fig12", title = string.format("Ten classes, MLP (%d hidden ReLU): test accuracy vs global budget", S.hidden),
      panels = paper.budget_panels(results, { { attack = "untargeted", title = "untargeted (last layer)" },
        { attack = "targeted", title = "targeted (last layer)" } }) }
  end,
}
