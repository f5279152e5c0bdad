-- The mixed peak's window intake (Benchmarks/peak.sh): POST /api/v1/units/{village}/requests
-- as Benchmarks/wrk/intake.lua does, spread over the villages of PEAK_LIST
-- ("cookie<TAB>csrf<TAB>village<TAB>service code"), at a steady PEAK_RATE.
local peak = dofile((os.getenv("PEAK_LUA_DIR") or "Benchmarks/wrk") .. "/peak-common.lua")
local items = peak.items
local n = 0

request = function()
  n = n + 1
  local item = items[((n * peak.threads + tid) * 7919) % #items + 1]
  local body = string.format('{"serviceCode":"%s","residentName":"赵大爷","residentPhone":"13812345678","content":"高峰基准测试%d-%d","channel":"window"}',
    item[4], tid, n)
  return wrk.format("POST", "/api/v1/units/" .. item[3] .. "/requests",
    { ["Content-Type"] = "application/json", ["Cookie"] = item[1], ["X-CSRF-Token"] = item[2] }, body)
end
