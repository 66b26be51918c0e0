--- Tiny synthetic binary datasets for Lua-level tests: two Gaussian blobs.
local flipside = require "flipside"
local T = flipside.tensor

local synthetic = {}

--- n points in d dimensions, label 1 when the first feature's blob is shifted by +sep.
function synthetic.blobs(n, d, sep, seed)
  local rng = flipside.generator(seed)
  local x = rng:normal({ n, d })
  local labels = {}
  for i = 1, n do
    local y = (i % 2 == 0) and 1 or 0
    labels[i] = y
    x:set(i, 1, x:get(i, 1) + (y == 1 and sep or -sep))
  end
  return { x = x, y = T.new(labels, "int32"), classes = 2, name = "blobs" }
end

return synthetic
