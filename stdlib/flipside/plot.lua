local declare = require "flipside.declare"

local plot = {}
local doc = declare.module("flipside.plot", "Figures through gnuplot: each call writes <file>.dat (the numbers), <file>.gp (the plot, re-runnable by hand), <file>.png and <file>.svg; in a sandbox only the first two.")

local panel_fields = {
  { "kind", "string", "what the panel draws", choices = { "lines", "heatmap" }, default = "lines" },
  { "title", "string", "the panel's title" },
  { "xlabel", "string", "the x axis's label" },
  { "ylabel", "string", "the y axis's label" },
  { "series", "table", "lines: {{name, x = {...}, y = {...}, err = {...}}, ...}, err drawn as a band" },
  { "band", "string", "lines: what the bands are, shown in the key (e.g. \"± 1 std, 6 seeds\")" },
  { "key", "string", "lines: where the key goes (gnuplot's words, e.g. \"bottom left\")" },
  { "logx", "boolean", "lines: a logarithmic x axis" },
  { "yrange", "table", "lines: {low, high} of the y axis" },
  { "x", "table", "heatmap: the column values (numbers, or strings printed as they are)" },
  { "y", "table", "heatmap: the row values (numbers, or strings printed as they are)" },
  { "z", "table", "heatmap: z[iy][ix], printed in the cells" },
  { "zlabel", "string", "heatmap: the colour bar's label" },
  { "err", "table", "heatmap: err[iy][ix], printed after the value as ± err (a spread over seeds)" },
  { "format", "string", "heatmap: the cells' number format", default = "%.3g" },
  { "palette", "string", "heatmap: a gnuplot palette" },
}
local function with(fields, extra)
  local all = {}
  for _, f in ipairs(fields) do all[#all + 1] = f end
  for _, f in ipairs(extra) do all[#all + 1] = f end
  return all
end
local size_fields = {
  { "width", "integer", "the image's width in pixels (900 a panel)", min = 1 },
  { "height", "integer", "the image's height in pixels (620)", min = 1 },
}
plot.panel_options = declare.options("plot.panel", panel_fields)
plot.figure_options = declare.options("plot.figure", with(with({ { "file", "string", "the path without extension", required = true } }, panel_fields), size_fields))
plot.panels_options = declare.options("plot.panels", with({ { "file", "string", "the path without extension", required = true }, { "title", "string", "the figure's title" },
    { "panels", "table", "the panels (plot.panel's options each)", required = true } }, size_fields))

local function fail(fmt, ...) error("plot: " .. string.format(fmt, ...), 3) end

local function quote(text)
  return '"' .. tostring(text):gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

local function number(v)
  if v == nil or v ~= v then return "NaN" end
  if v == math.huge then return "Inf" elseif v == -math.huge then return "-Inf" end
  return string.format("%.10g", v)
end

local function write(path, text)
  local f, err = io.open(path, "w")
  if not f then fail("cannot write %s: %s", path, tostring(err)) end
  f:write(text)
  f:close()
end

-- A sandboxed script starts no process: the sandbox removes both.
local function starts_processes() return os.execute ~= nil and io.popen ~= nil end

doc:func("available", "Whether gnuplot can be run (never in a sandbox).", {}, { { "boolean", "true when it can" } })
function plot.available()
  if not starts_processes() then return false end
  local ok = os.execute("command -v gnuplot > /dev/null 2>&1")
  return ok == true or ok == 0
end

local palette = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf" }

local function axes(spec, lines)
  if spec.title then lines[#lines + 1] = "set title " .. quote(spec.title) end
  lines[#lines + 1] = "set xlabel " .. quote(spec.xlabel or "")
  lines[#lines + 1] = "set ylabel " .. quote(spec.ylabel or "")
  if spec.logx then lines[#lines + 1] = "set logscale x" else lines[#lines + 1] = "unset logscale x" end
  if spec.yrange then
    lines[#lines + 1] = string.format("set yrange [%s:%s]", number(spec.yrange[1]), number(spec.yrange[2]))
  else
    lines[#lines + 1] = "set autoscale y"
  end
  lines[#lines + 1] = "set grid"
end

--- Lines: spec.series = {{name, x = {...}, y = {...}, err = {...} (std, optional)}, ...}.
local function lines_panel(spec, data, lines)
  if type(spec.series) ~= "table" or #spec.series == 0 then fail("lines need at least one series") end
  axes(spec, lines)
  lines[#lines + 1] = "set key " .. (spec.key or "bottom left") .. " box opaque"
  local base = #data.blocks
  local terms = {}
  local band_named = false
  for i, s in ipairs(spec.series) do
    if #s.x ~= #s.y then fail("series '%s' has %d x and %d y values", tostring(s.name), #s.x, #s.y) end
    local rows = {}
    for j = 1, #s.x do
      rows[j] = string.format("%s %s %s", number(s.x[j]), number(s.y[j]), number(s.err and s.err[j] or 0))
    end
    data.blocks[#data.blocks + 1] = table.concat(rows, "\n")
    local index, color = base + i - 1, palette[(i - 1) % #palette + 1]
    if s.err then
      -- The first band carries the key's word for all of them.
      local title = spec.band and not band_named and ("title " .. quote(spec.band)) or "notitle"
      band_named = band_named or spec.band ~= nil
      terms[#terms + 1] = string.format("DATA index %d using 1:($2-$3):($2+$3) with filledcurves fs transparent solid 0.18 noborder lc rgb %s %s",
        index, quote(color), title)
    end
    -- Markers on every point would bury a long curve (200 epochs): plain lines there.
    local style = #s.x > 40 and "lines lw 1.5" or "linespoints lw 2 pt 7 ps 0.8"
    terms[#terms + 1] = string.format("DATA index %d using 1:2 with %s lc rgb %s title %s",
      index, style, quote(color), quote(s.name or ("series " .. i)))
  end
  lines[#lines + 1] = "plot " .. table.concat(terms, ", \\\n     ")
end

--- Heatmap: spec.x, spec.y (the values along each axis), spec.z[iy][ix], and spec.err[iy][ix]
--- when each cell also shows a spread.
local function heatmap_panel(spec, data, lines)
  local x, y, z, err = spec.x, spec.y, spec.z, spec.err
  if type(x) ~= "table" or type(y) ~= "table" or type(z) ~= "table" then fail("a heatmap needs x, y and z") end
  axes(spec, lines)
  local rows = {}
  for iy = 1, #y do
    for ix = 1, #x do
      rows[#rows + 1] = string.format("%d %d %s %s", ix - 1, iy - 1, number(z[iy] and z[iy][ix]),
        number(err and err[iy] and err[iy][ix] or 0))
    end
    rows[#rows + 1] = ""
  end
  data.blocks[#data.blocks + 1] = table.concat(rows, "\n")
  local index = #data.blocks - 1
  local xt, yt = {}, {}
  local function tick(v) return type(v) == "string" and v or number(v) end
  for i, v in ipairs(x) do xt[i] = string.format("%s %d", quote(tick(v)), i - 1) end
  for i, v in ipairs(y) do yt[i] = string.format("%s %d", quote(tick(v)), i - 1) end
  lines[#lines + 1] = "set xtics (" .. table.concat(xt, ", ") .. ")"
  lines[#lines + 1] = "set ytics (" .. table.concat(yt, ", ") .. ")"
  lines[#lines + 1] = string.format("set xrange [-0.5:%s]", number(#x - 0.5))
  lines[#lines + 1] = string.format("set yrange [-0.5:%s]", number(#y - 0.5))
  lines[#lines + 1] = "unset grid"
  lines[#lines + 1] = "unset key"
  lines[#lines + 1] = "set cblabel " .. quote(spec.zlabel or "")
  lines[#lines + 1] = "set palette " .. (spec.palette or 'defined (0 "#440154", 1 "#3b528b", 2 "#21918c", 3 "#5ec962", 4 "#fde725")')
  local format = spec.format or "%.3g"
  local label = err and string.format("sprintf(%s, $3, $4)", quote(format .. "±" .. format))
    or string.format("sprintf(%s, $3)", quote(format))
  lines[#lines + 1] = string.format(
    "plot DATA index %d using 1:2:3 with image notitle, DATA index %d using 1:2:(%s) with labels font \",%d\" tc rgb \"#ffffff\" notitle",
    index, index, label, err and 9 or 12)
  lines[#lines + 1] = "set key; set xtics autofreq; set ytics autofreq; set autoscale"
end

local kinds = { lines = lines_panel, heatmap = heatmap_panel }

local function render(file, panels, opts)
  if type(file) ~= "string" or file == "" then fail("'file' (a path without extension) is required") end
  -- A sandboxed script writes the figure's data and gnuplot script but cannot run gnuplot.
  local sandboxed = not starts_processes()
  if not sandboxed and not plot.available() then fail("gnuplot not found (Debian: apt-get install gnuplot-nox)") end
  local data, body = { blocks = {} }, {}
  body[#body + 1] = "DATA = " .. quote(file .. ".dat")
  body[#body + 1] = "set encoding utf8"
  -- A multiplot carries the figure's title above the panels' own, also over a single panel.
  local multiplot = #panels > 1 or (opts.title ~= nil and opts.title ~= panels[1].title)
  if multiplot then
    body[#body + 1] = string.format("set multiplot layout 1,%d%s", #panels, opts.title and (" title " .. quote(opts.title)) or "")
  end
  for _, panel in ipairs(panels) do
    local draw = kinds[panel.kind or "lines"]
    if not draw then fail("unknown panel kind '%s' (lines, heatmap)", tostring(panel.kind)) end
    draw(panel, data, body)
  end
  if multiplot then body[#body + 1] = "unset multiplot" end
  write(file .. ".dat", table.concat(data.blocks, "\n\n\n") .. "\n")
  write(file .. ".gp", table.concat(body, "\n") .. "\n")
  if sandboxed then
    io.stderr:write(string.format("plot: wrote %s.dat and %s.gp; gnuplot is not run in a sandbox\n", file, file))
    return { dat = file .. ".dat", gp = file .. ".gp" }
  end
  local width, height = opts.width or 900 * #panels, opts.height or 620
  local terminals = {
    png = string.format("pngcairo size %d,%d noenhanced font 'Sans,13'", width, height),
    svg = string.format("svg size %d,%d noenhanced font 'Sans,13' background '#ffffff'", width, height),
    -- For papers: the same figure at 100 pixels an inch, in vector form.
    pdf = string.format("pdfcairo size %.2fin,%.2fin noenhanced font 'Sans,9'", width / 100, height / 100),
  }
  for _, ext in ipairs { "png", "svg", "pdf" } do
    local command = string.format("gnuplot -e %s %s 2>&1",
      ("'set terminal " .. terminals[ext]:gsub("'", '"') .. "; set output \"" .. file .. "." .. ext .. "\"'"),
      "'" .. file .. ".gp'")
    local pipe = io.popen(command)
    local output = pipe:read("a")
    local ok = pipe:close()
    if not ok then fail("gnuplot failed on %s.gp: %s", file, output) end
  end
  return { png = file .. ".png", svg = file .. ".svg", pdf = file .. ".pdf" }
end

doc:func("figure", "One panel of lines with mean ± std bands, or a heatmap.", { { "spec", "flipside.plot.figure.Options", "the figure" } }, { { "table", "the files written" } }, plot.figure_options)
function plot.figure(spec)
  spec = plot.figure_options:check(spec)
  return render(spec.file, { spec }, spec)
end

doc:func("panels", "Several panels side by side.", { { "spec", "flipside.plot.panels.Options", "the figure" } }, { { "table", "the files written" } }, plot.panels_options)
function plot.panels(spec)
  spec = plot.panels_options:check(spec)
  if #spec.panels == 0 then fail("'panels' must list at least one panel") end
  local panels = {}
  for i, panel in ipairs(spec.panels) do panels[i] = plot.panel_options:check(panel) end
  return render(spec.file, panels, spec)
end

return plot
