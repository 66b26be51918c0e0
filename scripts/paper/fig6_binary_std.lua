-- Figure 6: binary task, standard deviation over seeds of the final test
-- accuracy as a function of k (b = 1), untargeted and targeted greedy attack.
local flipside = require "flipside"
local paper = require "flipside.paper"
local plot = require "flipside.plot"

local S, params = paper.settings()
local ks = S.quick and { 0.05, 0.2 } or { 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5 }

return {
  params = params,
  description = "Figure 6: binary task, std of final accuracy vs k (b = 1)",
  grid = paper.points { attack = { "untargeted", "targeted" }, k = ks, b = { 1 } },
  seeds = math.max(S.seeds, 2),
  run = paper.runner(S, { task = "binary" }),
  report = function(results, ctx)
    plot.figure { file = ctx.out .. "/fig6", title = "Binary task: std of final test accuracy (b = 1)",
      xlabel = "k (fraction of the data the attacker controls)", ylabel = "std of test accuracy", series = paper.std_series(results),
      key = "top left" }
  end,
}
