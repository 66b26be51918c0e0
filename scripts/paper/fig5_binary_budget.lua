-- Figure 5: binary task (T-shirt/top vs Trouser), test accuracy against the
-- global budget k×b, untargeted (left) and targeted (right) greedy attack,
-- mean ± std over seeds. Paper settings: raw pixels, 200 epochs, batch 64,
-- lr 0.001, 6 seeds, Algorithm 3 as printed; `--set quick=true` shrinks all.
local flipside = require "flipside"
local paper = require "flipside.paper"
local plot = require "flipside.plot"

local S, params = paper.settings()
local axes = S.quick and { attack = { "untargeted", "targeted" }, k = { 0.1, 0.3 }, b = { 0.5, 1 } }
  or { attack = { "untargeted", "targeted" }, k = { 0.05, 0.1, 0.2, 0.3, 0.4, 0.5 }, b = { 0.25, 0.5, 1 } }

return {
  params = params,
  description = "Figure 5: binary task, accuracy vs global budget",
  grid = paper.points(axes, { { attack = "none", k = 0, b = 0 } }),
  seeds = S.seeds,
  run = paper.runner(S, { task = "binary" }),
  report = function(results, ctx)
    plot.panels { file = ctx.out .. "/fig5", title = "Binary task: test accuracy vs global budget (" .. S.dataset .. ")",
      panels = paper.budget_panels(results, { { attack = "untargeted", title = "untargeted" },
        { attack = "targeted", title = "targeted (target: labels flipped 0 ↔ 1)" } }) }
  end,
}
