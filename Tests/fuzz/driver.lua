-- Calls every function and method of the engine with random arguments, from
-- a seeded generator, under pcall. Run by Tests/FlipLuaTests/FuzzTests.swift
-- in a child process (a crash there is a signal, reported with the seed and
-- the last call logged):
--   flipside run Tests/fuzz/driver.lua SEED CALLS LOGFILE
-- Prints "calls N ok N errors N non-string N" at the end. Every call that fails
-- must fail with a string; anything else is counted under non-string and its
-- first occurrences are printed.
local seed, budget, logpath = tonumber(arg[1]) or 1, tonumber(arg[2]) or 10000, arg[3]
local flipside = require "flipside"
local T, random_module = flipside.tensor, flipside.random

math.randomseed(seed)
local R = math.random
local log = logpath and assert(io.open(logpath, "w"))
if log then log:setvbuf("no") end

local stats = { calls = 0, ok = 0, errors = 0, nonstring = 0 }
local depth = 0

local function pick(list) return list[R(#list)] end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- Values worth trying wherever a number goes: limits, non-finite values and
-- sizes past every cap (but none that are valid and merely slow).
local numbers = {
  0, 1, -1, 2, 3, 4, 5, 0.5, -0.5, 1.5, 1e-300, -0.0, 0 / 0, math.huge, -math.huge, 1e308,
  math.maxinteger, math.mininteger, 2 ^ 31, 2 ^ 31 - 1, -2 ^ 31, 2 ^ 32, 2 ^ 53, 2 ^ 63, 1e10, 1e18,
  2 ^ 34, 2 ^ 34 + 1, 65536, 65537, 2 ^ 31 - 1.0, 255, 256, -255, 7, 10, 20,
}
local strings = {
  "", "float32", "int32", "uint8", "float64", "exact", "paper", "mean", "median", "krum", "multi_krum",
  "trimmed_mean", "geometric_median", "centered_clipping", "iid", "dirichlet", "train", "test", "fine",
  "coarse", "blobs", "csv", "mnist", "fashion-mnist", "cifar10", "cifar100", "none", "minmax",
  "standardize", "gradient", "local", "clip", "nnm", "\0", "x\0y", "/nonexistent/file", "/dev/null",
  "/proc/self/status", ("a"):rep(300), "%s%d%n", "1e400",
}
local option_keys = {
  "rule", "f", "m", "tau", "lr", "rng", "batch", "rows", "model", "data", "workers", "shards", "attackers",
  "b", "mode", "local_steps", "local_lr", "optimizer", "seed", "steps", "classes", "n", "d", "scheme",
  "alpha", "split", "dir", "labels", "path", "label", "delimiter", "separation", "momentum",
  "weight_decay", "beta1", "beta2", "eps", "iterations", "tolerance", "smoothing", "omniscient", "x", "y",
  "name",
}

-- The pools: realistic objects the calls can work on, rebuilt now and then.
local pool

local function blobs(n, d, classes, s)
  return flipside.data.load("blobs", { n = n, d = d, classes = classes, seed = s })
end

local function tensor_zoo(g)
  local zoo = {
    T.zeros(0), T.zeros(0, 3), T.zeros(3, 0), T.zeros({}), T.ones(5), T.ones(4, 3), T.zeros(2, 2, 2),
    T.new({ 1, 2, 3 }, "int32"), T.new({ 0, 1, 1, 0 }, "int32"), T.new({ -1, 2 ^ 31 - 1, -2 ^ 31 }, "int32"),
    T.new({ 0, 255, 7 }, "uint8"), T.full({ 3, 4 }, 0 / 0), T.full(4, math.huge), T.full({ 2, 4 }, -math.huge),
    T.range(1, 5), T.range(1, 20), T.range(0, 3), g:normal({ 20, 3 }), g:normal(4), g:normal({ 3, 4 }),
    g:uniform(5, 4), g:integer(3, 20) - 1, T.new({ { 1, 2 }, { 3, 4 } }), T.full(3, 3e38), T.full(3, 1e-45),
  }
  zoo[#zoo + 1] = zoo[5]:reshape(5, 1)
  return zoo
end

local function build_pool()
  local g = random_module.generator(R(1000))
  local bin, multi = blobs(20, 3, 2, 1), blobs(20, 3, 3, 2)
  local pixels = { x = g:integer(200, 20 * 3):reshape(20, 3):byte(), y = bin.y, classes = 2, name = "pixels" }
  local models = {
    flipside.model.logistic(3), flipside.model.softmax(3, 3), flipside.model.mlp(3, 4, 3, g),
    flipside.model.logistic(5), flipside.model.softmax(2, 2),
  }
  local p = {
    bin = bin, multi = multi,
    generators = { g, g:split(), random_module.generator(-1) },
    datasets = { bin, multi, pixels, { x = T.zeros(0, 3), y = T.zeros(0, "int32"), classes = 2 },
                 { x = bin.x, y = multi.y, classes = 2 }, { x = bin.x }, {} },
    models = models,
    optimizers = { flipside.model.sgd(), flipside.model.adam(), flipside.model.sgd { lr = 0.1, momentum = 0.9 } },
    aggregators = {
      flipside.server.aggregator { rule = "mean" }, flipside.server.aggregator { rule = "krum", f = 1 },
      flipside.server.aggregator { rule = "geometric_median" },
      flipside.server.aggregator { rule = "centered_clipping", tau = 1, steps = { { "clip", 2 }, { "nnm", 1 } } },
      flipside.server.aggregator { rule = "multi_krum", f = 1, m = 2 },
    },
    tensors = tensor_zoo(g),
    recent = {},
  }
  p.tensors[#p.tensors + 1] = models[1]:params()
  p.tensors[#p.tensors + 1] = models[2]:params()
  p.tensors[#p.tensors + 1] = models[3]:params()
  p.tensors[#p.tensors + 1] = -models[2]:gradient(multi.x, multi.y)
  p.servers = {
    flipside.server.new { model = models[1]:clone(), data = bin, workers = 3, batch = 4, attackers = { 3 }, b = 0.5 },
    flipside.server.new { model = models[2]:clone(), data = multi, workers = 4, batch = 3, attackers = { 1, 2 }, b = 1,
                          rule = "median", omniscient = false },
    flipside.server.new { model = models[3]:clone(), data = multi, shards = { { 1, 2, 3 }, { 4, 5 }, { 6, 7, 8 } },
                          mode = "local", local_steps = 2, attackers = { 2 }, b = 0.5 },
  }
  p.epochs = {
    flipside.attack.epoch { model = models[1], data = bin, k = 0.5, b = 1, rng = random_module.generator(2) },
    flipside.attack.epoch { model = models[3], data = multi, subset = { 1, 3, 5 }, b = 0.5, direction = "float" },
  }
  return p
end

-- A value for any argument: realistic most of the time, garbage otherwise.
local value

local function closed_object()
  local choice = R(4)
  local object
  if choice == 1 then object = T.ones(3)
  elseif choice == 2 then object = random_module.generator(1)
  elseif choice == 3 then object = flipside.model.logistic(3)
  else object = flipside.model.sgd() end
  if R(2) == 1 then
    do local closing <close> = object end
  else
    local meta = debug.getmetatable(object)
    meta.__gc(object)
  end
  return object
end

local function forged_object()
  local choice = R(4)
  -- The userdata box behind a native function, reachable through the debug
  -- library; taken from a copy of the module, so releasing it spares the pool.
  if choice == 4 then return select(2, debug.getupvalue(require("flipside.tensor").zeros, 1)) end
  if choice == 1 then return io.stdout end
  if choice == 2 then return setmetatable({}, { __name = "flipside.Tensor" }) end
  -- A real userdata of another type wearing the tensor's metatable.
  local g = random_module.generator(1)
  debug.setmetatable(g, debug.getmetatable(T.ones(1)))
  return g
end

local function random_table(level)
  local kind = R(8)
  if kind == 1 then return {} end
  if kind == 8 then
    -- 41 entries whose border (#t) is 2^40.
    local keys = {}
    for i = 0, 40 do keys[#keys + 1] = ("[%d] = v"):format(1 << i) end
    return load("local v = ...; return { " .. table.concat(keys, ", ") .. " }")(value(level + 1))
  end
  if kind == 2 then
    local t = {}
    for i = 1, R(0, 6) do t[i] = pick(numbers) end
    return t
  end
  if kind == 3 then return { { 1, 2 }, { 3, 4 } } end
  if kind == 4 then return { { 1, 2 }, { 3 } } end
  if kind == 5 then return { pick(pool.tensors), pick(pool.tensors) } end
  local t = {}
  for _ = 1, R(1, 6) do t[pick(option_keys)] = value(level + 1) end
  return t
end

local function policy(level)
  local kind = R(10)
  return function(ctx)
    if log then log:write(("  "):rep(level + 1), "policy kind ", kind, "\n") end
    if kind == 1 then return nil end
    if kind == 2 then error("policy fails on purpose") end
    if kind == 3 then error({ "a table as an error" }) end
    if kind == 4 then return value(level + 1), value(level + 1) end
    if kind == 5 then
      -- A well-formed answer: the first budget rows, labels moved by one.
      local rows, labels = {}, {}
      for i = 1, math.min(ctx.budget, ctx.subset:size()) do
        rows[i] = ctx.subset:get(i)
        labels[i] = (ctx.labels:get(rows[i]) + 1) % ctx.classes
      end
      return rows, labels
    end
    if kind == 6 then
      -- Tamper with what the context hands out, then answer.
      pick({ ctx.labels, ctx.features, ctx.delta, ctx.subset }):fill(pick(numbers))
      return ctx.subset, ctx.labels
    end
    if kind == 7 then
      for _, key in ipairs({ "model", "delta", "subset", "features", "labels", "rng" }) do
        local object = ctx[key]
        if object and R(2) == 1 then debug.getmetatable(object).__close(object) end
      end
      return ctx.subset, ctx.labels
    end
    if kind == 8 then return coroutine.yield(1) end
    -- Re-entrant engine calls from inside the round.
    for _ = 1, R(1, 3) do fuzz_call(level + 1) end
    return nil
  end
end

local function rule(level)
  local kind = R(5)
  return function(stack)
    if log then log:write(("  "):rep(level + 1), "rule kind ", kind, "\n") end
    if kind == 1 then return stack:sum(1) / stack:size(1) end
    if kind == 2 then return value(level + 1) end
    if kind == 3 then error("rule fails on purpose") end
    if kind == 4 then return stack:sum(1):fill(0 / 0) end
    fuzz_call(level + 1)
    return stack:mean(1)
  end
end

function value(level)
  level = level or 0
  local kind = R(22)
  if kind == 1 then return nil end
  if kind == 2 then return R(2) == 1 end
  if kind <= 4 then return pick(numbers) end
  if kind == 5 then return R(-3, 10) end
  if kind == 6 then return pick(strings) end
  if kind <= 8 and level < 3 then return random_table(level) end
  if kind <= 11 then return pick(pool.tensors) end
  if kind == 12 then return pick(pool.datasets) end
  if kind == 13 then return pick(pool.models) end
  if kind == 14 then return pick(pool.generators) end
  if kind == 15 then return pick(pool.optimizers) end
  if kind == 16 then return pick(pool.aggregators) end
  if kind == 17 then return pick(pool.servers) end
  if kind == 18 then return closed_object() end
  if kind == 19 then return forged_object() end
  if kind == 20 and level < 2 then return R(2) == 1 and policy(level) or rule(level) end
  if kind == 21 and #pool.recent > 0 then return pick(pool.recent) end
  return pick(pool.tensors)
end

-- The targets: every function of every module and every method of every type,
-- in a stable order so that a seed always means the same run.
local targets = {}
for _, module in ipairs(sorted_keys(flipside)) do
  if type(flipside[module]) == "table" and module ~= "params" and module ~= "defaults" then
    for _, name in ipairs(sorted_keys(flipside[module])) do
      -- flipside.blas is a table of strings, not a module
      if type(flipside[module][name]) == "function" then
        targets[#targets + 1] = { name = module .. "." .. name, fn = flipside[module][name] }
      end
    end
  elseif type(flipside[module]) == "function" then
    targets[#targets + 1] = { name = module, fn = flipside[module] }
  end
end
pool = build_pool()
-- IDX files for read_idx: a good one and broken ones, beside the log.
local idx_files = {}
if logpath then
  local header = string.char(0, 0, 8, 2, 0, 0, 0, 3, 0, 0, 0, 2) -- uint8, [3, 2]
  local contents = { header .. "abcdef", header .. "abc", string.char(0, 0, 8, 9), string.char(0, 0, 8, 1, 127, 255, 255, 255),
                     string.char(0, 0, 13, 1, 0, 0, 0, 2) .. ("\0"):rep(8), "" }
  local csv = assert(io.open(logpath .. ".csv", "w"))
  csv:write("a,b,label\n1,2,0\n3,4,1\n5,x,1\n6,7\n")
  csv:close()
  pool.csv_file = logpath .. ".csv"
  for i, bytes in ipairs(contents) do
    local path = logpath .. ".idx" .. i
    local f = assert(io.open(path, "wb"))
    f:write(bytes)
    f:close()
    idx_files[i] = path
  end
end
pool.idx_files = idx_files
local instances = {
  Tensor = T.ones(2), Generator = pool.generators[1], Model = pool.models[1], Optimizer = pool.optimizers[1],
  Aggregator = pool.aggregators[1], Server = pool.servers[1], AttackEpoch = pool.epochs[1],
}
local receivers = {
  Tensor = function() return pick(pool.tensors) end, Generator = function() return pick(pool.generators) end,
  Model = function() return pick(pool.models) end, Optimizer = function() return pick(pool.optimizers) end,
  Aggregator = function() return pick(pool.aggregators) end, Server = function() return pick(pool.servers) end,
  AttackEpoch = function() return pick(pool.epochs) end,
}
for _, type_name in ipairs(sorted_keys(instances)) do
  local meta = debug.getmetatable(instances[type_name])
  local names = sorted_keys(meta.__index)
  for _, name in ipairs(names) do
    targets[#targets + 1] = { name = type_name .. ":" .. name, fn = meta.__index[name], receiver = receivers[type_name] }
  end
  for _, event in ipairs({ "__add", "__sub", "__mul", "__div", "__unm", "__len", "__tostring", "__close", "__gc" }) do
    if meta[event] then
      targets[#targets + 1] = { name = type_name .. "." .. event, fn = meta[event], receiver = receivers[type_name] }
    end
  end
end

-- Well-formed arguments for the functions that need several matching ones,
-- so that calls get past the checks into the kernels; fuzz_call then breaks
-- one of them now and then.
local function model_and_data()
  local choice = R(3)
  local m = pool.models[choice]
  return m, choice == 1 and pool.bin or pool.multi
end

local function some_rows(n)
  local rows = {}
  for i = 1, R(0, n) do rows[i] = R(20) end
  return R(2) == 1 and rows or T.new(rows, "int32")
end

local function delta_for(m, d) return -m:gradient(d.x, d.y) end

local templates = {
  ["attack.apply"] = function()
    return pool.bin.y, { 1, 2, 3, 4, 5 }, { R(5), R(5) }, { R(0, 1), R(0, 2) }, R(0, 3), R(1, 3)
  end,
  ["attack.budget"] = function() return pick({ 0, 0.25, 1, 1.5, -0.1, 0 / 0 }), R(-1, 100) end,
  ["attack.scores"] = function() return pool.bin.x, some_rows(8), delta_for(pool.models[1], pool.bin) end,
  ["attack.class_scores"] = function() return pool.multi.x, some_rows(8), delta_for(pool.models[2], pool.multi) end,
  ["attack.greedy_binary"] = function()
    return pool.bin.x, pool.bin.y, some_rows(8), delta_for(pool.models[1], pool.bin), R(0, 4), pick({ "exact", "paper" })
  end,
  ["attack.greedy_multiclass"] = function()
    return pool.multi.x, pool.multi.y, some_rows(8), delta_for(pool.models[2], pool.multi), R(0, 4),
      pick({ "exact", "paper" }), pool.models[2]
  end,
  ["attack.provenance"] = function()
    local poisoned = pool.bin.y:clone()
    poisoned:set(1, 1 - poisoned:get(1))
    return pool.models[1], pool.bin.x, pool.bin.y, poisoned, { 1, 2, 3 }, delta_for(pool.models[1], pool.bin),
      pool.models[1]:gradient(pool.bin.x, pool.bin.y)
  end,
  ["data.normalize"] = function() return pick({ "none", "minmax", "standardize" }), pool.bin, pool.bin, pool.multi end,
  ["data.select_classes"] = function() return pool.multi, pick({ { 0, 2 }, { 2, 1, 0 }, { 1, 1 }, { 0 } }) end,
  ["data.shards"] = function()
    return pick({ pool.bin, pool.multi }), R(1, 6), { rng = pick(pool.generators), scheme = pick({ "iid", "dirichlet" }), alpha = pick({ 0.1, 1, 0 }) }
  end,
  ["data.split"] = function() return pool.multi, pick({ 0, 0.3, 1 }), pick(pool.generators) end,
  ["data.read_idx"] = function() return pool.idx_files and pick(pool.idx_files) or "/dev/null" end,
  ["metrics.accuracy"] = function() return pool.multi.y, pool.models[2]:predict(pool.multi.x), 3 end,
  ["metrics.macro_f1"] = function() return pool.multi.y, pool.models[3]:predict(pool.multi.x) end,
  ["metrics.confusion"] = function() return pool.bin.y, pool.models[1]:predict(pool.bin.x), R(1, 3) end,
  ["metrics.cosine"] = function() return pick(pool.tensors), pick(pool.tensors) end,
  ["model.mlp"] = function() return R(1, 4), R(1, 4), R(2, 4), pick(pool.generators) end,
  ["model.softmax"] = function() return R(1, 4), R(2, 4) end,
  ["server.stack"] = function() return { pick(pool.tensors), pick(pool.tensors), pick(pool.tensors) } end,
  ["server.new"] = function()
    local m, d = model_and_data()
    return { model = m:clone(), data = d, workers = R(1, 5), batch = R(1, 6), attackers = { R(1, 5) }, b = pick({ 0, 0.5, 1 }),
             rule = pick({ "mean", "median", "krum", "trimmed_mean", "geometric_median" }), f = R(0, 2),
             mode = pick({ "gradient", "local" }), omniscient = R(2) == 1 }
  end,
  ["data.load"] = function()
    local choice = R(4)
    if choice == 1 then return "blobs", { n = R(0, 30), d = R(0, 4), classes = R(0, 4), separation = pick(numbers), seed = R(9) } end
    if choice == 2 then return "csv", { path = pool.csv_file or "/dev/null", label = pick({ "label", 1, 3, "nope" }) } end
    return pick({ "mnist", "cifar10", "cifar100", "fashion-mnist" }), { dir = pick({ "/nonexistent", "/dev", "/tmp" }), split = "test" }
  end,
  ["tensor.full"] = function() return { R(0, 3), R(0, 3) }, pick(numbers), pick({ "float32", "int32", "uint8" }) end,
  ["server.stack"] = function()
    local t = pick(pool.tensors)
    return R(4) == 1 and { t, pick(pool.tensors) } or { t, t:clone(), t }
  end,
  ["metrics.norm_ratio"] = function() return pool.tensors[6], pick({ pool.tensors[6], pool.tensors[22] }) end,
  ["Generator:integer"] = function() return pick(pool.generators), R(1, 10), R(2) == 1 and R(0, 5) or nil end,
  ["Model:set_params"] = function()
    local m = pick(pool.models)
    return m, R(3) == 1 and pick(pool.tensors) or m:params() * pick(numbers)
  end,
  ["Tensor:pick"] = function() return pool.tensors[6], { R(0, 4), R(0, 4), R(0, 4), R(0, 4) } end,
  ["Generator:sample"] = function() return pick(pool.generators), R(0, 30), R(0, 10) end,
  ["Tensor:set"] = function() return pool.tensors[6], R(0, 5), R(0, 4), pick(numbers) end,
  ["Optimizer:step"] = function()
    local m, d = model_and_data()
    return pick(pool.optimizers), m, m:gradient(d.x, d.y)
  end,
  ["Server:round"] = function(level) return pick(pool.servers), policy(level), R(3) == 1 and rule(level) or nil end,
}
templates["attack.epoch"] = function()
  local m, d = model_and_data()
  if R(2) == 1 then
    return { model = m, data = d, subset = some_rows(6), b = pick({ 0, 0.5, 1, 2 }), direction = pick({ "robust", "float", "x" }) }
  end
  return { model = m, data = d, k = pick({ 0, 0.3, 1, -1 }), rng = pick(pool.generators), b = pick({ 0, 0.5, 1 }) }
end
templates["AttackEpoch:apply"] = function()
  local e = pick(pool.epochs)
  local rows, labels = {}, {}
  local subset = e:subset()
  for i = 1, R(0, math.min(2, subset:size(1))) do rows[i], labels[i] = subset:get(i), R(0, 2) end
  return e, rows, labels, R(3) == 1 and pick(pool.tensors) or nil
end
templates["tensor.one_hot"] = function() return T.new({ R(0, 3), R(0, 3) }, "int32"), R(1, 4) end
templates["tensor.where"] = function()
  local t = pick(pool.tensors)
  return t:ne(0), t, R(3) == 1 and pick(pool.tensors) or t:clone()
end
templates["tensor.cat"] = function() local t = pick(pool.tensors) return { t, R(2) == 1 and t or pick(pool.tensors) } end
templates["tensor.stack"] = function() local t = pick(pool.tensors) return { t, R(2) == 1 and t:clone() or pick(pool.tensors) } end
templates["Tensor:index_add"] = function()
  local t = pool.tensors[6]
  return t, { R(0, 4), R(0, 4) }, R(3) == 1 and pick(pool.tensors) or t:rows({ 1, 2 })
end
-- Checkpoints are written beside the log only, and read back from there or from the reader files.
templates["Model:save"] = function() return pick(pool.models), (logpath or "/tmp/flipside-fuzz") .. ".model" end
templates["model.load"] = function()
  return pick({ (logpath or "/tmp/flipside-fuzz") .. ".model", pool.csv_file or "/dev/null", "/nonexistent/file" })
end
templates["Tensor:reshape"] = function() local t = pick(pool.tensors) return t, t:numel() end
templates["AttackEpoch:layer_delta"] = function() return pick(pool.epochs), R(0, 3) end
templates["Tensor:get"] = function() return pool.tensors[6], R(0, 3), R(2) == 1 and R(0, 3) or nil end
for _, name in ipairs({ "accuracy", "evaluate", "loss", "gradient", "losses", "direction" }) do
  templates["Model:" .. name] = function()
    local m, d = model_and_data()
    local y = R(4) == 1 and pool.bin.y or d.y
    return m, d.x, y, R(2) == 1 and some_rows(6) or nil, R(3) == 1 and { R(0, 2), R(0, 2) } or nil
  end
end
templates["Model:layer_gradient"] = function()
  local m, d = model_and_data()
  return m, R(0, 3), d.x, R(4) == 1 and pool.bin.y or d.y, R(2) == 1 and some_rows(6) or nil,
    R(3) == 1 and { R(0, 2), R(0, 2) } or nil
end
for _, name in ipairs({ "features", "probabilities", "predict" }) do
  templates["Model:" .. name] = function()
    local m, d = model_and_data()
    return m, d.x, R(2) == 1 and some_rows(6) or nil
  end
end
templates["Model:layer"] = function()
  local m = pick(pool.models)
  return m, R(0, 3), R(2) == 1 and m:params() or nil
end
templates["Model:set_layer"] = function()
  local m = pick(pool.models)
  local i = R(1, m:layer_count())
  return m, i, R(3) == 1 and pick(pool.tensors) or m:layer(i)
end
templates["Model:train_epoch"] = function()
  local m, d = model_and_data()
  local options = { rng = pick(pool.generators), batch = pick({ 1, 4, 64, 0 }), rows = R(2) == 1 and some_rows(6) or nil }
  if R(2) == 1 then options.optimizer = pick(pool.optimizers) else options.lr = pick({ 0.1, 1e30, 0 / 0 }) end
  return m, d.x, d.y, options
end

local function describe(v)
  local t = type(v)
  if t == "number" then return string.format(math.type(v) == "integer" and "%d" or "%.17g", v) end
  if t == "string" then return string.format("%q", #v > 20 and v:sub(1, 20) .. "..." or v) end
  if t == "userdata" then
    local ok, text = pcall(tostring, v)
    return ok and text:sub(1, 40) or "userdata"
  end
  if t == "table" then return "table#" .. #v end
  return t
end

local non_string_examples = 0

local function record(target, ok, err)
  if ok then
    stats.ok = stats.ok + 1
    target.ok = (target.ok or 0) + 1
  elseif type(err) == "string" then
    stats.errors = stats.errors + 1
  else
    stats.nonstring = stats.nonstring + 1
    if non_string_examples < 5 then
      non_string_examples = non_string_examples + 1
      print(string.format("non-string error from %s: %s", target.name, describe(err)))
    end
  end
end

function fuzz_call(level)
  level = level or 0
  if stats.calls >= budget + 1000 or level > 2 then return end
  local target = pick(targets)
  local args, n = {}, R(0, 6)
  local template = templates[target.name]
  -- A function that writes a file at the path it is given gets its template's path, always.
  local writes = target.name == "Model:save"
  if template and (writes or R(4) > 1) then
    local ok, built = pcall(function() return table.pack(template(level)) end)
    if ok then
      args, n = built, built.n
      if not writes and R(3) == 1 and n > 0 then args[R(n)] = value(level) end
    end
  else
    local first = 1
    if target.receiver and R(10) > 1 then
      args[1], first = target.receiver(), 2
      n = math.max(n, 1)
    end
    for i = first, n do args[i] = value(level) end
  end
  stats.calls = stats.calls + 1
  if log then
    local parts = {}
    for i = 1, n do parts[i] = describe(args[i]) end
    log:write(("  "):rep(level), stats.calls, " ", target.name, "(", table.concat(parts, ", "), ")\n")
  end
  local results
  if R(20) == 1 then
    local co = coroutine.wrap(function() return table.pack(pcall(target.fn, table.unpack(args, 1, n))) end)
    results = co()
  else
    results = table.pack(pcall(target.fn, table.unpack(args, 1, n)))
  end
  if type(results) ~= "table" or results.n == nil then return end
  local ok, err = results[1], results[2]
  -- A table error is legitimate when it comes from a callback that raised one.
  if not ok and type(err) == "table" and err[1] == "a table as an error" then err = "callback table" end
  record(target, ok, err)
  if ok and results.n >= 2 and type(results[2]) == "userdata" and #pool.recent < 40 then
    pool.recent[#pool.recent + 1] = results[2]
  end
end

local started, rebuild = os.clock(), 2000
while stats.calls < budget do
  fuzz_call(0)
  if stats.calls >= rebuild then
    rebuild = rebuild + 2000
    local csv_file = pool.csv_file
    pool = build_pool()
    pool.idx_files, pool.csv_file = idx_files, csv_file
    collectgarbage()
  end
end
local never = {}
for _, target in ipairs(targets) do
  if not target.ok then never[#never + 1] = target.name end
end
if log then log:write("done\n") end
if #never > 0 then print("never succeeded: " .. table.concat(never, " ")) end
print(string.format("calls %d ok %d errors %d non-string %d targets %d succeeded %d seed %d cpu %.1f s",
  stats.calls, stats.ok, stats.errors, stats.nonstring, #targets, #targets - #never, seed, os.clock() - started))
