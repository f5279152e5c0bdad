#!/usr/bin/env python3
"""Steady window intake through the proxy for the failover drill (scripts/failover-drill.sh).

Signs in once (the session lives in the database, so any app server behind the proxy
accepts it), then POSTs service requests at a steady rate from a few threads until the
file named by --stop exists. Writes a JSON report: every acknowledged request's id (201) and when,
counts by status, and the longest time with no acknowledgement (the outage as intake saw
it). Standard library only."""
import argparse, json, os, ssl, threading, time, urllib.request, urllib.error, http.cookiejar

parser = argparse.ArgumentParser()
parser.add_argument("--base", required=True)            # https://127.0.0.1:PORT
parser.add_argument("--villages", required=True)        # file: "village-id service-code" lines
parser.add_argument("--user", required=True)
parser.add_argument("--password", required=True)
parser.add_argument("--rate", type=float, default=20)   # requests a second, all threads together
parser.add_argument("--threads", type=int, default=4)
parser.add_argument("--stop", required=True)            # stop when this file exists
parser.add_argument("--report", required=True)
args = parser.parse_args()

context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE                     # the drill's certificate is self-signed
villages = [line.split() for line in open(args.villages) if line.strip()]

def call(method, path, body=None, headers=None, timeout=15):
    request = urllib.request.Request(args.base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, context=context, timeout=timeout) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers
    except Exception as error:                          # connection refused, reset, timeout
        return 0, str(error).encode(), {}

status, body, headers = call("POST", "/api/v1/session", {"username": args.user, "password": args.password})
if status != 200:
    raise SystemExit(f"sign-in failed: {status} {body[:200]!r}")
token = json.loads(body)["csrfToken"]
cookie = next(part.split("=", 1)[1] for part in headers.get_all("Set-Cookie") if part.startswith("cunwu_session="))
cookie = "cunwu_session=" + cookie.split(";", 1)[0]

lock = threading.Lock()
acknowledged, statuses, retry_after_missing = [], {}, 0
last_ack = [time.monotonic()]
longest_gap = [0.0]
counter = [0]
start = time.monotonic()

def worker(index):
    global retry_after_missing
    interval = args.threads / args.rate
    next_at = time.monotonic() + index * interval / args.threads
    while not os.path.exists(args.stop):
        now = time.monotonic()
        if now < next_at:
            time.sleep(next_at - now)
        next_at += interval
        with lock:
            counter[0] += 1
            n = counter[0]
        village, service = villages[n % len(villages)]
        status, body, headers = call("POST", f"/api/v1/units/{village}/requests",
                                     {"serviceCode": service, "residentName": "演练居民", "residentPhone": "13812345678",
                                      "content": f"故障切换演练 {n}", "channel": "window"},
                                     {"Cookie": cookie, "X-CSRF-Token": token})
        with lock:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status == 201:
                acknowledged.append([json.loads(body)["id"], round(time.time(), 3)])
                now = time.monotonic()
                longest_gap[0] = max(longest_gap[0], now - last_ack[0])
                last_ack[0] = now
            elif status == 503 and not (headers and headers.get("Retry-After")):
                retry_after_missing += 1

threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
for thread in threads: thread.start()
for thread in threads: thread.join()
json.dump({"acknowledged": acknowledged, "statuses": statuses, "longest_gap_seconds": round(longest_gap[0], 2),
           "seconds": round(time.monotonic() - start, 1), "retry_after_missing": retry_after_missing},
          open(args.report, "w"))
