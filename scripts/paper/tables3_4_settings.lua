-- What Tables 3-4 leave open, swept: the attacker's share of its own batch
-- (the rows it controls), its flip fraction b, which gradient is normed (its
-- whole message, or only what the flips changed) and how rounds are
-- averaged (mean or median of per-round ratios, or the ratio of the sums).
-- The paper reports an attacker/honest norm ratio of about 1.03 with
-- normalised pixels and 7.3 with raw ones (softmax regression and MLP, ten
-- classes, 10 workers, one attacking). The report prints every setting and,
-- per pixel scale, the one closest to the paper's figure.
local flipside = require "flipside"
local paper = require "flipside.paper"
local report = require "flipside.report"

local S, params = paper.settings()
local rounds = S.quick and 3 or 200
local axes = S.quick and { model = { "softmax" }, normalize = { true, false }, share = { 1, 0.5 }, b = { 1 } }
  or { model = { "softmax", "mlp" }, normalize = { true, false }, share = { 1, 0.5, 0.1 }, b = { 0.25, 0.5, 1 } }
local measures = { "norm_ratio", "norm_ratio_median", "norm_ratio_of_means", "deviation_ratio" }
local paper_figure = { [true] = 1.03, [false] = 7.3 }

return {
  params = params,
  description = "Tables 3-4: the norm ratio under the settings the paper leaves open",
  grid = paper.points(axes),
  seeds = S.quick and 2 or 3,
  run = function(p)
    return paper.norm_ratio(paper.with(S, { task = "multiclass", rounds = rounds, workers = 10 }, p))
  end,
  report = function(results, ctx)
    local keys = { "normalize", "model", "share", "b" }
    local columns = {}
    for i, m in ipairs(measures) do columns[i] = report.group(results, keys, m) end
    local rows, closest = {}, {}
    for j, g in ipairs(columns[1]) do
      local row = { g.params.normalize and "normalised" or "raw", g.params.model, g.params.share, g.params.b }
      for i in ipairs(measures) do
        local value = columns[i][j].mean
        row[#row + 1] = value
        local target = paper_figure[g.params.normalize]
        local best = closest[g.params.normalize]
        if not best or math.abs(value - target) < best.gap then
          closest[g.params.normalize] = { gap = math.abs(value - target), row = row, measure = measures[i], value = value }
        end
      end
      rows[#rows + 1] = row
    end
    local headers = { "pixels", "model", "share", "b", "mean of ratios", "median of ratios", "ratio of sums", "deviation ratio" }
    report.print_table(headers, rows)
    report.write_table(ctx.out .. "/tables3_4_settings", headers, rows)
    for _, normalize in ipairs { true, false } do
      local c = closest[normalize]
      if c then
        print(string.format("%s pixels: closest to the paper's %.2f is %s = %.3f (%s, share %g, b %g)",
          normalize and "normalised" or "raw", paper_figure[normalize], c.measure, c.value, c.row[2], c.row[3], c.row[4]))
      end
    end
  end,
}
