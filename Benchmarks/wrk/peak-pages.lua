-- The mixed peak's page classes (Benchmarks/peak.sh): station clerks at their desks,
-- request lists and request pages, or officials at township pages, dashboards and village
-- sheets; many sessions, each request a line of PEAK_LIST ("cookie<TAB>path") in turn.
local peak = dofile((os.getenv("PEAK_LUA_DIR") or "Benchmarks/wrk") .. "/peak-common.lua")
local items = peak.items
local n = 0

request = function()
  n = n + 1
  local item = items[(n * peak.threads + tid) % #items + 1]
  return wrk.format("GET", item[2], { ["Cookie"] = item[1], ["Accept-Encoding"] = "gzip" })
end
