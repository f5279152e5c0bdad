-- Ticket intake on django-helpdesk: POST /api/tickets/ through its REST API with a DRF token
-- (a staff user's: the ticket viewset is IsAdminUser). setup.sh writes token.txt and
-- queue.txt to $HELPDESK_DIR. Every response other than 2xx counts as an error.
local dir = os.getenv("HELPDESK_DIR") or "/tmp/cunwu-helpdesk"
local token = io.open(dir .. "/token.txt"):read("*l")
local queue = io.open(dir .. "/queue.txt"):read("*l")
wrk.method = "POST"
wrk.path = "/api/tickets/"
wrk.headers["Authorization"] = "Token " .. token
wrk.headers["Content-Type"] = "application/json"

-- The main state keeps each thread, so done() can add up their non-2xx counts.
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

non2xx = 0
local counter = 0
function request()
  counter = counter + 1
  -- queue, title, description (the form's body) and priority are required; the submitter's
  -- address makes helpdesk render its new-ticket e-mail (the dummy backend drops it).
  local body = string.format(
    '{"queue":%s,"title":"Benchmark ticket %d-%d","description":"The street light outside no. %d is out.","submitter_email":"resident%d@example.invalid","priority":3}',
    queue, id or 0, counter, counter % 300, counter % 997)
  return wrk.format(nil, nil, nil, body)
end

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
