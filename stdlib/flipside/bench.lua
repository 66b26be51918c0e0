local flipside = require "flipside"
local declare = require "flipside.declare"
local bench = {}
local doc = declare.module("flipside.bench", "Timing for benchmark scripts (scripts/bench): the best of repeated samples.")

doc:func("best_of", "The least of n timings of f(), in seconds. Before each sample (untimed) it collects garbage: the previous result's memory is then recycled, not fresh pages the kernel must fault in and zero (about 9% of a 1024² sgemm here).",
  { { "n", "integer", "samples" }, { "f", "function", "the work timed" },
    { "clock", "function", "the clock read (flipside.clock)", optional = true } },
  { { "seconds", "number", "the fastest sample" } })
function bench.best_of(n, f, clock)
  if math.type(n) ~= "integer" or n < 1 then
    error("bad argument #1 to 'best_of' (positive integer expected, got " .. tostring(n) .. ")", 2)
  end
  if type(f) ~= "function" then error("bad argument #2 to 'best_of' (function expected, got " .. type(f) .. ")", 2) end
  clock = clock or flipside.clock
  local best = math.huge
  for _ = 1, n do
    collectgarbage()
    local t0 = clock()
    f()
    best = math.min(best, clock() - t0)
  end
  return best
end

return bench
