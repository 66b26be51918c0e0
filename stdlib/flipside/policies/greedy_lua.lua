local attack = require "flipside.attack"
local T = require "flipside.tensor"
local greedy = require "flipside.policies.greedy"

local declare = require "flipside.declare"
local greedy_lua = {}
local doc = declare.module("flipside.policies.greedy_lua", "The greedy rules written in Lua over tensor operations: the native kernels compute the scores, the selection is a few whole-tensor steps. They choose exactly the native rules' flips, and are the starting point for new heuristics.")

local function first(order, n) return order:rows(T.range(1, n)) end

doc:func("select_binary", "Binary selection from scores s_i: paper gives the p smallest label 1 if s_i < 0, else 0 (kept where it changes); exact flips the p most negative gains s_i·(1 − 2y_i).", { { "s", "flipside.Tensor", "scores of the subset" }, { "y", "flipside.Tensor", "their honest labels" }, { "budget", "integer", "the most flips" }, { "variant", "flipside.GreedyVariant", "the rule" } }, { { "flipside.Tensor", "positions in the subset" }, { "flipside.Tensor", "their new labels" } })
function greedy_lua.select_binary(s, y, budget, variant)
  local take = math.min(budget, s:size(1))
  if variant == "paper" then
    local top = first(s:argsort(), take)
    local label = s:rows(top):lt(0)
    local changed = label:ne(y:rows(top)):nonzero()
    return top:rows(changed), label:rows(changed)
  end
  local gain = s * (1 - 2 * y:float())
  local top = first(gain:argsort(), math.min(take, gain:lt(0):sum()))
  return top, 1 - y:rows(top)
end

doc:func("select_multiclass", "Multi-class selection from S [m, C]: c* = argmin_c S; paper ranks by S[c*] − ⟨p, S⟩, exact by the gain S[c*] − S[y] (negative gains only).", { { "S", "flipside.Tensor", "class scores [m, C]" }, { "y", "flipside.Tensor", "honest labels" }, { "budget", "integer", "the most flips" }, { "variant", "flipside.GreedyVariant", "the rule" }, { "probabilities", "flipside.Tensor", "the model's [m, C] (paper)", optional = true } }, { { "flipside.Tensor", "positions in the subset" }, { "flipside.Tensor", "their new labels" } })
function greedy_lua.select_multiclass(S, y, budget, variant, probabilities)
  local best = S:argmin(2)
  local lowest = S:pick(best)
  local key
  if variant == "paper" then
    key = lowest - (S * probabilities):sum(2)
  else
    key = lowest - S:pick(y + 1)
  end
  local top = first(key:argsort(), math.min(budget, S:size(1)))
  local keep
  if variant == "paper" then
    keep = best:rows(top):ne(y:rows(top) + 1):nonzero()
  else
    keep = key:rows(top):lt(0):nonzero()
  end
  local chosen = top:rows(keep)
  return chosen, best:rows(chosen) - 1
end

local function policy(name, variant, opts, choose)
  variant = variant or "exact"
  if variant ~= "exact" and variant ~= "paper" then
    error(string.format("greedy_lua.%s: variant must be 'exact' or 'paper', got %s", name, tostring(variant)), 3)
  end
  return greedy.policy(greedy.options:check(opts, 3).target, function(ctx, delta)
    local positions, labels = choose(ctx, delta, variant)
    return ctx.subset:rows(positions), labels
  end)
end

doc:func("binary", "The binary rule in Lua, as a policy.", { { "variant", "flipside.GreedyVariant", "\"exact\" (default) or \"paper\"", optional = true }, { "opts", "flipside.greedy.rule.Options", "target", optional = true } }, { { "flipside.FlipPolicy", "the policy" } }, greedy.options)
function greedy_lua.binary(variant, opts)
  return policy("binary", variant, opts, function(ctx, delta, v)
    local s = attack.scores(ctx.features, ctx.subset, delta)
    return greedy_lua.select_binary(s, ctx.labels:rows(ctx.subset), ctx.budget, v)
  end)
end

doc:func("multiclass", "The multi-class rule in Lua, as a policy.", { { "variant", "flipside.GreedyVariant", "\"exact\" (default) or \"paper\"", optional = true }, { "opts", "flipside.greedy.rule.Options", "target", optional = true } }, { { "flipside.FlipPolicy", "the policy" } }, greedy.options)
function greedy_lua.multiclass(variant, opts)
  return policy("multiclass", variant, opts, function(ctx, delta, v)
    local S = attack.class_scores(ctx.features, ctx.subset, delta)
    local p = v == "paper" and ctx.model:probabilities(ctx.features, ctx.subset) or nil
    return greedy_lua.select_multiclass(S, ctx.labels:rows(ctx.subset), ctx.budget, v, p)
  end)
end

return greedy_lua
