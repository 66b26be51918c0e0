local check = require "check"
local flipside = require "flipside"
local data = flipside.data
local tmp = os.getenv("FLIPSIDE_TEST_TMP") or error("FLIPSIDE_TEST_TMP not set")

local function be32(n) return string.pack(">I4", n) end
local function write(path, bytes)
  local f = assert(io.open(path, "wb")); f:write(bytes); f:close()
end

-- 3 images of 2x2 and their labels, read back exactly.
local pixels = { 0, 1, 2, 255, 10, 20, 30, 40, 7, 7, 7, 7 }
write(tmp .. "/imgs", "\0\0\8\3" .. be32(3) .. be32(2) .. be32(2) .. string.char(table.unpack(pixels)))
write(tmp .. "/labels", "\0\0\8\1" .. be32(3) .. string.char(2, 0, 1))
local x = data.read_idx(tmp .. "/imgs")
check.eq(x:dtype(), "uint8")
check.same_table(x:shape(), { 3, 4 }, "image shape")
for i = 1, 3 do for j = 1, 4 do check.eq(x:get(i, j), pixels[(i - 1) * 4 + j], "pixel") end end
local y = data.read_idx(tmp .. "/labels")
check.same_table(y:totable(), { 2, 0, 1 }, "labels")

-- Class subsets are relabelled by position in the list.
local ds = { x = x, y = y, classes = 3, name = "tiny" }
local sub = data.select_classes(ds, { 2, 1 })
check.same_table(sub.y:totable(), { 0, 1 }, "relabelled")
check.eq(sub.x:get(2, 1), 7, "rows kept in order")

-- Malformed files name the file and the problem.
write(tmp .. "/short", "\0\0\8\1" .. be32(10) .. string.char(1, 2))
check.raises("short: declared dimensions %[10%] need 18 bytes", data.read_idx, tmp .. "/short")
write(tmp .. "/magic", "\18\52\8\1" .. be32(1) .. "\0")
check.raises("magic: not an IDX file %(bad magic number", data.read_idx, tmp .. "/magic")
check.raises("nothing%-here: cannot open", data.read_idx, tmp .. "/nothing-here")

-- A missing dataset lists its files and every place looked.
local err = check.raises("dataset 'mnist' not found", data.load, "mnist", { dir = tmp .. "/none" })
check.truthy(err:find("train%-images%-idx3%-ubyte") and err:find(tmp .. "/none", 1, true), "error lists files and folders")
check.raises("unknown dataset 'imagenet'", data.load, "imagenet")
