-- Figure 8: binary task, heatmap of mean test accuracy over k and b at the
-- final epoch, untargeted greedy attack.
local flipside = require "flipside"
local paper = require "flipside.paper"
local report = require "flipside.report"
local plot = require "flipside.plot"

local S, params = paper.settings()
local ks = S.quick and { 0.1, 0.3 } or { 0.05, 0.1, 0.2, 0.3, 0.4, 0.5 }
local bs = S.quick and { 0.5, 1 } or { 0.1, 0.25, 0.5, 0.75, 1 }

return {
  params = params,
  description = "Figure 8: binary task, accuracy over k x b (untargeted)",
  grid = paper.points { attack = { "untargeted" }, k = ks, b = bs },
  seeds = S.seeds,
  run = paper.runner(S, { task = "binary" }),
  report = function(results, ctx)
    local z = {}
    for _, g in ipairs(report.group(results, { "k", "b" }, "accuracy")) do
      for iy, b in ipairs(bs) do
        for ix, k in ipairs(ks) do
          if g.params.k == k and g.params.b == b then
            z[iy] = z[iy] or {}
            z[iy][ix] = 100 * g.mean
          end
        end
      end
    end
    plot.figure { kind = "heatmap", file = ctx.out .. "/fig8",
      title = string.format("Binary task: test accuracy (%%) after %d epochs, untargeted", S.epochs),
      xlabel = "k", ylabel = "b", zlabel = "test accuracy (%)", x = ks, y = bs, z = z, format = "%.1f" }
  end,
}
