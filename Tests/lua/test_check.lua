-- The assertion library itself: passing checks stay quiet, failing ones name the caller's line.
local check = require "flipside.check"

check.eq(1 + 1, 2)
check.ne("a", "b")
check.near(0.1 + 0.2, 0.3, 1e-12)
check.truthy(true)
check.same_table({ 1, 2, 3 }, { 1, 2, 3 })
check.eq(check.raises("boom", error, "boom"), "boom")

local function message(f, ...)
  local ok, err = pcall(f, ...)
  check.eq(ok, false, "the check fails")
  return err
end
check.truthy(message(check.eq, 1, 2, "sum"):find("sum: expected 2, got 1", 1, true), "eq message")
check.truthy(message(check.ne, 3, 3):find("expected anything but 3", 1, true), "ne message")
check.truthy(message(check.near, 1, 2, 0.5):find("expected 2 within 0.5, got 1", 1, true), "near message")
check.truthy(message(check.near, 0 / 0, 0, 1), "NaN is never near")
check.truthy(message(check.truthy, nil, "flag"):find("flag is false", 1, true), "truthy message")
check.truthy(message(check.raises, "x", function() end):find("got none", 1, true), "raises without an error")
check.truthy(message(check.raises, "x", error, "y"):find("does not match", 1, true), "raises with another error")
check.truthy(message(check.same_table, { 1 }, { 1, 2 }):find("length", 1, true), "same_table length")
check.truthy(message(check.same_table, { 1, 3 }, { 1, 2 }):find("table[2]: expected 2, got 3", 1, true), "same_table element")

local ok, err = pcall(function() check.eq(1, 2) end)
check.truthy(not ok and err:find("test_check%.lua:%d+: value: expected 2, got 1"), "errors point at the caller's line")

-- report.write_table quotes what CSV needs quoted, and keeps Markdown cells whole.
local report = require "flipside.report"
local base = (TEST_TMP or error("TEST_TMP is not set")) .. "/write_table"
report.write_table(base, { "name", "value" }, { { 'a,b', 1 }, { 'say "hi"', 2.5 }, { "x|y", "line\nbreak" } })
local f = assert(io.open(base .. ".csv"))
local csv = f:read("a")
f:close()
check.eq(csv, 'name,value\n"a,b",1\n"say ""hi""",2.5\nx|y,"line\nbreak"\n')
f = assert(io.open(base .. ".md"))
local md = f:read("a")
f:close()
check.truthy(md:find("| x\\|y | line break |", 1, true) ~= nil, md)
