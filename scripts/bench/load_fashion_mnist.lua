-- Benchmark: load Fashion-MNIST train from Debian's .gz files and report the
-- time and the bytes held, beside the same decompression done by the system's
-- gzip in the same run (the reference: inflating is most of the work).
--   flipside run scripts/bench/load_fashion_mnist.lua [--set repeats=5]
local flipside = require "flipside"
local P = require("flipside.declare").params {
  { "repeats", "integer", "samples (5)" },
  { "dir", "string", "Fashion-MNIST's folder" },
}
print("BLAS: " .. flipside.blas.summary)
local repeats = P.repeats or 5
local dir = P.dir or "/usr/share/datasets/fashion-mnist"

local best_of = require("flipside.bench").best_of

local data
local load = best_of(repeats, function()
  data = flipside.data.load("fashion-mnist", { split = "train", dir = dir })
  collectgarbage()
end)
local files = dir .. "/train-images-idx3-ubyte.gz " .. dir .. "/train-labels-idx1-ubyte.gz"
local gunzip = best_of(repeats, function() assert(os.execute("gzip -dc " .. files .. " > /dev/null")) end)

local held = data.x:nbytes() + data.y:nbytes()
local raw = data.x:numel() -- one byte per pixel: the floor for uint8 storage
print(string.format("fashion-mnist train: %d images of %d pixels", data.x:size(1), data.x:size(2)))
print(string.format("load time      %8.1f ms  (best of %d; goal < 1000 ms)", load * 1000, repeats))
print(string.format("gzip -dc       %8.1f ms  (reference, same files)", gunzip * 1000))
print(string.format("load / gzip    %8.2f x", load / gunzip))
print(string.format("bytes held     %8.1f MB  (pixels %.1f MB as uint8, labels %.2f MB)", held / 1e6, data.x:nbytes() / 1e6, data.y:nbytes() / 1e6))
print(string.format("held / pixels  %8.3f x  (float32 pixels would be 4x)", held / raw))
