-- Tables 3 and 4: the attacker's mean gradient norm over the honest
-- workers' on the parameter server (10 workers, one attacking with b = 1),
-- with min-max normalised pixels (Table 3) and raw pixels (Table 4), for
-- softmax regression and the MLP on ten classes.
local flipside = require "flipside"
local paper = require "flipside.paper"
local report = require "flipside.report"

local S, params = paper.settings()
local rounds = S.quick and 3 or 200

return {
  params = params,
  description = "Tables 3-4: attacker/honest gradient-norm ratio, normalised vs raw",
  grid = paper.points { model = { "softmax", "mlp" }, normalize = { true, false } },
  seeds = S.seeds,
  run = function(p)
    return paper.norm_ratio(paper.with(S, { task = "multiclass", rounds = rounds, workers = 10, b = 1 }, p))
  end,
  report = function(results, ctx)
    for _, t in ipairs { { normalize = true, name = "table3_normalised" }, { normalize = false, name = "table4_raw" } } do
      local rows = {}
      for _, g in ipairs(report.group(report.select(results, { normalize = t.normalize }), { "model" }, "norm_ratio")) do
        rows[#rows + 1] = { S.dataset, g.params.model == "mlp" and "mlp" or "logreg", g.mean, g.std, g.n }
      end
      local headers = { "dataset", "model", "attack/honest norm ratio", "std over seeds", "seeds" }
      print(t.name)
      report.print_table(headers, rows)
      report.write_table(ctx.out .. "/" .. t.name, headers, rows)
    end
  end,
}
