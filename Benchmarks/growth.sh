#!/usr/bin/env bash
# Issue 25, item 7: how the costs grow with the number of villages, on PostgreSQL. For each
# multiple of a base count (Beijing's 3,930 by default) it makes a fresh database, generates the
# villages, and measures what docs/performance.md's growth table shows:
#   - generating (seconds, rows a second) and the database's size;
#   - evaluating every village (facts + engine) against a plain pass, one village after a change,
#     and the first district dashboard view after every village of the district changed;
#   - intake over HTTP at saturation (req/s, p99) against /healthz in the same run;
#   - the district dashboard, a township's page and a village's sheet (p95, one client);
#   - serve's peak memory.
# Then it drops the database. A summary table (markdown) ends the output.
#
#   DATABASE_URL=postgres://…/any Benchmarks/growth.sh [base villages]   # default 3930
#
# GROWTH_SCALES (default "1 2 4"); GROWTH_REQUESTS_PER_WEEK (default 2: a twelfth of the
# generator's 25, so 4 × Beijing fits this machine's disk and time; the intake, ledger and
# complaint tables are that much smaller); BENCH_DURATION (default 10s) for each wrk run;
# BENCH_BUILD (default release). The role in DATABASE_URL must be allowed to create databases.
# Set the server as docs/performance.md says a deployment should (shared_buffers about a quarter
# of memory, effective_cache_size the rest): with the default 128 MB, pages slow as data grows.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${1:-3930}"
SCALES="${GROWTH_SCALES:-1 2 4}"
PER_WEEK="${GROWTH_REQUESTS_PER_WEEK:-2}"
DURATION="${BENCH_DURATION:-10s}"
PORT="${BENCH_PORT:-8098}"
BUILD="${BENCH_BUILD:-release}"
[ -n "${DATABASE_URL:-}" ] || { echo "growth.sh measures PostgreSQL: set DATABASE_URL (any database on the server)"; exit 2; }
ADMIN_URL="$DATABASE_URL"
swift build -c "$BUILD" --product cunwu >/dev/null
BIN=.build/$BUILD/cunwu
export BENCH_DIR
BENCH_DIR=$(mktemp -d /tmp/cunwu-growth.XXXXXX)
export CUNWU_DEMO_PASSWORD=bench-pass-2026 CUNWU_FILES_PATH="$BENCH_DIR/files" CUNWU_DATA_KEY_FILE="$BENCH_DIR/data.key"
python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' > "$CUNWU_DATA_KEY_FILE"
SERVER="" DB=""
# The URL of database $1 on the same server, with the same credentials and options.
url_of() { python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$ADMIN_URL" "$1"; }
admin() { psql "$ADMIN_URL" -Atqc "$1"; }
stop_server() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
  fi
}
cleanup() {
  stop_server
  [ -n "$DB" ] && admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$BENCH_DIR"
}
trap cleanup EXIT

