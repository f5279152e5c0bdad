-- GET one page as a signed-in user, reporting p50/p95/p99 (wrk's own summary has no p95).
local cookie = io.open(os.getenv("BENCH_DIR") .. "/cookie.txt"):read("*l")
wrk.headers["Cookie"] = cookie
wrk.headers["Accept-Encoding"] = "gzip"

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  (%d requests, %d errors)\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests, errors))
end
