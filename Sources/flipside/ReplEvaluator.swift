/// The Lua half of the REPL: compiles one input as the standalone `lua` does
/// (first as `return <input>`, then as statements; a syntax error at `<eof>`
/// means the input is incomplete), runs it, and prints what it returns with
/// the global `print`, or the error and its traceback on stderr.
enum ReplEvaluator {
    /// A chunk returning evaluate(source, final) -> "incomplete" | "ok" | "error";
    /// with `final` set (the input has ended) an incomplete chunk is an error.
    static let source = #"""
    local load, xpcall, pcall, print, tostring, type = load, xpcall, pcall, print, tostring, type
    local pack, unpack = table.pack, table.unpack
    local traceback, stderr = debug.traceback, io.stderr

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
        local ok, err = pcall(print, unpack(results, 2, results.n))
        if not ok then
          report("error calling 'print' (" .. tostring(err) .. ")")
          return "error"
        end
      end
      return "ok"
    end
    """#
}
