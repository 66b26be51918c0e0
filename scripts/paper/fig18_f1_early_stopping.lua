-- Figure 18: ten classes, softmax regression trained with SGD and early
-- stopping on a 10% validation split (patience 10 epochs, 2 in quick mode):
-- macro-F1 on the test set against the global budget k×b, untargeted.
local flipside = require "flipside"
local paper = require "flipside.paper"
local plot = require "flipside.plot"

local S, params = paper.settings()
local axes = S.quick and { attack = { "untargeted" }, k = { 0.1, 0.3 }, b = { 1 } }
  or { attack = { "untargeted" }, k = { 0.01, 0.05, 0.1, 0.2, 0.3 }, b = { 0.5, 1 } }

return {
  params = params,
  description = "Figure 18: ten classes, macro-F1 with early stopping vs global budget",
  grid = paper.points(axes, { { attack = "none", k = 0, b = 0 } }),
  seeds = S.seeds,
  run = function(p)
    return paper.run(paper.with(S, { task = "multiclass", model = "softmax", early_stopping = S.quick and 2 or 10 }, p))
  end,
  report = function(results, ctx)
    plot.panels { file = ctx.out .. "/fig18", title = "Ten classes, SGD with early stopping: macro-F1 vs global budget",
      panels = paper.budget_panels(results, { { attack = "untargeted", title = "untargeted" } },
        { metric = "macro_f1", ylabel = "macro-F1 (%)" }) }
  end,
}
