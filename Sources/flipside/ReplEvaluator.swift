/// The Lua half of the REPL: compiles one input as the standalone `lua` does
/// (first as `return <input>`, then as statements; a syntax error at `<eof>`
/// means the input is incomplete), runs it, and prints what it returns — tables
/// by their contents, a few levels deep — or the error and its traceback on
/// stderr. It also defines the global `help(f)`: a function's reference entry.
enum ReplEvaluator {
    /// A chunk returning evaluate(source, final) -> "incomplete" | "ok" | "error";
    /// with `final` set (the input has ended) an incomplete chunk is an error.
    static let source = #"""
    local load, xpcall, pcall, print, tostring, type = load, xpcall, pcall, print, tostring, type
    local pack, unpack = table.pack, table.unpack
    local traceback, stderr = debug.traceback, io.stderr
    local getmetatable, next, rawequal, sort, concat = getmetatable, next, rawequal, table.sort, table.concat

    -- A value as the REPL shows it: a table by its entries (sorted, the first 12,
    -- 2 levels deep), anything else as tostring shows it.
    local function show(value, depth)
      if type(value) == "string" then return depth and string.format("%q", value) or value end
      local meta = type(value) == "table" and getmetatable(value)
      if type(value) ~= "table" or (type(meta) == "table" and meta.__tostring) then return tostring(value) end
      depth = depth or 0
      if depth >= 2 then return "{…}" end
      local keys = {}
      for k in next, value do keys[#keys + 1] = k end
      sort(keys, function(a, b)
        if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
        return type(a) < type(b)
      end)
      local parts = {}
      for i, k in ipairs(keys) do
        if i > 12 then parts[#parts + 1] = "… (" .. #keys .. " entries)"; break end
        local shown = show(value[k], depth + 1)
        if math.type(k) == "integer" and k == i then parts[#parts + 1] = shown
        elseif type(k) == "string" and k:match("^[%a_][%w_]*$") then parts[#parts + 1] = k .. " = " .. shown
        else parts[#parts + 1] = "[" .. show(k, depth + 1) .. "] = " .. shown end
      end
      return "{" .. concat(parts, ", ") .. "}"
    end

    -- The name under which a loaded module holds `f`: "flipside.tensor.zeros".
    local function name_of(f)
      for name, module in next, package.loaded do
        if type(module) == "table" then
          for key, value in next, module do
            if rawequal(value, f) then return name .. "." .. key end
            if type(value) == "table" and name == "flipside" then
              for inner, member in next, value do
                if rawequal(member, f) then return "flipside." .. key .. "." .. inner end
              end
            end
          end
        end
      end
    end

    --- help(f) or help("flipside.Tensor:sum"): the reference entry, from the same declarations as docs/api.md.
    function help(f)
      local name = type(f) == "string" and f or name_of(f)
      if not name then print("help: no reference entry for this value (try help(\"flipside.Tensor:sum\"))") return end
      local text = flipside.reference(name)
      if text then text = text:gsub("\\|", "|") end
      if not text then
        local declare = package.loaded["flipside.declare"]
        for _, e in ipairs(declare and declare.registry or {}) do
          if e.kind == "function" and e.name == name then
            local args, lines = {}, {}
            for i, p in ipairs(e.params) do
              args[i] = p.optional and "[" .. p[1] .. "]" or p[1]
              lines[#lines + 1] = string.format("  %s (%s): %s", p[1], p[2], p[3])
            end
            text = string.format("%s(%s)\n\n%s\n%s", name, concat(args, ", "), e.summary, concat(lines, "\n"))
          end
        end
      end
      print(text or ("help: no reference entry for " .. name))
    end

    local function report(message)
      stderr:write(message, "\n")
      stderr:flush()
    end

    local function handler(message)
      if type(message) ~= "string" then
        local meta = getmetatable(message)
        if meta and meta.__tostring then
          message = tostring(message)
        else
          message = "(error object is a " .. type(message) .. " value)"
        end
      end
      local trace = traceback(message, 2)
      -- Drop the frames of this evaluator below the input's own.
      return (trace:gsub("\n\t%[C%]: in function 'xpcall'.*$", ""))
    end

    return function(source, final)
      local chunk = load("return " .. source, "=stdin", "t")
      if not chunk then
        local err
        chunk, err = load(source, "=stdin", "t")
        if not chunk then
          if err:sub(-5) == "<eof>" and final ~= "final" then return "incomplete" end
          report(err)
          return "error"
        end
      end
      local results = pack(xpcall(chunk, handler))
      if not results[1] then
        report(results[2])
        return "error"
      end
      if results.n > 1 then
        local ok, err = pcall(function()
          local shown = {}
          for i = 2, results.n do shown[i - 1] = show(results[i]) end
          print(unpack(shown, 1, results.n - 1))
        end)
        if not ok then
          report("error calling 'print' (" .. tostring(err) .. ")")
          return "error"
        end
      end
      return "ok"
    end
    """#
}
