#!/usr/bin/env bash
# The mixed peak of issue 24: for DURATION at once, on a generated data set,
#   intake     window intake, POST /api/v1/units/{village}/requests, at a steady rate
#   tickets    96156 tickets, POST /integrations/96156/tickets (signed), at a steady rate
#   clerks     station clerks, one session per village: desk, request list and its next page,
#              request pages
#   officials  township and district officials: township pages, dashboards (sorted, paged),
#              village review sheets
#   export     a district's export job, started again as soon as one ends (curl)
# with /healthz measured alone first; then per class req/s, p50/p95/p99 and errors, the whole
# mix as a share of /healthz, serve's peak memory, and the goals (page p95 < 100 ms, intake
# p99 < 50 ms, 0 errors) met or not.
#
#   BENCH_DIR=/tmp/cunwu-bench.X Benchmarks/peak.sh
#
# BENCH_DIR holds the data set as Benchmarks/run.sh makes it (bench.sqlite, data.key, files;
# or DATABASE_URL for PostgreSQL). Without SERVER (a running serve's pid, listening on PORT)
# it starts BIN serve on PORT and stops it at the end. run.sh can call it after its own
# benchmarks with BENCH_DIR, PORT, BIN, SERVER exported.
#
#   DURATION / PEAK_DURATION  how long the mix runs (default 60s; PEAK_DURATION wins)
#   PEAK_INTAKE_RATE          window intake, req/s (default 100); several ("50 100 200") run
#                             the mix once for each and report the highest meeting every goal
#   PEAK_TICKET_RATE          96156 tickets, req/s (default 20); 0 leaves tickets out
#   PEAK_CLERK_RATE, PEAK_OFFICIAL_RATE
#                             req/s of the page classes; 0 (default) = as fast as their
#                             connections go, the server's peak
#   PEAK_CLERK_CONNECTIONS (8), PEAK_OFFICIAL_CONNECTIONS (4), PEAK_INTAKE_CONNECTIONS (8),
#   PEAK_TICKET_CONNECTIONS (4)  (paced connections wait idle; more of them only let the
#                             rate hold when answers slow down)
#   PEAK_CLERKS (16), PEAK_TOWNSHIP_OFFICIALS (4), PEAK_DISTRICT_OFFICIALS (2)
#                             sessions (accounts peak.* are made once and kept in the data set)
#   PEAK_EXPORT (1; 0 = no export job), PEAK_EXPORT_FORMAT (xlsx or csv)
#   PEAK_HEALTH_DURATION      the /healthz run (default 10s)
#   PEAK_STRICT=1             exit 1 when no run met every goal
#   PEAK_HWM_RESET=0          do not reset serve's VmHWM before each run of the mix (by
#                             default the memory reported is the mix's own peak)
# Results are kept in $BENCH_DIR/peak/.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BENCH_DIR:?BENCH_DIR: the folder of a generated data set (see Benchmarks/run.sh)}"
PORT="${PORT:-${BENCH_PORT:-8097}}"
BIN="${BIN:-.build/release/cunwu}"
DURATION="${PEAK_DURATION:-${DURATION:-60s}}"
INTAKE_RATES="${PEAK_INTAKE_RATE:-100}"
TICKET_RATE="${PEAK_TICKET_RATE:-20}"
CLERK_RATE="${PEAK_CLERK_RATE:-0}"
OFFICIAL_RATE="${PEAK_OFFICIAL_RATE:-0}"
EXPORT="${PEAK_EXPORT:-1}"
EXPORT_FORMAT="${PEAK_EXPORT_FORMAT:-xlsx}"
export BENCH_DIR PORT PEAK_LUA_DIR="$PWD/Benchmarks/wrk"
export CUNWU_DEMO_PASSWORD="${CUNWU_DEMO_PASSWORD:-bench-pass-2026}"
export CUNWU_FILES_PATH="${CUNWU_FILES_PATH:-$BENCH_DIR/files}" CUNWU_DATA_KEY_FILE="${CUNWU_DATA_KEY_FILE:-$BENCH_DIR/data.key}"
[ -z "${DATABASE_URL:-}" ] && export CUNWU_DATABASE_PATH="${CUNWU_DATABASE_PATH:-$BENCH_DIR/bench.sqlite}"
WORK="$BENCH_DIR/peak"
mkdir -p "$WORK"
BASE="http://127.0.0.1:$PORT"

# "60s", "2m", "90" → seconds.
seconds() {
  case "$1" in
    *ms) echo $(( ${1%ms} / 1000 )) ;;
    *s) echo "${1%s}" ;;
    *m) echo $(( ${1%m} * 60 )) ;;
    *h) echo $(( ${1%h} * 3600 )) ;;
    *) echo "$1" ;;
  esac
}
SECS=$(seconds "$DURATION")
[ "$SECS" -ge 5 ] || { echo "peak: DURATION $DURATION is too short" >&2; exit 1; }