field() { grep -m1 "$1" "$2" | grep -oE "[0-9]+(\.[0-9]+)?" | sed -n "${3}p"; }
rate() { awk '/Requests\/sec/ {print $2}'; }
echo "== machine: $(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MB; PostgreSQL $(admin 'SHOW server_version'), shared_buffers $(admin 'SHOW shared_buffers'), effective_cache_size $(admin 'SHOW effective_cache_size'); $BUILD build"
echo "== base $BASE villages, scales: $SCALES; $PER_WEEK requests a village a week"
ROWS=()
for scale in $SCALES; do
  villages=$((BASE * scale))
  DB="cunwu_growth_$scale"
  admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  admin "CREATE DATABASE $DB" >/dev/null
  export DATABASE_URL; DATABASE_URL=$(url_of "$DB")
  echo "== $scale × ($villages villages)"
  /usr/bin/time -f "generate: %e s, peak memory %M KB" "$BIN" generate --villages "$villages" --seed 1 --requests-per-week "$PER_WEEK" \
    > "$BENCH_DIR/generate.log" 2>&1 || { cat "$BENCH_DIR/generate.log"; exit 1; }
  grep -v "^\[" "$BENCH_DIR/generate.log" | tail -n 3
  psql "$DATABASE_URL" -qc "VACUUM (ANALYZE)" >/dev/null 2>&1
  size=$(admin "SELECT pg_size_pretty(pg_database_size('$DB'))")
  echo "database: $size"
  "$BIN" bench-evaluate --rounds 2 --targets "$BENCH_DIR" > "$BENCH_DIR/evaluate.log" 2>&1 || { cat "$BENCH_DIR/evaluate.log"; exit 1; }
  grep -v "^\[" "$BENCH_DIR/evaluate.log"
  "$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$BENCH_DIR/serve.log" 2>&1 & SERVER=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
  curl -sf -c "$BENCH_DIR/jar" -H 'Content-Type: application/json' -d "{\"username\":\"bench.admin\",\"password\":\"$CUNWU_DEMO_PASSWORD\"}" \
    "http://127.0.0.1:$PORT/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])' > "$BENCH_DIR/csrf.txt"
  echo "cunwu_session=$(awk '/cunwu_session/ {print $7}' "$BENCH_DIR/jar")" > "$BENCH_DIR/cookie.txt"
  health=$(wrk -t2 -c32 -d"$DURATION" "http://127.0.0.1:$PORT/healthz" | rate)
  wrk -t2 -c32 -d"$DURATION" -s Benchmarks/wrk/intake.lua "http://127.0.0.1:$PORT" > "$BENCH_DIR/intake.txt"
  intake=$(rate < "$BENCH_DIR/intake.txt")
  intake_p99=$(grep "^p50" "$BENCH_DIR/intake.txt" | grep -oE "p99 [0-9.]+" | cut -d' ' -f2)
  echo "intake: $intake req/s, p99 $intake_p99 ms ($(python3 -c "print(round($intake / $health, 3))") of /healthz at $health req/s)"
  declare -A P95=()
  while read -r name path; do
    curl -s -o /dev/null -H "Cookie: $(cat "$BENCH_DIR/cookie.txt")" "http://127.0.0.1:$PORT$path"
    line=$(wrk -t1 -c1 -d"$DURATION" -s Benchmarks/wrk/page.lua "http://127.0.0.1:$PORT$path" | grep "^p50")
    printf "%-20s %s\n" "$name" "$line"
    P95[$name]=$(echo "$line" | grep -oE "p95 [0-9.]+" | cut -d' ' -f2)
  done < "$BENCH_DIR/urls.txt"
  memory=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$SERVER/status")
  echo "serve's peak memory: $memory MB"
  stop_server
  gen=$(grep -m1 "^generate:" "$BENCH_DIR/generate.log" | grep -oE "[0-9.]+" | head -1)
  requests=$(field "service requests\|服务事项" "$BENCH_DIR/evaluate.log" 2)
  full=$(field "facts + engine\|事实" "$BENCH_DIR/evaluate.log" 1)
  ratio=$(field "ratio\|比值" "$BENCH_DIR/evaluate.log" 1)
  one=$(field "one village after\|一个村改" "$BENCH_DIR/evaluate.log" 4)
  change=$(field "First dashboard view\|区县全部村变动" "$BENCH_DIR/evaluate.log" 3)
  ROWS+=("| $scale × | $villages | ${requests:-?} | ${gen}s / $size | ${full}s (${ratio}) | $one | $change | $intake / $intake_p99 | ${P95[district-dashboard]:-?} | ${P95[township-page]:-?} | ${P95[village-sheet]:-?} | $memory |")
  admin "DROP DATABASE $DB WITH (FORCE)" >/dev/null
  DB=""
done
echo "== growth (PostgreSQL; times in ms unless marked)"
echo "| scale | villages | requests | generate / size | evaluate all (ratio to plain pass) | one village p95 | district view after change | intake req/s / p99 | district dashboard p95 | township page p95 | village sheet p95 | serve MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
printf "%s\n" "${ROWS[@]}"
