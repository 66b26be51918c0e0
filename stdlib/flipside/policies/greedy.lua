local attack = require "flipside.attack"
local declare = require "flipside.declare"

local greedy = {}
local doc = declare.module("flipside.policies.greedy", "The greedy rules as flip policies: binary (Algorithm 3) and multi-class (Algorithm 1), each \"paper\" (as printed) or \"exact\" (the optimum under the budget), untargeted (Δ = ctx.delta) or targeted (Δ = −(W_target − W_t), returned as the policy's Δ). They call the native rules; policies/greedy_lua.lua is the same in Lua.")

greedy.options = declare.options("greedy.rule", {
  { "target", "flipside.Model", "a model of the attacked architecture: the targeted attack, Delta = -(W_target - W_t)" },
})

local function check_variant(name, variant)
  variant = variant or "exact"
  if variant ~= "exact" and variant ~= "paper" then
    error(string.format("greedy.%s: variant must be 'exact' or 'paper', got %s", name, tostring(variant)), 3)
  end
  return variant
end

doc:func("delta", "Δ of a context: its own (untargeted), or −(W_target − W_t).", { { "ctx", "flipside.PolicyContext", "the context" }, { "target", "flipside.Model", "the target model", optional = true } }, { { "flipside.Tensor", "Δ" } })
function greedy.delta(ctx, target)
  if target == nil then return ctx.delta end
  return ctx.model:params() - target:params()
end

doc:func("policy", "A policy ranking by greedy.delta with choose(ctx, delta) → rows, labels; it returns the targeted Δ as its third value.", { { "target", "flipside.Model?", "the target model, or nil" }, { "choose", "function", "the selection" } }, { { "flipside.FlipPolicy", "the policy" } })
function greedy.policy(target, choose)
  return function(ctx)
    local delta = greedy.delta(ctx, target)
    local rows, labels = choose(ctx, delta)
    return rows, labels, target and delta or nil
  end
end

doc:func("binary", "The binary rule as a policy.", { { "variant", "flipside.GreedyVariant", "\"exact\" (default) or \"paper\"", optional = true }, { "opts", "flipside.greedy.rule.Options", "target", optional = true } }, { { "flipside.FlipPolicy", "the policy" } }, greedy.options)
function greedy.binary(variant, opts)
  variant = check_variant("binary", variant)
  opts = greedy.options:check(opts)
  return greedy.policy(opts.target, function(ctx, delta)
    return attack.greedy_binary(ctx.features, ctx.labels, ctx.subset, delta, ctx.budget, variant)
  end)
end

doc:func("multiclass", "The multi-class rule as a policy.", { { "variant", "flipside.GreedyVariant", "\"exact\" (default) or \"paper\"", optional = true }, { "opts", "flipside.greedy.rule.Options", "target", optional = true } }, { { "flipside.FlipPolicy", "the policy" } }, greedy.options)
function greedy.multiclass(variant, opts)
  variant = check_variant("multiclass", variant)
  opts = greedy.options:check(opts)
  return greedy.policy(opts.target, function(ctx, delta)
    return attack.greedy_multiclass(ctx.features, ctx.labels, ctx.subset, delta, ctx.budget, variant, ctx.model)
  end)
end

doc:func("rule", "The binary rule for a binary logistic model, the multi-class rule otherwise.", { { "variant", "flipside.GreedyVariant", "\"exact\" (default) or \"paper\"", optional = true }, { "opts", "flipside.greedy.rule.Options", "target", optional = true } }, { { "flipside.FlipPolicy", "the policy" } }, greedy.options)
function greedy.rule(variant, opts)
  local binary, multiclass = greedy.binary(variant, opts), greedy.multiclass(variant, opts)
  return function(ctx)
    if ctx.model:kind() == "logistic" then return binary(ctx) end
    return multiclass(ctx)
  end
end

return greedy
