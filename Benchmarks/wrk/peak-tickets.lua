-- The mixed peak's 96156 tickets (Benchmarks/peak.sh): POST /integrations/96156/tickets,
-- each signed beforehand by Benchmarks/peak.py (wrk's Lua has no HMAC). PEAK_LIST lines are
-- "station<TAB>timestamp<TAB>signature<TAB>body", each ticket id once: thread t sends lines
-- t, t + threads, t + 2 × threads, … (after the last it starts again, and the server answers
-- 200 for a ticket it already has).
local peak = dofile((os.getenv("PEAK_LUA_DIR") or "Benchmarks/wrk") .. "/peak-common.lua")
local items = peak.items
local n = -1

request = function()
  n = n + 1
  local item = items[(n * peak.threads + tid) % #items + 1]
  return wrk.format("POST", "/integrations/96156/tickets",
    { ["Content-Type"] = "application/json", ["X-96156-Station"] = item[1], ["X-96156-Timestamp"] = item[2],
      ["X-96156-Signature"] = item[3] }, item[4])
end