OWN_SERVER=""
BACKGROUND=()
cleanup() {
  for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null || true; done
  python3 Benchmarks/peak.py logout 2>/dev/null || true
  if [ -n "$OWN_SERVER" ]; then
    kill "$OWN_SERVER" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$OWN_SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$OWN_SERVER" 2>/dev/null || true
    wait "$OWN_SERVER" 2>/dev/null || true
  fi
}
trap cleanup EXIT

SERVE_LOG="$BENCH_DIR/serve.log"
if [ -z "${SERVER:-}" ]; then
  SERVE_LOG="$WORK/serve.log"
  # A kept SQLite data set is read once first, so the mix starts with it in the page cache (as
  # run.sh does): with most of it on disk, the export's cold reads stalled every class.
  [ -z "${DATABASE_URL:-}" ] && [ -f "$BENCH_DIR/bench.sqlite" ] && cat "$BENCH_DIR/bench.sqlite" > /dev/null
  echo "== serve ($BIN) on 127.0.0.1:$PORT"
  "$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$SERVE_LOG" 2>&1 &
  OWN_SERVER=$!
  SERVER=$OWN_SERVER
fi
for _ in $(seq 1 240); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.5; done
curl -sf "$BASE/healthz" >/dev/null || { echo "peak: no server on $BASE" >&2; [ -f "$SERVE_LOG" ] && tail -20 "$SERVE_LOG" >&2; exit 1; }
[ -r "/proc/$SERVER/status" ] || { echo "peak: no process $SERVER (SERVER)" >&2; exit 1; }

echo "== peak: $(nproc) cores; sessions and targets"
python3 Benchmarks/peak.py setup
# shellcheck disable=SC1091
source "$WORK/export.env"

echo "== /healthz alone (2 threads, 32 connections, ${PEAK_HEALTH_DURATION:-10s})"
HEALTH=$(wrk -t2 -c32 -d"${PEAK_HEALTH_DURATION:-10s}" "$BASE/healthz" | tee "$WORK/healthz.txt" | awk '/Requests\/sec/ {print $2}')
echo "healthz: $HEALTH req/s"

mb() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$SERVER/status"; }

