-- The first page of django-helpdesk's ticket list: GET /api/tickets/?page_size=50 through its
-- REST API with a DRF token. The viewset pages with its own class (25 a page by default,
-- ?page_size=N honoured); 50 is Cunwu's default page. HELPDESK_PAGE_SIZE changes it.
-- Every response other than 2xx counts as an error.
local dir = os.getenv("HELPDESK_DIR") or "/tmp/cunwu-helpdesk"
local token = io.open(dir .. "/token.txt"):read("*l")
wrk.method = "GET"
wrk.path = "/api/tickets/?page_size=" .. (os.getenv("HELPDESK_PAGE_SIZE") or "50")
wrk.headers["Authorization"] = "Token " .. token

-- The main state keeps each thread, so done() can add up their non-2xx counts.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

non2xx = 0
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  -- wrk's summary.errors.status counts only status > 399; non-2xx covers those too.
  local errors = bad + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  (%d requests, %d errors)\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests, errors))
end
