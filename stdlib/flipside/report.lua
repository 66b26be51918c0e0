local declare = require "flipside.declare"
local report = {}
local doc = declare.module("flipside.report", "Helpers for a data script's report(results, context): group runs by parameters, summarise a metric over seeds, print and save tables.")

doc:func("mean", "The mean of a list of numbers (NaN for none).", { { "values", "number[]", "the numbers" } }, { { "number", "the mean" } })
function report.mean(values)
  local sum = 0
  for _, v in ipairs(values) do sum = sum + v end
  return #values > 0 and sum / #values or 0 / 0
end

doc:func("std", "The sample standard deviation (n − 1) of a list of numbers; 0 for a single value.", { { "values", "number[]", "the numbers" } }, { { "number", "the standard deviation" } })
function report.std(values)
  if #values < 2 then return 0 end
  local m, sum = report.mean(values), 0
  for _, v in ipairs(values) do sum = sum + (v - m) ^ 2 end
  return math.sqrt(sum / (#values - 1))
end

doc:func("select", "The runs that succeeded and match every name = value of `where`.", { { "results", "table[]", "the runs a report receives" }, { "where", "table", "parameter name = value", optional = true } }, { { "table[]", "the matching runs" } })
function report.select(results, where)
  local out = {}
  for _, r in ipairs(results) do
    local keep = r.status == "ok"
    for name, value in pairs(where or {}) do
      if r.params[name] ~= value then keep = false end
    end
    if keep then out[#out + 1] = r end
  end
  return out
end

doc:func("group", "Groups the successful runs by the parameters named in `keys` and summarises `metric` over the seeds; sorted by the keys.", { { "results", "table[]", "the runs" }, { "keys", "string[]", "the parameters that make a group" }, { "metric", "string|function", "a name in r.metrics, or a function of the run" } }, { { "table[]", "{params, mean, std, n, values} per group" } })
function report.group(results, keys, metric)
  local groups, order = {}, {}
  for _, r in ipairs(report.select(results)) do
    local parts = {}
    for i, k in ipairs(keys) do parts[i] = tostring(r.params[k]) end
    local id = table.concat(parts, "\0")
    local value = type(metric) == "function" and metric(r) or r.metrics[metric]
    if value ~= nil then
      if not groups[id] then
        local params = {}
        for _, k in ipairs(keys) do params[k] = r.params[k] end
        groups[id] = { params = params, values = {} }
        order[#order + 1] = groups[id]
      end
      table.insert(groups[id].values, value)
    end
  end
  for _, g in ipairs(order) do g.mean, g.std, g.n = report.mean(g.values), report.std(g.values), #g.values end
  table.sort(order, function(a, b)
    for _, k in ipairs(keys) do
      local x, y = a.params[k], b.params[k]
      if x ~= y then
        if type(x) == type(y) and (type(x) == "number" or type(x) == "string") then return x < y end
        return tostring(x) < tostring(y)
      end
    end
    return false
  end)
  return order
end

doc:func("curve", "Mean and std over seeds of a per-epoch metric, for the successful runs in `results`.", { { "results", "table[]", "the runs" }, { "metric", "string", "a per-epoch metric" } }, { { "table", "{epoch = {...}, mean = {...}, std = {...}}" } })
function report.curve(results, metric)
  local epochs, mean, std = {}, {}, {}
  local longest = 0
  for _, r in ipairs(results) do longest = math.max(longest, #r.epochs) end
  for e = 1, longest do
    local values = {}
    for _, r in ipairs(results) do
      local v = r.epochs[e] and r.epochs[e][metric]
      if v ~= nil and v == v then values[#values + 1] = v end
    end
    epochs[e], mean[e], std[e] = e, report.mean(values), report.std(values)
  end
  return epochs, mean, std
end

doc:func("print_table", "Prints rows (lists of values) under headers, columns aligned.", { { "headers", "string[]", "the column headers" }, { "rows", "table[]", "lists of values" } }, {})
function report.print_table(headers, rows)
  local widths = {}
  local function cell(v) return type(v) == "number" and string.format("%.4g", v) or tostring(v) end
  for i, h in ipairs(headers) do widths[i] = #h end
  for _, row in ipairs(rows) do
    for i, v in ipairs(row) do widths[i] = math.max(widths[i] or 0, #cell(v)) end
  end
  local function line(values)
    local parts = {}
    for i, v in ipairs(values) do parts[i] = string.format("%" .. widths[i] .. "s", cell(v)) end
    print(table.concat(parts, "  "))
  end
  line(headers)
  for _, row in ipairs(rows) do line(row) end
end

--- RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
local function csv_field(text)
  if not text:find('[,"\r\n]') then return text end
  return '"' .. text:gsub('"', '""') .. '"'
end

--- A Markdown cell: a pipe escaped, line breaks as spaces.
local function md_cell(text) return (text:gsub("|", "\\|"):gsub("[\r\n]+", " ")) end

doc:func("write_table", "Writes rows under headers as CSV (RFC 4180 quoting) and as a Markdown table.", { { "path", "string", "the path without extension" }, { "headers", "string[]", "the column headers" }, { "rows", "table[]", "lists of values" } }, {})
function report.write_table(path, headers, rows)
  local function cell(v) return type(v) == "number" and string.format("%.6g", v) or tostring(v) end
  local function line(values, field, sep)
    local out = {}
    for i = 1, #headers do out[i] = field(values[i] == nil and "" or cell(values[i])) end
    return table.concat(out, sep)
  end
  local csv = { line(headers, csv_field, ",") }
  local md = { "| " .. line(headers, md_cell, " | ") .. " |", "|" .. string.rep("---|", #headers) }
  for _, row in ipairs(rows) do
    csv[#csv + 1] = line(row, csv_field, ",")
    md[#md + 1] = "| " .. line(row, md_cell, " | ") .. " |"
  end
  for _, ext in ipairs { "csv", "md" } do
    local f = assert(io.open(path .. "." .. ext, "w"))
    f:write(table.concat(ext == "csv" and csv or md, "\n"), "\n")
    f:close()
  end
end

return report