# The export job, again and again until the mix ends (the last one is waited for): each
# started through the API, polled until done, its file fetched. Writes done=, errors=,
# times= and one "error …" line per failure.
export_loop() {
  local end=$1 out=$2 ok=0 errors=0 times="" resp code body id state t0 got
  : > "$out.errors"
  while [ "$(date +%s)" -lt "$end" ]; do
    t0=$(date +%s.%N)
    resp=$(curl -s -m 60 -w '\n%{http_code}' -X POST -H "Cookie: $EXPORT_COOKIE" -H "X-CSRF-Token: $EXPORT_CSRF" \
      -H 'Content-Type: application/json' -d "{\"format\":\"$EXPORT_FORMAT\"}" \
      "$BASE/api/v1/units/$EXPORT_UNIT/cycles/$EXPORT_CYCLE/exports") || resp=$'\n000'
    code=${resp##*$'\n'}; body=${resp%$'\n'*}
    if [ "$code" != 202 ]; then
      errors=$((errors + 1)); echo "error start: $code ${body:0:300}" >> "$out.errors"; sleep 1; continue
    fi
    id=$(sed -n 's/.*[{,]"id":"\([^"]*\)".*/\1/p' <<< "$body")
    state=running
    while [ "$state" = running ]; do
      sleep 0.5
      resp=$(curl -s -m 30 -w '\n%{http_code}' -H "Cookie: $EXPORT_COOKIE" "$BASE/api/v1/jobs/$id") || resp=$'\n000'
      code=${resp##*$'\n'}; body=${resp%$'\n'*}
      if [ "$code" != 200 ]; then state="poll $code ${body:0:300}"; break; fi
      state=$(sed -n 's/.*"state":"\([^"]*\)".*/\1/p' <<< "$body")
      if [ "$(date +%s)" -gt $((end + 600)) ]; then state="still running 10 minutes after the mix"; fi
    done
    if [ "$state" = done ]; then
      got=$(curl -s -m 60 -o /dev/null -w '%{http_code} %{size_download}' -H "Cookie: $EXPORT_COOKIE" "$BASE/jobs/$id/result") || got="000 0"
      if [ "${got%% *}" = 200 ] && [ "${got##* }" -gt 0 ]; then
        ok=$((ok + 1)); times="$times $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')"
      else
        errors=$((errors + 1)); echo "error result of job $id: $got" >> "$out.errors"
      fi
    else
      errors=$((errors + 1)); echo "error job $id: $state ${body:0:300}" >> "$out.errors"
    fi
  done
  { echo "done=$ok"; echo "errors=$errors"; echo "times=${times# }"; cat "$out.errors"; } > "$out"; rm -f "$out.errors"
}

# Serve's resident memory, sampled each second while the mix runs: the highest.
rss_sampler() {
  local end=$1 out=$2 max=0 now
  while [ "$(date +%s)" -lt "$end" ]; do
    now=$(mb VmRSS); [ -n "$now" ] && [ "$now" -gt "$max" ] && max=$now
    echo "$max" > "$out"
    sleep 1
  done
}

# wrk for one class, in the background: wrk_class NAME SCRIPT LIST RATE THREADS CONNECTIONS EXPECT STEP
wrk_class() {
  PEAK_CLASS=$1 PEAK_LIST=$3 PEAK_RATE=$4 PEAK_THREADS=$5 PEAK_EXPECT=$7 \
    wrk -t"$5" -c"$6" -d"$SECS"s --timeout 10s -s "Benchmarks/wrk/$2" "$BASE" > "$WORK/$8-$1.txt" 2>&1 &
  BACKGROUND+=($!)
  WRK_PIDS+=($!)
}

rate() { if [ "$1" = 0 ]; then echo "as fast as they go"; else echo "$1 req/s"; fi; }

STEPS=()
for RATE in $INTAKE_RATES; do
  STEP="rate$RATE"
  STEPS+=("$STEP")
  rm -f "$WORK/$STEP"-*
  [ "$TICKET_RATE" != 0 ] && python3 Benchmarks/peak.py tickets "$TICKET_RATE" "$SECS"
  HWM_RESET=0
  # Writing 5 to clear_refs resets VmHWM to the present size: the peak is the mix's own.
  # (PEAK_HWM_RESET=0 keeps serve's lifetime peak, e.g. for a report read after this.)
  if [ "${PEAK_HWM_RESET:-1}" = 1 ] && echo 5 2>/dev/null > "/proc/$SERVER/clear_refs"; then HWM_RESET=1; fi
  LOG_LINES=0; [ -f "$SERVE_LOG" ] && LOG_LINES=$(wc -l < "$SERVE_LOG")
  echo "== mix for $DURATION: intake $RATE req/s, 96156 $TICKET_RATE req/s, clerks $(rate "$CLERK_RATE") on ${PEAK_CLERK_CONNECTIONS:-8} connections, officials $(rate "$OFFICIAL_RATE") on ${PEAK_OFFICIAL_CONNECTIONS:-4}, export $( [ "$EXPORT" = 1 ] && echo "of a district ($EXPORT_FORMAT)" || echo none)"
  END=$(( $(date +%s) + SECS ))
  WRK_PIDS=()
  wrk_class clerks peak-pages.lua "$WORK/clerks.txt" "$CLERK_RATE" 2 "${PEAK_CLERK_CONNECTIONS:-8}" 200 "$STEP"
  wrk_class officials peak-pages.lua "$WORK/officials.txt" "$OFFICIAL_RATE" 1 "${PEAK_OFFICIAL_CONNECTIONS:-4}" 200 "$STEP"
  # Intake and tickets always at a steady rate (0 leaves the class out).
  [ "$RATE" != 0 ] && wrk_class intake peak-intake.lua "$WORK/intake.txt" "$RATE" 1 "${PEAK_INTAKE_CONNECTIONS:-8}" 201 "$STEP"
  [ "$TICKET_RATE" != 0 ] && wrk_class tickets peak-tickets.lua "$WORK/tickets.txt" "$TICKET_RATE" 1 "${PEAK_TICKET_CONNECTIONS:-4}" 201 "$STEP"
  rss_sampler "$END" "$WORK/$STEP-rss.txt" &
  BACKGROUND+=($!); SAMPLER=$!
  if [ "$EXPORT" = 1 ]; then
    export_loop "$END" "$WORK/$STEP-export.txt" &
    BACKGROUND+=($!); EXPORTER=$!
  else
    printf 'done=0\nerrors=0\ntimes=\n' > "$WORK/$STEP-export.txt"; EXPORTER=""
  fi
  for pid in "${WRK_PIDS[@]}"; do wait "$pid" || true; done
  wait "$SAMPLER" || true
  [ -n "$EXPORTER" ] && { wait "$EXPORTER" || true; }
  {
    echo "health=$HEALTH"; echo "intake_rate=$RATE"; echo "ticket_rate=$TICKET_RATE"
    echo "clerk_rate=$CLERK_RATE"; echo "official_rate=$OFFICIAL_RATE"; echo "export=$EXPORT"
    echo "vmhwm_mb=$(mb VmHWM)"; echo "rss_max_mb=$(cat "$WORK/$STEP-rss.txt" 2>/dev/null || echo '?')"; echo "hwm_reset=$HWM_RESET"
  } > "$WORK/$STEP-meta.txt"
  python3 Benchmarks/peak.py report "$STEP"
  if [ -f "$SERVE_LOG" ]; then
    tail -n +$((LOG_LINES + 1)) "$SERVE_LOG" > "$WORK/$STEP-serve.log"
    if grep -q "\[ ERROR \]\|\[ CRITICAL \]" "$WORK/$STEP-serve.log"; then
      echo "serve logged errors during the mix ($WORK/$STEP-serve.log), the first:"
      grep -m5 "\[ ERROR \]\|\[ CRITICAL \]" "$WORK/$STEP-serve.log" | cut -c1-400
    fi
  fi
  sleep 2
done

STATUS=0
python3 Benchmarks/peak.py summary "${STEPS[@]}" || STATUS=$?
[ "${PEAK_STRICT:-0}" = 1 ] && exit "$STATUS"
exit 0
