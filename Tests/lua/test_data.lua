local check = require "flipside.check"
local flipside = require "flipside"
local data = flipside.data
local tmp = TEST_TMP or error("TEST_TMP (a folder for this test's files) is not set")

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
check.raises("unknown dataset 'imagenet', expected one of", data.load, "imagenet")

-- CIFAR-10 binary files: one label byte and 3072 pixels per record.
local function record(label, fill) return string.char(label) .. string.rep(string.char(fill), 3072) end
local c10 = tmp .. "/c10"
os.execute("mkdir -p '" .. c10 .. "'")
for b = 1, 5 do write(c10 .. "/data_batch_" .. b .. ".bin", record(b, b * 10) .. record(0, 1)) end
write(c10 .. "/test_batch.bin", record(9, 3))
local cifar = data.load("cifar10", { dir = c10 })
check.same_table(cifar.x:shape(), { 10, 3072 }, "cifar shape")
check.same_table(cifar.y:totable(), { 1, 0, 2, 0, 3, 0, 4, 0, 5, 0 }, "cifar labels")
check.eq(cifar.x:get(3, 3072), 20, "cifar pixel")
check.eq(cifar.x:dtype(), "uint8", "pixels stay uint8")
check.eq(data.load("cifar10", { dir = c10, split = "test" }).y:get(1), 9, "cifar test split")
check.raises("cifar100.*not found.*train%.bin", data.load, "cifar100", { dir = c10 })

-- CSV with a header and text labels.
write(tmp .. "/t.csv", "f1,f2,kind\n1,2,b\n3,4,a\n5,6,b\n")
local csv = data.load("csv", { path = tmp .. "/t.csv", label = "kind" })
check.same_table(csv.y:totable(), { 1, 0, 1 }, "csv labels in sorted order")
check.eq(csv.x:get(3, 2), 6.0, "csv features")
check.raises("line 2, column 1 %('x'%) is not a finite number", data.load, "csv", { path = (function()
  write(tmp .. "/bad.csv", "1,2,0\nx,4,1\n"); return tmp .. "/bad.csv" end)() })
check.raises("bad%.csv: line 2", data.load, "csv", { path = tmp .. "/bad.csv" })
check.raises("field 'path': string expected", data.load, "csv", {})

-- Synthetic blobs, normalisation fitted on train, splits and shards.
local blobs = data.load("blobs", { n = 200, d = 3, classes = 4, separation = 4, seed = 5 })
check.eq(blobs.classes, 4)
check.same_table(blobs.x:shape(), { 200, 3 }, "blobs shape")
local again = data.load("blobs", { n = 200, d = 3, classes = 4, separation = 4, seed = 5 })
check.eq(blobs.x:get(17, 2), again.x:get(17, 2), "blobs are seeded")

local train, held = data.split(blobs, 0.25, flipside.generator(1))
check.eq(held.y:size(1), 50, "held-out rows")
check.eq(train.y:size(1), 150, "remaining rows")
local ntrain, nheld = data.normalize("minmax", train, held)
check.near(ntrain.x:min(), 0, 1e-6, "minmax train min")
check.near(ntrain.x:max(), 1, 1e-6, "minmax train max")
check.eq(nheld.y:size(1), 50, "test normalised too")
local strain = data.normalize("standardize", train)
check.near(strain.x:mean(), 0, 1e-5, "standardised mean")
check.raises("invalid option 'zscore'", data.normalize, "zscore", train)

local shards = data.shards(blobs, 4, { rng = flipside.generator(3) })
check.eq(#shards, 4, "shard count")
local seen = {}
for w, shard in ipairs(shards) do
  check.eq(shard.rows:size(1), 50, "equal iid shards")
  check.eq(shard.worker, w)
  for i = 1, 50 do
    local r = shard.rows:get(i)
    check.truthy(not seen[r], "shards are disjoint"); seen[r] = true
  end
end
-- A shard is a view: it shares the dataset's tensors.
blobs.x:set(shards[1].rows:get(1), 1, 123)
check.eq(shards[1].x:get(shards[1].rows:get(1), 1), 123.0, "shard sees the dataset's data")
local skewed = data.shards(blobs, 4, { scheme = "dirichlet", alpha = 0.05, rng = flipside.generator(3) })
local total = 0
for _, shard in ipairs(skewed) do total = total + shard.rows:size(1) end
check.eq(total, 200, "dirichlet shards cover every row")
check.raises("field 'scheme': invalid option 'random'", data.shards, blobs, 2, { scheme = "random", rng = flipside.generator(1) })

-- A worker trains on its shard only.
local model = flipside.model.logistic(3)
local two = data.select_classes(blobs, { 0, 1 })
local parts = data.shards(two, 2, { rng = flipside.generator(4) })
model:train_epoch(parts[1].x, parts[1].y, { rows = parts[1].rows, lr = 0.1, rng = flipside.generator(1) })
check.truthy(model:params():norm() > 0, "trained on a shard")

-- The paper's tasks through stdlib: binary subsets, normalisation fitted on train.
local datasets = require "flipside.datasets"
local btrain, btest = datasets.load("cifar10", { dir = c10, binary = true, normalize = "minmax" })
check.same_table(btrain.y:totable(), { 1, 0, 0, 0, 0, 0 }, "airplane vs automobile relabelled")
check.eq(btrain.x:dtype(), "float32", "normalised pixels are float")
check.eq(btest.y:size(1), 0, "no airplane or automobile in the tiny test batch")
check.raises("'cifar100' has no binary task", datasets.load, "cifar100", { dir = c10, binary = true })
