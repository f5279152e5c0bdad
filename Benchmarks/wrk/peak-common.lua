-- What the mixed peak's wrk scripts share (Benchmarks/peak.sh): the class's target list,
-- a steady rate, status counts and the one-line result. Loaded with dofile by each
-- peak-*.lua; configured by the environment peak.sh gives each wrk process:
--   PEAK_CLASS    the class's name in the result line
--   PEAK_LIST     the class's targets, one tab-separated line each
--   PEAK_RATE     requests a second for the whole process; 0 = as fast as its connections go
--   PEAK_THREADS  wrk's -t (the rate is split over the threads)
--   PEAK_EXPECT   the statuses that are success (e.g. "200" or "201 200"); any other is an error
local peak = {}
peak.class = os.getenv("PEAK_CLASS") or "peak"
peak.rate = tonumber(os.getenv("PEAK_RATE") or "0") or 0
peak.threads = tonumber(os.getenv("PEAK_THREADS") or "1") or 1
local expected = {}
for s in (os.getenv("PEAK_EXPECT") or "200"):gmatch("%d+") do expected[tonumber(s)] = true end

-- The target list: each line's tab-separated fields.
peak.items = {}
for line in io.lines(os.getenv("PEAK_LIST")) do
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
  peak.items[#peak.items + 1] = fields
end
assert(#peak.items > 0, "peak: " .. os.getenv("PEAK_LIST") .. " is empty")

-- Threads, numbered from 0 (setup runs in wrk's main state, once a thread).
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  threads[#threads + 1] = thread
end
tid = 0

-- A steady rate: each thread hands out send times `interval` apart, and each request waits
-- for its own (wrk asks delay() before every request, on every connection). A thread that
-- falls behind does not send a burst to catch up; the rate it reached is what is reported.
if peak.rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } peak_timespec;
    int clock_gettime(int clock, peak_timespec *tp);
  ]]
  local ts = ffi.new("peak_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval = 1000 * peak.threads / peak.rate
  local slot
  function delay()
    local now = now_ms()
    if slot == nil then slot = now + interval * tid / peak.threads end
    if slot < now - interval then slot = now end
    local wait = slot - now
    slot = slot + interval
    if wait <= 0 then return 0 end
    return math.floor(wait + 0.5)
  end
end

-- Statuses in each thread, gathered by done().
statuses = {}
unexpected = 0
sample = nil
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if not expected[status] then
    unexpected = unexpected + 1
    if sample == nil then
      local text = body or ""
      local encoding = headers and (headers["Content-Encoding"] or headers["content-encoding"])
      if encoding then text = "(" .. encoding .. " body)" end
      local location = headers and (headers["Location"] or headers["location"])
      if location then text = "→ " .. location .. " " .. text end
      sample = tostring(status) .. " " .. text:sub(1, 400):gsub("%s+", " ")
    end
  end
end

function done(summary, latency, requests)
  local counts, bad, first = {}, 0, nil
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    if type(s) == "table" then
      for status, n in pairs(s) do counts[status] = (counts[status] or 0) + n end
    end
    bad = bad + (tonumber(thread:get("unexpected")) or 0)
    first = first or thread:get("sample")
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format("%s: %.1f req/s  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  (%d requests, %d errors)\n",
    peak.class, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, bad + socket))
  local parts = {}
  for status, n in pairs(counts) do parts[#parts + 1] = string.format("%d×%d", status, n) end
  table.sort(parts)
  io.write(string.format("  statuses %s; max %.1f ms; socket errors: connect %d, read %d, write %d, timeout %d\n",
    table.concat(parts, " "), latency.max / 1000, e.connect, e.read, e.write, e.timeout))
  if first then io.write("  first unexpected response: " .. first .. "\n") end
end

return peak
