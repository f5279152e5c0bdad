-- Service requests taken in at the window, spread over many villages: POST
-- /api/v1/units/{village}/requests as the benchmark's administrator. Benchmarks/run.sh
-- writes villages.txt (one "village-id service-code" per line), cookie and token.
local villages = {}
for line in io.lines(os.getenv("BENCH_DIR") .. "/villages.txt") do
  local id, code = line:match("(%S+)%s+(%S+)")
  villages[#villages + 1] = { id = id, code = code }
end
local cookie = io.open(os.getenv("BENCH_DIR") .. "/cookie.txt"):read("*l")
local token = io.open(os.getenv("BENCH_DIR") .. "/csrf.txt"):read("*l")
local counter = 0

request = function()
  counter = counter + 1
  local v = villages[(counter * 7919) % #villages + 1]
  local body = string.format('{"serviceCode":"%s","residentName":"赵大爷","residentPhone":"13812345678","content":"基准测试%d","channel":"window"}', v.code, counter)
  return wrk.format("POST", "/api/v1/units/" .. v.id .. "/requests",
    { ["Content-Type"] = "application/json", ["Cookie"] = cookie, ["X-CSRF-Token"] = token }, body)
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
