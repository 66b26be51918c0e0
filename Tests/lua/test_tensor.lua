local check = require "flipside.check"
local flipside = require "flipside"
local T = flipside.tensor

-- construction, shape, access
local a = T.new({ { 1, 2, 3 }, { 4, 5, 6 } })
check.same_table(a:shape(), { 2, 3 }, "shape")
check.eq(a:dtype(), "float32")
check.eq(#a, 2, "#a")
check.eq(a:get(2, 3), 6.0, "get")
a:set(1, 1, 10)
check.eq(a:get(1, 1), 10.0, "set")
check.eq(T.zeros(3, "int32"):dtype(), "int32")
check.eq(T.full({ 2, 2 }, 7, "uint8"):sum(), 28, "full uint8 sum")

-- arithmetic and reductions
local b = T.new({ { 1, 1, 1 }, { 2, 2, 2 } })
check.eq((a + b):get(2, 1), 6.0, "add")
check.eq((a - 1):get(1, 2), 1.0, "sub scalar")
check.eq((2 * b):sum(), 18.0, "scalar mul")
check.eq((-b):get(2, 2), -2.0, "unm")
check.near(b:mean(), 1.5, 1e-12, "mean")
check.eq(a:argmax(), 1, "argmax is 1-based flat")
check.same_table(a:sum(1):totable(), { 14, 7, 9 }, "sum over rows")
check.same_table(b:max(2):totable(), { 1, 2 }, "max per row")
check.near(T.new({ 3, 4 }):norm(), 5, 1e-12, "norm")
check.eq(T.new({ 1, 2, 3 }):dot(T.new({ 4, 5, 6 })), 32.0, "dot")
local ints = T.new({ 7, 8 }, "int32")
check.eq(math.type((ints + 1):get(1)), "integer", "int32 + integer stays int32")
check.eq((ints / 2):dtype(), "float32", "division gives float32")

-- matmul through BLAS, transpose, gather
local m = T.new({ { 1, 2 }, { 3, 4 } })
check.same_table(m:matmul(m):totable()[2], { 15, 22 }, "matmul")
check.same_table(m:matmul(T.new({ 1, 1 })):totable(), { 3, 7 }, "matvec")
check.same_table(m:t():totable()[1], { 1, 3 }, "transpose")
check.same_table(a:rows({ 2, 2, 1 }):sum(2):totable(), { 15, 15, 15 }, "gather rows")
check.same_table(a:rows(T.new({ 2 }, "int32")):totable()[1], { 4, 5, 6 }, "gather by tensor")

-- argsort and top-k: 1-based, ties keep order
local v = T.new({ 3, 1, 2, 1 })
check.same_table(v:argsort():totable(), { 2, 4, 3, 1 }, "argsort")
check.same_table(v:argsort(true):totable(), { 1, 3, 2, 4 }, "argsort descending")
local vals, idx = v:topk(2)
check.same_table(vals:totable(), { 3, 2 }, "topk values")
check.same_table(idx:totable(), { 1, 3 }, "topk indices")
local _, low = v:topk(2, false)
check.same_table(low:totable(), { 2, 4 }, "bottom-k indices")

-- generator: seeded, reproducible
local g1, g2 = flipside.generator(5), flipside.generator(5)
check.same_table(g1:permutation(10):totable(), g2:permutation(10):totable(), "same seed, same permutation")
local s = g1:sample(100, 30):totable()
local seen = {}
for _, i in ipairs(s) do
  check.truthy(i >= 1 and i <= 100, "sample in range")
  check.truthy(not seen[i], "sample without replacement")
  seen[i] = true
end
check.eq(#s, 30, "sample size")

-- mistakes are Lua errors naming file, line, function and argument
check.raises("test_tensor%.lua:%d+: bad argument #1 to 'matmul' %(flipside%.Tensor expected, got number%)", function() return m:matmul(3) end)
check.raises("test_tensor%.lua:%d+: bad argument #2 to 'get' %(index 3 out of range 1%.%.2%)", function() return m:get(1, 3) end)
check.raises("bad argument #1 to 'get' %(2 indices expected", function() return m:get(1) end)
check.raises("bad argument #1 to 'rows' %(index 5 at position 1 out of range 1%.%.2%)", function() return m:rows({ 5 }) end)
check.raises("bad argument #1 to 'rows' %(index 0 at position 2", function() return m:rows({ 1, 0 }) end)
check.raises("bad argument #1 to 'zeros' %(size must be a non%-negative integer, got %-1%)", T.zeros, -1)
check.raises("shape %[1000000000x1000000000x1000000000%] is too large", T.zeros, { 1e9, 1e9, 1e9 })
check.raises("shapes %[2x2%] and %[3%] do not match", function() return m + T.new({ 1, 2, 3 }) end)
check.raises("matmul shapes %[2x2%] and %[3%] do not match", function() return m:matmul(T.new({ 1, 2, 3 })) end)
check.raises("value 300 is not a uint8", function() T.zeros(2, "uint8"):set(1, 300) end)
check.raises("invalid option 'float64'", T.zeros, 2, "float64")
check.raises("bad argument #2 to 'sample' %(value 11 out of range 0%.%.10%)", function() return g1:sample(10, 11) end)
check.raises("calling 'sum' on bad self %(flipside%.Tensor expected, got table%)", function() local fake = { sum = a.sum }; return fake:sum() end)
check.raises("flipside%.Tensor expected, got flipside%.Generator", T.new({ 1 }).sum, g1)

-- one_hot, where, index_add, cat, stack.
local function flat(t) return t:reshape(t:numel()):totable() end
local oh = T.one_hot(T.new({ 2, 0, 1 }, "int32"), 3)
check.same_table(flat(oh), { 0, 0, 1, 1, 0, 0, 0, 1, 0 })
check.same_table(oh:shape(), { 3, 3 })
check.raises("label 3 at row 2 is not a class 0..2", T.one_hot, T.new({ 0, 3 }, "int32"), 3)
local a, b = T.new({ 1, 2, 3 }), T.new({ 10, 20, 30 })
check.same_table(T.where(T.new({ 1, 0, 1 }, "int32"), a, b):totable(), { 1, 20, 3 })
check.raises("one shape", T.where, T.new({ 1, 0 }, "int32"), a, b)
local base = T.zeros(3, 2)
local added = base:index_add({ 1, 3, 1 }, T.new({ { 1, 2 }, { 3, 4 }, { 5, 6 } }))
check.same_table(flat(added), { 6, 8, 0, 0, 3, 4 })
check.same_table(flat(base), { 0, 0, 0, 0, 0, 0 }, "the tensor itself is unchanged")
check.raises("source must be 2 rows of 2 elements", base.index_add, base, { 1, 2 }, T.zeros(3, 2))
check.same_table(flat(T.cat({ T.new({ { 1, 2 } }), T.new({ { 3, 4 }, { 5, 6 } }) })), { 1, 2, 3, 4, 5, 6 })
check.raises("tensor 2 is float32 %[3%]", T.cat, { T.zeros(2, 2), T.zeros(3) })
check.same_table(T.stack({ T.new({ 1, 2 }), T.new({ 3, 4 }) }):shape(), { 2, 2 })
check.same_table(flat(T.stack({ T.new({ 1, 2 }), T.new({ 3, 4 }) })), { 1, 2, 3, 4 })
check.raises("nothing to stack", T.stack, {})
