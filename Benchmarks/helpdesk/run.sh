#!/usr/bin/env bash
# The comparison run of the performance issue: django-helpdesk 2.x (PyPI) on SQLite in WAL
# mode under gunicorn with 2 workers, its REST API with a DRF token, 10,000 tickets, measured
# with the wrk settings of Benchmarks/run.sh (2 threads, 32 connections): first the first page
# of the ticket list (at exactly 10,000 tickets), then the same on one connection (as
# Benchmarks/run.sh measures Cunwu's pages), then ticket intake (which adds tickets; the next
# run's seed step deletes them again).
#
#   Benchmarks/helpdesk/run.sh
#
# Environment: HELPDESK_DIR (default /tmp/cunwu-helpdesk; kept between runs, setup skipped
# once done), PORT (8098), DURATION (10s), WRK_TIMEOUT (60s: see below), HELPDESK_PAGE_SIZE
# (50), GUNICORN_WORKER_CLASS (sync).
#
# wrk's default 2 s timeout (which Benchmarks/run.sh keeps) records no latency for a response
# slower than that; helpdesk's list takes about 2 s a request even alone, so its latencies
# would all be lost as timeouts. WRK_TIMEOUT=60s measures them; it changes nothing for a
# server whose responses come back within 2 s.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export HELPDESK_DIR="${HELPDESK_DIR:-/tmp/cunwu-helpdesk}"
PORT="${PORT:-8098}"
DURATION="${DURATION:-10s}"
WRK_TIMEOUT="${WRK_TIMEOUT:-60s}"
TICKETS=10000
URL="http://127.0.0.1:$PORT"

"$HERE/setup.sh" "$HELPDESK_DIR" "$TICKETS"
# Back to exactly 10,000 tickets (an earlier run's intake added some).
PYTHONPATH="$HELPDESK_DIR" DJANGO_SETTINGS_MODULE=hdbench.settings \
  "$HELPDESK_DIR/venv/bin/python" "$HERE/seed.py" "$HELPDESK_DIR" "$TICKETS"

SERVER=""
stop() {
  # SIGTERM is gunicorn's graceful stop: its workers finish the request in hand and exit.
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SERVER" 2>/dev/null || true
  fi
}
trap stop EXIT
SERVER="$("$HERE/serve.sh" "$HELPDESK_DIR" "$PORT")"

# A sync worker goes on with requests that wrk abandoned when its time was up (they wait in
# the listen queue): before the next measurement, wait until the workers' CPU time stops
# growing for a second (up to 5 minutes).
cpu() { local t=0 p; for p in $(pgrep -P "$SERVER"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
wait_idle() {
  local last now same=0
  last=$(cpu)
  for _ in $(seq 1 600); do
    sleep 0.5; now=$(cpu)
    if [ "$now" = "$last" ]; then same=$((same + 1)); [ "$same" -ge 2 ] && return 0; else same=0; fi
    last=$now
  done
  echo "helpdesk: workers still busy after 5 minutes" >&2
}

version=$(cat "$HELPDESK_DIR/ready")
echo "== ${version%%,*} on $URL: gunicorn, 2 ${GUNICORN_WORKER_CLASS:-sync} workers, SQLite WAL, $TICKETS tickets; wrk -d$DURATION --timeout $WRK_TIMEOUT"
measure() { # label file script wrk-options...
  local label=$1 file=$2 script=$3; shift 3
  wrk "$@" -d"$DURATION" --timeout "$WRK_TIMEOUT" -s "$HERE/$script" "$URL" > "$HELPDESK_DIR/$file.txt"
  echo "helpdesk $label: $(awk '/Requests\/sec/ {print $2}' "$HELPDESK_DIR/$file.txt") req/s  $(grep '^p50' "$HELPDESK_DIR/$file.txt")"
  wait_idle
}
# One request each first, so both workers have opened the database and loaded the code.
TOKEN="$(cat "$HELPDESK_DIR/token.txt")"
for _ in 1 2; do curl -sf -o /dev/null -H "Authorization: Token $TOKEN" "$URL/api/tickets/?page_size=${HELPDESK_PAGE_SIZE:-50}" & done; wait
measure "list" list list.lua -t2 -c32
measure "list (1 connection)" list-1 list.lua -t1 -c1
measure "intake" intake intake.lua -t2 -c32
