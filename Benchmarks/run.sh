#!/usr/bin/env bash
# The benchmarks of issue 9 (docs/performance.md): a generated data set, evaluation of every
# village against a plain pass, intake over HTTP against /healthz, four pages' p95, and the
# peak memory of `serve` through all of it. SQLite by default; PostgreSQL when DATABASE_URL
# is set (the database must be empty).
#
#   Benchmarks/run.sh [villages]     # default 3930 (Beijing); CI runs a small pass
#
# Then the mixed peak (Benchmarks/peak.sh: intake, 96156 tickets, clerks, officials and an
# export at once; BENCH_PEAK_DURATION, default 60s; BENCH_PEAK_RATES, intake rates to try,
# default "25 50 100", with 96156 tickets at 10 req/s, clerks' pages at 30 req/s and
# officials' at 5 req/s (PEAK_* variables of peak.sh override them); BENCH_PEAK=0 leaves it out), and with BENCH_COMPARE=1 the side-by-side
# run against django-helpdesk (Benchmarks/compare.sh). BENCH_GENERATE passes more options
# to `cunwu generate`, e.g. "--years 3" for three years of station history.
#
# Set BENCH_DURATION (default 10s) for each wrk run, BENCH_KEEP=1 to keep the data set, and
# BENCH_REUSE=/path/to/kept/folder to measure again on a kept SQLite data set.
set -euo pipefail
cd "$(dirname "$0")/.."
VILLAGES="${1:-3930}"
DURATION="${BENCH_DURATION:-10s}"
PORT="${BENCH_PORT:-8097}"
export BENCH_DIR
BENCH_DIR=${BENCH_REUSE:-$(mktemp -d /tmp/cunwu-bench.XXXXXX)}
[ -n "${BENCH_REUSE:-}" ] && BENCH_KEEP=1
export CUNWU_DEMO_PASSWORD=bench-pass-2026 CUNWU_FILES_PATH="$BENCH_DIR/files"
# Personal data is sealed (docs/security.md): the data set's key is kept beside it.
export CUNWU_DATA_KEY_FILE="$BENCH_DIR/data.key"
[ -f "$CUNWU_DATA_KEY_FILE" ] || python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' > "$CUNWU_DATA_KEY_FILE"
if [ -z "${DATABASE_URL:-}" ]; then export CUNWU_DATABASE_PATH="$BENCH_DIR/bench.sqlite"; STORE=SQLite; else STORE=PostgreSQL; fi
SERVER=""
cleanup() {
  # The server writes its last ledger anchor and closes its database as it stops: wait for it
  # before removing its folder, or the removal races those writes and fails.
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "data kept in $BENCH_DIR"; else rm -rf "$BENCH_DIR"; fi
}
trap cleanup EXIT

# CI checks the benchmarks still run on the debug build it already has (BENCH_BUILD=debug);
# the figures in docs/performance.md are from release builds.
BUILD="${BENCH_BUILD:-release}"
swift build -c "$BUILD" --product cunwu >/dev/null
BIN=.build/$BUILD/cunwu

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -m | awk '/Mem:/ {print $2}') MB; $STORE; $BUILD build"
if [ -n "${BENCH_REUSE:-}" ]; then
  echo "== reusing the data set in $BENCH_DIR"
  # Read once, so every run starts with the file in the page cache (as a generated one does).
  [ -n "${CUNWU_DATABASE_PATH:-}" ] && cat "$CUNWU_DATABASE_PATH" > /dev/null
else
echo "== generate: $VILLAGES villages"
/usr/bin/time -f "generate: %e s, peak memory %M KB" "$BIN" generate --villages "$VILLAGES" --seed 1 ${BENCH_GENERATE:-} > "$BENCH_DIR/generate.log" 2>&1 \
  || { cat "$BENCH_DIR/generate.log"; exit 1; }
grep -v "^\[" "$BENCH_DIR/generate.log"
fi
[ -n "${CUNWU_DATABASE_PATH:-}" ] && echo "database file: $(du -h "$CUNWU_DATABASE_PATH" | cut -f1)"

echo "== evaluate every village"
"$BIN" bench-evaluate --rounds 3 --targets "$BENCH_DIR" > "$BENCH_DIR/evaluate.log" 2>&1 || { cat "$BENCH_DIR/evaluate.log"; exit 1; }
grep -v "^\[" "$BENCH_DIR/evaluate.log"

echo "== serve ($BUILD) on 127.0.0.1:$PORT"
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$BENCH_DIR/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
curl -sf -c "$BENCH_DIR/jar" -H 'Content-Type: application/json' -d '{"username":"bench.admin","password":"bench-pass-2026"}' \
  "http://127.0.0.1:$PORT/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])' > "$BENCH_DIR/csrf.txt"
echo "cunwu_session=$(awk '/cunwu_session/ {print $7}' "$BENCH_DIR/jar")" > "$BENCH_DIR/cookie.txt"

rate() { awk '/Requests\/sec/ {print $2}'; }
echo "== /healthz (2 threads, 32 connections, $DURATION)"
HEALTH=$(wrk -t2 -c32 -d"$DURATION" "http://127.0.0.1:$PORT/healthz" | tee "$BENCH_DIR/healthz.txt" | rate)
echo "healthz: $HEALTH req/s"

echo "== intake: POST a service request at the window, spread over $(wc -l < "$BENCH_DIR/villages.txt") villages (2 threads, 32 connections, $DURATION)"
wrk -t2 -c32 -d"$DURATION" -s Benchmarks/wrk/intake.lua "http://127.0.0.1:$PORT" > "$BENCH_DIR/intake.txt"
INTAKE=$(rate < "$BENCH_DIR/intake.txt")
grep -E "^p50|Non-2xx|Socket errors" "$BENCH_DIR/intake.txt" || true
echo "intake: $INTAKE req/s = $(python3 -c "print(round($INTAKE / $HEALTH, 3))") of /healthz (goal ≥ 1000 req/s, p99 < 50 ms)"

echo "== pages (1 connection, $DURATION each; server time as seen on 127.0.0.1)"
while read -r name path; do
  # The first view of a page computes and keeps what later views reuse: warm it once.
  curl -s -o /dev/null -b "$BENCH_DIR/cookie.txt" -H "Cookie: $(cat "$BENCH_DIR/cookie.txt")" "http://127.0.0.1:$PORT$path"
  printf "%-20s " "$name"
  wrk -t1 -c1 -d"$DURATION" -s Benchmarks/wrk/page.lua "http://127.0.0.1:$PORT$path" | grep "^p50"
done < "$BENCH_DIR/urls.txt"

echo "== memory: peak resident memory of serve: $(awk '/VmHWM/ {print int($2/1024) " MB"}' "/proc/$SERVER/status") (goal < 200 MB)"

if [ "${BENCH_PEAK:-1}" = 1 ]; then
  echo "== mixed peak"
  PORT="$PORT" BIN="$BIN" SERVER="$SERVER" PEAK_DURATION="${BENCH_PEAK_DURATION:-60s}" PEAK_INTAKE_RATE="${BENCH_PEAK_RATES:-25 50 100}" \
    PEAK_TICKET_RATE="${PEAK_TICKET_RATE:-10}" PEAK_CLERK_RATE="${PEAK_CLERK_RATE:-30}" PEAK_OFFICIAL_RATE="${PEAK_OFFICIAL_RATE:-5}" \
    Benchmarks/peak.sh
fi
if [ "${BENCH_COMPARE:-0}" = 1 ]; then
  echo "== side by side with django-helpdesk"
  BIN="$BIN" DURATION="$DURATION" Benchmarks/compare.sh
fi
