--- Declarations of the stdlib's option tables: each option once, with its
-- type, range or choices, default and one line of doc. The declaration checks
-- a call's options (an unknown key is an error naming it and the nearest
-- declared one), fills the defaults, and is what `flipside docs` writes into
-- docs/api.md and the LuaCATS stubs.
--
--   local train_options = declare.options("protocol.train", {
--     { "epochs", "integer", "the number of epochs", default = 1, min = 0 },
--     { "policy", "function", "the flip policy", optional = true },
--     { "direction", "string", "how Delta is computed", choices = { "robust", "float" }, default = "robust" },
--   })
--   opts = train_options:check(opts)   -- in protocol.train
local flipside = require "flipside"

local declare = {}

--- Every declaration made, in order (what the reference is generated from):
-- option tables (kind "options"), modules and functions.
declare.registry = {}

local Options = {}
Options.__index = Options

local function describe(value)
  if type(value) == "string" then return string.format("%q", value) end
  if type(value) == "number" or type(value) == "boolean" or value == nil then return tostring(value) end
  return flipside.type(value)
end

--- Whether `value` has the declared type: a Lua type name, "integer", "any",
-- "flipside.Dataset" (a table of x and y tensors) or a flipside type
-- ("flipside.Tensor", "flipside.Model", ...).
local function has_type(value, t)
  if t == "any" then return true end
  if t == "integer" then return math.type(value) == "integer" end
  if t == "flipside.Dataset" then
    return type(value) == "table" and flipside.type(rawget(value, "x")) == "flipside.Tensor"
      and flipside.type(rawget(value, "y")) == "flipside.Tensor"
  end
  if t:find("^flipside%.") then return flipside.type(value) == t end
  return type(value) == t
end

local function article(t)
  if t:find("^flipside%.") then return t end
  return (t:find("^[aeiou]") and "an " or "a ") .. t
end

--- What a field expects, in words: "an integer in [0, 1]", "one of 'robust', 'float'".
local function expectation(field)
  if field.choices then
    local words = {}
    for i, c in ipairs(field.choices) do words[i] = string.format("'%s'", tostring(c)) end
    return "one of " .. table.concat(words, ", ")
  end
  local text = article(field.type)
  if field.min and field.max then
    text = string.format("%s in [%s, %s]", text, tostring(field.min), tostring(field.max))
  elseif field.min then
    text = string.format("%s ≥ %s", text, tostring(field.min))
  elseif field.max then
    text = string.format("%s ≤ %s", text, tostring(field.max))
  end
  return text
end

