local server = require "flipside.server"
local context = require "flipside.context"
local declare = require "flipside.declare"

local federated = {}
local doc = declare.module("flipside.federated", "Federated training on the parameter server (paper Section 2.2): a server object whose rounds run natively, with the flip policy and an optional aggregation rule written in Lua.")

local Server = {}
Server.__index = Server

doc:func("server", "A server: everything flipside.server.new takes (flipside.ServerOptions), plus policy (a flip policy of a context) and rule as a Lua function of the stacked messages.", { { "opts", "flipside.ServerOptions", "the server's options, plus policy and a Lua rule" } }, { { "table", "the server (round, run, model, rounds)" } })
function federated.server(opts)
  if type(opts) ~= "table" then error("federated.server: options table expected, got " .. type(opts), 2) end
  if opts.policy ~= nil and type(opts.policy) ~= "function" then
    error("federated.server: 'policy' must be a function, got " .. type(opts.policy), 2)
  end
  local native, lua_rule = {}, nil
  for key, value in pairs(opts) do
    if key == "rule" and type(value) == "function" then
      lua_rule = value
    elseif key ~= "policy" then
      native[key] = value
    end
  end
  local ok, core = pcall(server.new, native)
  if not ok then
    -- The native options' error, worded for this function.
    local inner = type(core) == "string" and core:match("bad argument #1 to 'new' %((.*)%)$")
    error(inner and ("federated.server: " .. inner) or core, 2)
  end
  return setmetatable({ core = core, policy = opts.policy, rule = lua_rule }, Server)
end

doc:func("Server:round", "One round.", {}, { { "flipside.RoundRecord", "its record" } })
function Server:round()
  return self.core:round(self.policy and context.native(self.policy), self.rule)
end

doc:func("Server:model", "The global model.", {}, { { "flipside.Model", "the model" } })
function Server:model() return self.core:model() end
doc:func("Server:rounds", "Rounds run so far.", {}, { { "integer", "the count" } })
function Server:rounds() return self.core:rounds() end

federated.run_options = declare.options("Server:run", {
  { "rounds", "integer", "the number of rounds", default = 1, min = 0 },
  { "test", "flipside.Dataset", "test data: every `every`-th round's record (and the last's) carries test_accuracy" },
  { "every", "integer", "how often to measure test accuracy", default = 1, min = 1 },
  { "on_round", "function", "called with each round's record" },
})

doc:func("Server:run", "Runs rounds.", { { "opts", "flipside.Server.run.Options", "the options" } }, { { "table[]", "the rounds' records" } }, federated.run_options)
function Server:run(opts)
  opts = federated.run_options:check(opts)
  local rounds, every = opts.rounds, opts.every
  local history = {}
  for r = 1, rounds do
    local record = self:round()
    if opts.test and (r % every == 0 or r == rounds or record.status ~= "ok") then
      record.test_accuracy = self:model():accuracy(opts.test.x, opts.test.y)
    end
    history[#history + 1] = record
    if opts.on_round then opts.on_round(record) end
    if record.status ~= "ok" then break end
  end
  return history
end

function Server:__tostring() return tostring(self.core) end

return federated
