-- Figure 12's CNN counterpart: ten classes, flipside.model.cnn's defaults
-- (two 3×3 convolution blocks of 16 and 32 channels, 128 hidden ReLU units),
-- test accuracy against the global budget; the greedy rule acts on the head
-- over the hidden units (the paper's footnote 1). Adam at lr 0.001 on pixels
-- scaled to [0, 1], 5 epochs. Quick mode trains on 1,000 rows, one seed.
local paper = require "flipside.paper"
local plot = require "flipside.plot"

local S, params = paper.settings(nil, { epochs = 5, seeds = 3, lr = 0.001 })
if S.quick then
  S.train_rows, S.seeds = math.min(S.train_rows, 1000), 1
end
local axes = S.quick and { attack = { "untargeted", "targeted" }, k = { 0.2 }, b = { 1 } }
  or { attack = { "untargeted", "targeted" }, k = { 0.01, 0.05, 0.1, 0.2, 0.3 }, b = { 0.5, 1 } }

return {
  params = params,
  description = "Figure 12 with a CNN: ten classes, accuracy vs global budget",
  grid = paper.points(axes, { { attack = "none", k = 0, b = 0 } }),
  seeds = S.seeds,
  run = paper.runner(S, { task = "multiclass", model = "cnn", optimizer = "adam", normalize = true }),
  report = function(results, ctx)
    plot.panels { file = ctx.out .. "/fig12_cnn", title = "Ten classes, CNN (16 and 32 channels, 128 hidden): test accuracy vs global budget",
      panels = paper.budget_panels(results, { { attack = "untargeted", title = "untargeted (last layer)" },
        { attack = "targeted", title = "targeted (last layer)" } }) }
  end,
}
