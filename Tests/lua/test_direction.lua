-- On a separable task at pixel scale the float32 honest gradient underflows to
-- exactly zero within a few epochs; the robust direction keeps the attack
-- alive: `exact` flips every epoch and ends at most as accurate as the printed
-- rule, while with direction = "float" it stops flipping.
local check = require "flipside.check"
local flipside = require "flipside"
local protocol = require "flipside.protocol"
local greedy = require "flipside.policies.greedy"

local blobs = flipside.data.load("blobs", { n = 1200, d = 10, classes = 2, separation = 8, seed = 3 })
local train, test = flipside.data.split({ x = blobs.x * 255, y = blobs.y, classes = 2 }, 0.25, flipside.generator(3))

local function run(rule, direction)
  local model = flipside.model.logistic(10)
  local history = protocol.train { model = model, data = train, epochs = 25, k = 0.3, b = 0.5, lr = 0.001, seed = 5,
    policy = greedy.binary(rule), direction = direction, provenance = true }
  local flips, underflows = {}, 0
  for e, record in ipairs(history) do
    flips[e] = record.flips
    if record.provenance.underflow then underflows = underflows + 1 end
  end
  return model:accuracy(test.x, test.y), flips, underflows
end

local float_accuracy, float_flips, float_underflows = run("exact", "float")
check.truthy(float_underflows > 10, "the float32 gradient underflows (" .. float_underflows .. " epochs)")
check.eq(float_flips[#float_flips], 0, "with the float32 gradient, exact ends up flipping nothing")

local robust_accuracy, robust_flips = run("exact", "robust")
for e, n in ipairs(robust_flips) do check.truthy(n > 0, "exact flips in epoch " .. e) end
check.truthy(robust_accuracy < float_accuracy,
  string.format("the robust direction makes the attack bite (%.3f vs %.3f)", robust_accuracy, float_accuracy))
local printed_accuracy = run("paper", "robust")
check.truthy(robust_accuracy <= printed_accuracy + 0.02,
  string.format("exact %.3f at most the printed rule's %.3f", robust_accuracy, printed_accuracy))
