-- Figure 17: a vision transformer, ten classes, test accuracy against the
-- global budget k×b, untargeted. The greedy rule acts on the head over the
-- normalised class token (the paper's footnote 1). The paper attacks a ViT on
-- CIFAR-10; here Fashion-MNIST by default (--set dataset=cifar10 --set
-- dir=... for CIFAR-10, cut into 8×8 patches), with flipside.model.vit's
-- defaults: 7×7 patches, 4 blocks, width 64, 2 heads; Adam at lr 0.001 on
-- pixels scaled to [0, 1], 5 epochs. Quick mode trains on 1,000 rows, one seed.
local paper = require "flipside.paper"
local plot = require "flipside.plot"

local S, params = paper.settings({
  { "patch", "integer", "the ViT's square patch (7; 8 on CIFAR-10)", min = 1 },
  { "width", "integer", "the ViT's token width", default = 64, min = 1 },
  { "depth", "integer", "the ViT's transformer blocks", default = 4, min = 1 },
  { "heads", "integer", "the ViT's attention heads", default = 2, min = 1 },
}, { epochs = 5, seeds = 3, lr = 0.001 })
if S.quick then
  S.train_rows, S.seeds = math.min(S.train_rows, 1000), 1
end
local axes = S.quick and { attack = { "untargeted" }, k = { 0.2 }, b = { 1 } }
  or { attack = { "untargeted" }, k = { 0.01, 0.05, 0.1, 0.2, 0.3 }, b = { 0.5, 1 } }

return {
  params = params,
  description = "Figure 17: ten classes, vision transformer, accuracy vs global budget",
  grid = paper.points(axes, { { attack = "none", k = 0, b = 0 } }),
  seeds = S.seeds,
  run = paper.runner(S, { task = "multiclass", model = "vit", optimizer = "adam", normalize = true }),
  report = function(results, ctx)
    plot.panels { file = ctx.out .. "/fig17", title = string.format("Ten classes, ViT (%d blocks, width %d, %d heads): test accuracy vs global budget",
      S.depth, S.width, S.heads),
      panels = paper.budget_panels(results, { { attack = "untargeted", title = "untargeted (last layer)" } }) }
  end,
}
