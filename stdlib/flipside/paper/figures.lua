local flipside = require "flipside"
local declare = require "flipside.declare"
local report = require "flipside.report"
local figures = {}
local doc = declare.module("flipside.paper.figures", "The series and panels of the paper's figures, from a grid's runs.")

doc:func("budget_panels", "Accuracy (%) against the global budget k·b, one series per b, and the clean baseline: the panels of Figures 5, 9, 12, 18 and 19.", { { "results", "table[]", "the runs" }, { "attacks", "table[]", "{attack, title} or {where = {...}, title} per panel" }, { "opts", "table", "metric, scale, ylabel, yrange", optional = true } }, { { "table[]", "plot.panels' panels" } })
function figures.budget_panels(results, attacks, opts)
  opts = opts or {}
  local metric = opts.metric or "accuracy"
  local scale = opts.scale or 100
  local clean = report.group(report.select(results, { attack = "none" }), { "attack" }, metric)[1]
  local panels = {}
  for _, a in ipairs(attacks) do
    local series = {}
    local groups = report.group(report.select(results, a.where or { attack = a.attack }), { "b", "k" }, metric)
    local by_b, order, seeds = {}, {}, 0
    for _, g in ipairs(groups) do
      seeds = math.max(seeds, g.n)
      local b = g.params.b
      if not by_b[b] then by_b[b] = { name = "b = " .. b, x = {}, y = {}, err = {} }; order[#order + 1] = b end
      local s = by_b[b]
      s.x[#s.x + 1], s.y[#s.y + 1], s.err[#s.err + 1] = g.params.k * b, scale * g.mean, scale * g.std
    end
    table.sort(order, function(x, y) return x > y end)
    for _, b in ipairs(order) do series[#series + 1] = by_b[b] end
    if clean then
      local lo, hi = math.huge, -math.huge
      for _, s in ipairs(series) do for _, x in ipairs(s.x) do lo, hi = math.min(lo, x), math.max(hi, x) end end
      if lo <= hi then
        series[#series + 1] = { name = "clean", x = { lo, hi }, y = { scale * clean.mean, scale * clean.mean },
          err = { scale * clean.std, scale * clean.std } }
      end
    end
    panels[#panels + 1] = { title = a.title, xlabel = "global budget k×b", ylabel = opts.ylabel or "test accuracy (%)",
      series = series, key = "bottom left", yrange = opts.yrange or { 0, 100 },
      band = seeds > 0 and string.format("± 1 std, %d seeds", seeds) or nil }
  end
  return panels
end

doc:func("std_series", "The standard deviation over seeds of the final accuracy against k, one series per attack: Figures 6 and 10.", { { "results", "table[]", "the runs" } }, { { "table[]", "the series" } })
function figures.std_series(results)
  local series = {}
  for _, attack in ipairs { "untargeted", "targeted" } do
    local s = { name = attack, x = {}, y = {} }
    for _, g in ipairs(report.group(report.select(results, { attack = attack }), { "k" }, "accuracy")) do
      s.x[#s.x + 1], s.y[#s.y + 1] = g.params.k, g.std
    end
    series[#series + 1] = s
  end
  return series
end

return figures
