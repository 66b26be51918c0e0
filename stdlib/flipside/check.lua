local declare = require "flipside.declare"
local check = {}
local doc = declare.module("flipside.check", "Assertions for Lua-level tests (`flipside test`): each raises an error naming what failed.")

local function fail(level, fmt, ...)
  error(string.format(fmt, ...), level + 1)
end

doc:func("eq", "actual == expected.", { { "actual", "any", "the value" }, { "expected", "any", "what it must equal" }, { "what", "string", "what is checked", optional = true } }, {})
function check.eq(actual, expected, what)
  if actual ~= expected then
    fail(2, "%s: expected %s, got %s", what or "value", tostring(expected), tostring(actual))
  end
end

doc:func("ne", "actual ~= unexpected.", { { "actual", "any", "the value" }, { "unexpected", "any", "what it must not equal" }, { "what", "string", "what is checked", optional = true } }, {})
function check.ne(actual, unexpected, what)
  if actual == unexpected then
    fail(2, "%s: expected anything but %s", what or "value", tostring(unexpected))
  end
end

doc:func("near", "|actual − expected| ≤ tol.", { { "actual", "number", "the value" }, { "expected", "number", "the expected value" }, { "tol", "number", "the tolerance" }, { "what", "string", "what is checked", optional = true } }, {})
function check.near(actual, expected, tol, what)
  if type(actual) ~= "number" or not (math.abs(actual - expected) <= tol) then
    fail(2, "%s: expected %s within %g, got %s", what or "value", tostring(expected), tol, tostring(actual))
  end
end

doc:func("truthy", "v is neither nil nor false.", { { "v", "any", "the value" }, { "what", "string", "what is checked", optional = true } }, {})
function check.truthy(v, what)
  if not v then fail(2, "%s is false", what or "condition") end
end

doc:func("raises", "Calls f(...) expecting an error whose message matches `pattern` (a Lua pattern).", { { "pattern", "string", "a Lua pattern" }, { "f", "function", "the function" }, { "...", "any", "its arguments" } }, { { "string", "the message" } })
function check.raises(pattern, f, ...)
  local ok, err = pcall(f, ...)
  if ok then fail(2, "expected an error matching '%s', got none", pattern) end
  if not tostring(err):find(pattern) then
    fail(2, "error '%s' does not match '%s'", tostring(err), pattern)
  end
  return err
end

doc:func("same_table", "Two sequences with equal elements.", { { "a", "table", "a sequence" }, { "b", "table", "a sequence" }, { "what", "string", "what is checked", optional = true } }, {})
function check.same_table(a, b, what)
  what = what or "table"
  if #a ~= #b then fail(2, "%s length: expected %d, got %d", what, #b, #a) end
  for i = 1, #a do
    if a[i] ~= b[i] then
      fail(2, "%s[%d]: expected %s, got %s", what, i, tostring(b[i]), tostring(a[i]))
    end
  end
end

return check
