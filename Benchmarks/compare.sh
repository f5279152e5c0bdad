#!/usr/bin/env bash
# Side by side (issue 24, item 6): Cunwu and django-helpdesk 2.x on this machine, in one run,
# with the same wrk settings (2 threads, 32 connections, DURATION, --timeout 60s):
#   list    the first page (50) of a list of 10,000 tickets: one village's service requests
#           (GET /api/v1/units/{village}/requests) against helpdesk's GET /api/tickets/
#   intake  a new ticket: POST /api/v1/units/{village}/requests against POST /api/tickets/
# The list is measured first, at 10,000, then intake. Prints each figure and Cunwu's
# throughput as a multiple of helpdesk's and its p99 as a share (goals: ≥ 10× and ≤ 1/5).
#
#   Benchmarks/compare.sh            # BIN (default .build/release/cunwu), DURATION (10s)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
PORT="${COMPARE_PORT:-8095}"
BIN="${BIN:-.build/release/cunwu}"
export BENCH_DIR
BENCH_DIR=$(mktemp -d /tmp/cunwu-compare.XXXXXX)
export CUNWU_DEMO_PASSWORD=bench-pass-2026 CUNWU_FILES_PATH="$BENCH_DIR/files" CUNWU_DATABASE_PATH="$BENCH_DIR/bench.sqlite" DATABASE_URL=""
export CUNWU_DATA_KEY_FILE="$BENCH_DIR/data.key"
python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' > "$CUNWU_DATA_KEY_FILE"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$BENCH_DIR"
}
trap cleanup EXIT

# One village whose list holds about 10,000 requests: ~210 a week since 1 January.
"$BIN" generate --villages 1 --seed 1 --requests-per-week 210 > "$BENCH_DIR/generate.log" 2>&1 || { cat "$BENCH_DIR/generate.log"; exit 1; }
"$BIN" bench-evaluate --rounds 1 --targets "$BENCH_DIR" > "$BENCH_DIR/evaluate.log" 2>&1 || { cat "$BENCH_DIR/evaluate.log"; exit 1; }
VILLAGE=$(awk 'NR == 1 {print $1}' "$BENCH_DIR/villages.txt")
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$BENCH_DIR/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
curl -sf -c "$BENCH_DIR/jar" -H 'Content-Type: application/json' -d '{"username":"bench.admin","password":"bench-pass-2026"}' \
  "http://127.0.0.1:$PORT/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])' > "$BENCH_DIR/csrf.txt"
echo "cunwu_session=$(awk '/cunwu_session/ {print $7}' "$BENCH_DIR/jar")" > "$BENCH_DIR/cookie.txt"
LIST="/api/v1/units/$VILLAGE/requests"
TOTAL=$(curl -sf -H "Cookie: $(cat "$BENCH_DIR/cookie.txt")" "http://127.0.0.1:$PORT$LIST" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "== Cunwu ($BIN) on 127.0.0.1:$PORT: SQLite, one village's list of $TOTAL requests; wrk -t2 -c32 -d$DURATION --timeout 60s"

rate() { awk '/Requests\/sec/ {print $2}' "$1"; }
# As helpdesk/run.sh does between its measurements: wait until serve has finished what wrk
# left in flight (its CPU time grows by under 20 ms in half a second, twice running; its
# once-a-second checkpoint keeps it from standing quite still), up to a minute.
wait_idle() {
  local last now same=0
  last=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  for _ in $(seq 1 120); do
    sleep 0.5; now=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
    if [ $((now - last)) -lt 2 ]; then same=$((same + 1)); [ "$same" -ge 2 ] && return 0; else same=0; fi
    last=$now
  done
}
p99() { sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$1" | head -1; }
wrk -t2 -c32 -d"$DURATION" --timeout 60s -s Benchmarks/wrk/page.lua "http://127.0.0.1:$PORT$LIST" > "$BENCH_DIR/list.txt"
echo "cunwu list: $(rate "$BENCH_DIR/list.txt") req/s  $(grep '^p50' "$BENCH_DIR/list.txt")"
wait_idle
wrk -t2 -c32 -d"$DURATION" --timeout 60s -s Benchmarks/wrk/intake.lua "http://127.0.0.1:$PORT" > "$BENCH_DIR/intake.txt"
echo "cunwu intake: $(rate "$BENCH_DIR/intake.txt") req/s  $(grep '^p50' "$BENCH_DIR/intake.txt")"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""

DURATION="$DURATION" Benchmarks/helpdesk/run.sh | tee "$BENCH_DIR/helpdesk.txt"
python3 - "$BENCH_DIR" <<'EOF'
import re, sys
d = sys.argv[1]
def figures(text, label):
    m = re.search(label + r": ([0-9.]+) req/s .*?p99 ([0-9.]+) ms", text)
    return (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)
cunwu = open(d + "/list.txt").read(), open(d + "/intake.txt").read()
helpdesk = open(d + "/helpdesk.txt").read()
def ours(text):
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
    return rate, float(re.search(r"p99 ([0-9.]+) ms", text).group(1))
print("== side by side (goal: throughput ≥ 10×, p99 ≤ 1/5)")
for name, text, label in [("list", cunwu[0], "helpdesk list"), ("intake", cunwu[1], "helpdesk intake")]:
    (cr, cp), (hr, hp) = ours(text), figures(helpdesk, label)
    times = cr / hr if hr else float("inf")
    share = cp / hp if hp else float("inf")
    met = "met" if times >= 10 and share <= 0.2 else "NOT MET"
    print(f"{name:7s} cunwu {cr:9.1f} req/s p99 {cp:8.1f} ms | helpdesk {hr:7.1f} req/s p99 {hp:8.1f} ms | {times:7.1f}× throughput, p99 {share:.3f} of helpdesk's: {met}")
EOF
