--- A tiny assertion library for Lua-level tests.
local check = {}

function check.eq(actual, expected, what)
  if actual ~= expected then
    error(string.format("%s: expected %s, got %s", what or "value", tostring(expected), tostring(actual)), 2)
  end
end

function check.near(actual, expected, tol, what)
  if math.abs(actual - expected) > tol then
    error(string.format("%s: expected %s within %g, got %s", what or "value", tostring(expected), tol, tostring(actual)), 2)
  end
end

function check.truthy(v, what)
  if not v then error((what or "condition") .. " is false", 2) end
end

--- Calls f(...) expecting an error whose message matches `pattern` (a Lua pattern).
function check.raises(pattern, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("expected an error matching '" .. pattern .. "', got none", 2) end
  if not tostring(err):find(pattern) then
    error(string.format("error '%s' does not match '%s'", tostring(err), pattern), 2)
  end
  return err
end

function check.same_table(a, b, what)
  check.eq(#a, #b, (what or "table") .. " length")
  for i = 1, #a do check.eq(a[i], b[i], (what or "table") .. "[" .. i .. "]") end
end

return check
