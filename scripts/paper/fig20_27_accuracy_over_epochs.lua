-- Figures 20-27: test accuracy over the training epochs under the untargeted
-- attack, one figure per corrupted fraction k×b (0.001, 0.1, 0.15, 0.2,
-- 0.25, 0.3, 0.35, 0.4), one line per (k, b) with that product; binary task
-- (left) and ten classes (right).
local flipside = require "flipside"
local paper = require "flipside.paper"
local report = require "flipside.report"
local plot = require "flipside.plot"

local S, params = paper.settings()
local fractions = S.quick and { 0.1 } or { 0.001, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4 }
local bs = S.quick and { 1, 0.5 } or { 1, 0.8, 0.5, 0.25, 0.1 }

local points = {}
for _, task in ipairs { "binary", "multiclass" } do
  for _, f in ipairs(fractions) do
    for _, b in ipairs(bs) do
      local k = f / b
      if k <= 1 then points[#points + 1] = { task = task, fraction = f, k = k, b = b, attack = "untargeted" } end
    end
  end
end

return {
  params = params,
  description = "Figures 20-27: accuracy over epochs per corrupted fraction",
  grid = points,
  seeds = S.seeds,
  run = paper.runner(S, { curve = true }),
  report = function(results, ctx)
    for n, f in ipairs(fractions) do
      local panels = {}
      for _, task in ipairs { "binary", "multiclass" } do
        local series = {}
        for _, b in ipairs(bs) do
          local runs = report.select(results, { task = task, fraction = f, b = b })
          if #runs > 0 then
            local epochs, mean, std = report.curve(runs, "accuracy")
            for i = 1, #mean do mean[i], std[i] = 100 * mean[i], 100 * std[i] end
            series[#series + 1] = { name = string.format("k = %.4g, b = %g", f / b, b), x = epochs, y = mean, err = std }
          end
        end
        panels[#panels + 1] = { title = task == "binary" and "binary task" or "ten classes", xlabel = "epoch",
          ylabel = "test accuracy (%)", series = series, yrange = { 0, 100 }, key = "bottom right" }
      end
      plot.panels { file = string.format("%s/fig%d_fraction_%g", ctx.out, 19 + n, f),
        title = string.format("Untargeted attack, corrupted fraction k×b = %g", f), panels = panels }
    end
  end,
}