--- A declaration of the options of `name`: fields {name, type, doc, default
-- = v, required = true, choices = {...}, min, max}. A field with neither a
-- default nor `required` is optional (nil when not given).
function declare.options(name, fields, noun)
  local spec = setmetatable({ kind = "options", name = name, fields = {}, by_name = {},
    noun = noun or "option" }, Options)
  for i, f in ipairs(fields) do
    local field = { name = f[1], type = f[2], doc = f[3], default = f.default, required = f.required == true,
      choices = f.choices, min = f.min, max = f.max }
    assert(type(field.name) == "string" and type(field.type) == "string" and type(field.doc) == "string",
      name .. ": field " .. i .. " needs a name, a type and a doc")
    spec.fields[i], spec.by_name[field.name] = field, field
  end
  if spec.noun == "option" then declare.registry[#declare.registry + 1] = spec end
  return spec
end

--- The names of the declared fields, in order.
function Options:names()
  local names = {}
  for i, f in ipairs(self.fields) do names[i] = f.name end
  return names
end

--- Checks `opts` against the declaration and returns a copy with the
-- defaults filled in. Errors name the function and the option, at `level`
-- (default: the caller of the function that called check).
function Options:check(opts, level)
  level = (level or 2) + 1
  if opts == nil then opts = {} end
  if type(opts) ~= "table" then
    error(string.format("%s: options table expected, got %s", self.name, describe(opts)), level)
  end
  for key in next, opts do
    if type(key) ~= "string" or not self.by_name[key] then
      local hint = type(key) == "string" and flipside.nearest(key, self:names())
      error(string.format("%s: unknown %s '%s'%s", self.name, self.noun, tostring(key),
        hint and string.format(" (did you mean '%s'?)", hint) or ""), level)
    end
  end
  local out = {}
  for _, f in ipairs(self.fields) do
    local value = rawget(opts, f.name)
    if value == nil then
      if f.required then error(string.format("%s: %s '%s' is required (%s)", self.name, self.noun, f.name, expectation(f)), level) end
      value = f.default
    elseif not has_type(value, f.choices and "any" or f.type) then
      error(string.format("%s: %s '%s' must be %s, got %s", self.name, self.noun, f.name, expectation(f), describe(value)), level)
    else
      local ok = true
      if f.choices then
        ok = false
        for _, c in ipairs(f.choices) do ok = ok or value == c end
      end
      if (f.min and value < f.min) or (f.max and value > f.max) or value ~= value then ok = false end
      if not ok then
        error(string.format("%s: %s '%s' must be %s, got %s", self.name, self.noun, f.name, expectation(f), describe(value)), level)
      end
    end
    out[f.name] = value
  end
  return out
end

local Module = {}
Module.__index = Module

--- A stdlib module's declaration: `doc:func(...)` declares its functions.
function declare.module(name, summary)
  local module = setmetatable({ kind = "module", name = name, summary = summary }, Module)
  declare.registry[#declare.registry + 1] = module
  return module
end

--- Declares the module's function `name` ("train", or "Server:run" for a
-- method): its parameters {name, type, doc, optional = true}, its returns
-- {type, doc}, and `options` (a declare.options spec) when a parameter is an
-- options table (its type is then that spec's documented table).
function Module:func(name, summary, params, returns, options)
  local entry = { kind = "function", module = self.name, name = self.name .. "." .. name,
    summary = summary, params = params or {}, returns = returns or {}, options = options and options.name }
  declare.registry[#declare.registry + 1] = entry
end

--- The documented table type of an options spec: "flipside.<name>.Options".
function declare.options_type(spec) return "flipside." .. spec.name:gsub(":", ".") .. ".Options" end

--- The script's parameters, declared like options (nmap's @args): every
-- `--set name=value` must name one of `fields` and have its type; the
-- result holds each parameter's value or default. A data script also
-- returns the fields as its `params`, so the runner knows them.
--   local P = declare.params { { "k", "number", "the attacker's fraction", default = 0.2, min = 0, max = 1 } }
function declare.params(fields)
  local spec = declare.options("--set", fields, "parameter")
  local given = {}
  for name, value in pairs(flipside.params) do given[name] = value end
  for _, f in ipairs(fields) do
    if f.formerly and given[f.formerly] ~= nil and given[f[1]] == nil then
      error(string.format("--set %s: the parameter is now '%s'", f.formerly, f[1]), 0)
    end
  end
  return spec:check(given, 2), fields
end

local doc = declare.module("flipside.declare", "Declarations of option tables, script parameters and stdlib functions: each option once, with its type, range or choices, default and doc; the declaration checks a call (an unknown key is an error naming it and the nearest declared one), fills the defaults, and is what `flipside docs` writes into the reference.")
doc:func("options", "Declares the options of a function: fields {name, type, doc, default = v, required = true, choices = {...}, min, max}.",
  { { "name", "string", "the function, as errors name it" }, { "fields", "table[]", "the options" } }, { { "table", "the declaration, with check(opts [, level]) and names()" } })
doc:func("params", "Declares a script's parameters like options (nmap's @args) and reads them from --set: an unknown name, or a value of another type, is an error naming it; a field's `formerly` names what it was called, which --set is then told.",
  { { "fields", "table[]", "the parameters" } }, { { "table", "each parameter's value or default" }, { "table[]", "the fields (a data script's params)" } })
doc:func("module", "Declares a stdlib module for the reference.", { { "name", "string", "the module's require name" },
  { "summary", "string", "what it is for" } }, { { "table", "the declaration, with func(name, summary, params, returns [, options])" } })
doc:func("options_type", "The reference's table type of a declaration of options.", { { "spec", "table", "a declaration" } },
  { { "string", "\"flipside.<name>.Options\"" } })

return declare
