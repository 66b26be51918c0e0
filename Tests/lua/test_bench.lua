-- flipside.bench.best_of: the least of n samples, read from the clock given.
local check = require "flipside.check"
local bench = require "flipside.bench"

local readings = { 0, 5, 10, 12, 20, 27 } -- samples of 5, 2 and 7
local i = 0
local function clock() i = i + 1; return readings[i] end
local calls = 0
check.eq(bench.best_of(3, function() calls = calls + 1 end, clock), 2, "the fastest sample")
check.eq(calls, 3, "f runs once per sample")
check.eq(i, 6, "two readings per sample")
check.truthy(bench.best_of(1, function() end) >= 0, "flipside.clock by default")
local ok, err = pcall(bench.best_of, 0, function() end)
check.truthy(not ok and err:find("bad argument #1 to 'best_of' (positive integer expected, got 0)", 1, true), err)
ok, err = pcall(bench.best_of, 2, "f")
check.truthy(not ok and err:find("bad argument #2 to 'best_of' (function expected, got string)", 1, true), err)
