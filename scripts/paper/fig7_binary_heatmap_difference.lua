-- Figure 7: binary task, heatmap over k and b of the difference of mean test
-- accuracy between the untargeted and the targeted greedy attack.
local flipside = require "flipside"
local paper = require "flipside.paper"
local report = require "flipside.report"
local plot = require "flipside.plot"

local S, params = paper.settings()
local ks = S.quick and { 0.1, 0.3 } or { 0.05, 0.1, 0.2, 0.3, 0.4, 0.5 }
local bs = S.quick and { 0.5, 1 } or { 0.1, 0.25, 0.5, 0.75, 1 }

local function mean_grid(results, attack)
  local z = {}
  for _, g in ipairs(report.group(report.select(results, { attack = attack }), { "k", "b" }, "accuracy")) do
    z[g.params.b] = z[g.params.b] or {}
    z[g.params.b][g.params.k] = g.mean
  end
  return z
end

return {
  params = params,
  description = "Figure 7: binary task, untargeted minus targeted accuracy over k x b",
  grid = paper.points { attack = { "untargeted", "targeted" }, k = ks, b = bs },
  seeds = S.seeds,
  run = paper.runner(S, { task = "binary" }),
  report = function(results, ctx)
    local u, t = mean_grid(results, "untargeted"), mean_grid(results, "targeted")
    local z = {}
    for iy, b in ipairs(bs) do
      z[iy] = {}
      for ix, k in ipairs(ks) do
        local a, c = u[b] and u[b][k], t[b] and t[b][k]
        z[iy][ix] = (a and c) and (a - c) or nil
      end
    end
    plot.figure { kind = "heatmap", file = ctx.out .. "/fig7", title = "Binary task: accuracy(untargeted) − accuracy(targeted)",
      xlabel = "k", ylabel = "b", zlabel = "accuracy difference", x = ks, y = bs, z = z, format = "%.3f" }
  end,
}
