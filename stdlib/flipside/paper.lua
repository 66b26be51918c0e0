local declare = require "flipside.declare"

declare.module("flipside.paper", "The paper's experiments (Appendix A) under one name, for the scripts in scripts/paper/: everything of flipside.paper.settings (parameters, quick mode, grid points), flipside.paper.data (tasks, models, target models), flipside.paper.runs (the policy, a run of Algorithm 2, the norm ratios) and flipside.paper.figures (series and panels).")

local parts = {
  require "flipside.paper.settings", require "flipside.paper.data", require "flipside.paper.runs",
  require "flipside.paper.figures",
}

return setmetatable({}, {
  __index = function(_, key)
    for _, part in ipairs(parts) do
      local value = part[key]
      if value ~= nil then return value end
    end
  end,
})
