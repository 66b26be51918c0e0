-- Inputs that once crashed the process (found by Tests/fuzz/driver.lua): each
-- must now be a Lua error, or work.
local check = require "flipside.check"
local flipside = require "flipside"
local T = flipside.tensor

-- A column of -2^31 overflowed when made 0-based.
check.raises("out of range", function()
  return T.ones(3, 2):pick(T.new({ -2 ^ 31, 1, 2 }, "int32"))
end)

-- #t is a border: a constructor with 41 keys 1, 2, 4, ..., 2^40 has #t == 2^40,
-- which must not size an allocation.
local function sparse(value)
  local keys = {}
  for i = 0, 40 do keys[#keys + 1] = ("[%d] = v"):format(1 << i) end
  return load("local v = ...; return { " .. table.concat(keys, ", ") .. " }")(value)
end
check.eq(#sparse(1), 1 << 40, "the border")
check.raises("element 3: Tensor expected, got nil", flipside.server.stack, sparse(T.ones(2)))
check.raises("shard 3", flipside.server.new, {
  model = flipside.model.logistic(2), data = { x = T.ones(4, 2), y = T.zeros(4, "int32") }, shards = sparse({ 1 }),
})
check.raises("step 3", flipside.server.aggregator, { steps = sparse({ "clip", 1 }) })
check.raises("element 3: number expected, got nil", T.new, sparse(1))
check.raises("element 3: number expected", T.ones(2).rows, T.ones(2), sparse(1))

-- A tensor of 0-wide rows can have more rows than an int32 counts.
local wide = T.zeros(2 ^ 32, 0)
check.raises("index 4294967296 at position 1 out of range", wide.rows, wide, { 2 ^ 32 })

-- Sampling from a huge population stays within bounded memory.
local g = flipside.generator(1)
check.eq(g:sample(2 ^ 31 - 1, 5):size(), 5, "a few from many")
check.raises("at most 16777216", g.sample, g, 2 ^ 31 - 1, 2 ^ 31 - 1)

-- Values pushed from inside a coroutine land on its own stack.
local t, model = coroutine.wrap(function() return T.zeros(3), flipside.model.logistic(2) end)()
check.eq(t:numel(), 3, "tensor made in a coroutine")
check.eq(model:kind(), "logistic", "model made in a coroutine")

-- Closed objects describe themselves as closed, not forged.
local closed = T.ones(1)
do local _ <close> = closed end
check.eq(tostring(closed), "flipside.Tensor (closed)")

-- A confusion matrix over 65536 classes would need 2^32 counts.
local y = T.new({ 0, 1, 1 }, "int32")
check.raises("bad argument #3 to 'confusion' %(value 65536 out of range 1%.%.4096%)", flipside.metrics.confusion, y, y, 65536)
check.raises("a confusion matrix needs 1 to 4096 classes, got 65536", function()
  return flipside.model.softmax(2, 65536):evaluate(T.ones(3, 2), y)
end)
