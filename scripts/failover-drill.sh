#!/usr/bin/env bash
# The failover drill (issue 25; docs/deployment.md): on 127.0.0.1 it starts a PostgreSQL
# primary and a synchronous standby (initdb, pg_basebackup), two `cunwu serve` processes that
# list both servers in DATABASE_URL, and HAProxy with TLS (a self-signed certificate) in
# front of them. It drives window intake through the proxy at a steady rate, kills one app
# server with SIGKILL, then kills the primary with SIGKILL, promotes the standby, and reports:
#
#   - requests acknowledged, and how many of them the promoted server holds (must be equal);
#   - the longest time intake had no acknowledgement (the outage as residents saw it);
#   - responses by status (none may be 500; every 503 carries Retry-After);
#   - whether `cunwu verify-ledger` passes on the promoted server;
#   - point-in-time recovery: a base backup of the new primary plus the WAL archive, replayed to a
#     moment during intake, holds what was acknowledged before it and nothing acknowledged after;
#   - that public pages and an official's dashboard are read from the standby, and answered
#     from it while there is no primary;
#   - what app server A's /metrics saw (503s for the outage, its primary now, intake batches).
#
#   scripts/failover-drill.sh            # DRILL_BEFORE=10 DRILL_OUTAGE=3 DRILL_AFTER=10 (seconds)
#   DRILL_RATE=20 DRILL_BUILD=release    # intake per second; which build of cunwu to run
#
# Exits non-zero when anything acknowledged is missing, a 500 was answered, or the ledger fails.
# Needs PostgreSQL 15, HAProxy and openssl from Debian's packages (installed when missing, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE="${DRILL_BEFORE:-10}"
OUTAGE="${DRILL_OUTAGE:-3}"
AFTER="${DRILL_AFTER:-10}"
RATE="${DRILL_RATE:-20}"
STATUS=0
BUILD="${DRILL_BUILD:-debug}"

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[ -x ".build/$BUILD/cunwu" ] || swift build -c "$BUILD" --product cunwu >/dev/null
BIN="$PWD/.build/$BUILD/cunwu"

DIR=$(mktemp -d /tmp/cunwu-drill.XXXXXX)
chmod 755 "$DIR"
# PostgreSQL will not run as root: its folders belong to the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
P1=$(free_port); P2=$(free_port); P3=$(free_port); A1=$(free_port); A2=$(free_port); PX=$(free_port)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for data in primary standby base; do
    [ -f "$DIR/$data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR/$data" -m immediate -w stop >/dev/null 2>&1 || true
  done
  wait 2>/dev/null || true
  if [ "${DRILL_KEEP:-0}" = 1 ]; then echo "drill folder kept: $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT
say() { printf '%s  %s\n' "$(date +%T)" "$*"; }

mkdir "$DIR/pglog" "$DIR/wal-archive"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR/pglog" "$DIR/wal-archive"
say "primary on 127.0.0.1:$P1 (synchronous commit to any standby)"
mkdir "$DIR/primary"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR/primary"; chmod 700 "$DIR/primary"
as_pg "$PGBIN/initdb" -D "$DIR/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
cat >> "$DIR/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $P1
unix_socket_directories = '/tmp'
wal_level = replica
max_wal_senders = 5
synchronous_commit = on
# Continuous archiving for point-in-time recovery; the standby inherits it and archives once promoted.
archive_mode = on
# A segment already there (the standby, once promoted, offers the ones the primary archived)
# counts as archived when it is the same; a different one fails.
archive_command = 'if [ -f $DIR/wal-archive/%f ]; then cmp -s %p $DIR/wal-archive/%f; else cp %p $DIR/wal-archive/%f.tmp && mv $DIR/wal-archive/%f.tmp $DIR/wal-archive/%f; fi'
EOF
as_pg "$PGBIN/pg_ctl" -D "$DIR/primary" -l "$DIR/pglog/primary.log" -w start >/dev/null
psql -q -h 127.0.0.1 -p "$P1" -U postgres -c "CREATE ROLE cunwu LOGIN PASSWORD 'cunwu'" -c "CREATE DATABASE cunwu_drill OWNER cunwu"

say "standby on 127.0.0.1:$P2 (pg_basebackup, streaming)"
mkdir "$DIR/standby"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR/standby"; chmod 700 "$DIR/standby"
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$P1" -U postgres -D "$DIR/standby" -R -X stream --checkpoint=fast
cat >> "$DIR/standby/postgresql.conf" <<EOF
port = $P2
# Once promoted it has no standby of its own: waiting for one would stop every commit.
synchronous_standby_names = ''
EOF
as_pg "$PGBIN/pg_ctl" -D "$DIR/standby" -l "$DIR/pglog/standby.log" -w start >/dev/null
# From now on a commit is acknowledged only once it is on the standby's disk too: nothing
# acknowledged is lost with the primary. (Set after the standby exists: before, every commit
# would wait for it.)
psql -q -h 127.0.0.1 -p "$P1" -U postgres -c "ALTER SYSTEM SET synchronous_standby_names = '*'" -c "SELECT pg_reload_conf()" >/dev/null
for _ in $(seq 50); do
  [ "$(psql -Atq -h 127.0.0.1 -p "$P1" -U postgres -c "SELECT sync_state FROM pg_stat_replication" 2>/dev/null)" = sync ] && break
  sleep 0.2
done
say "replication: $(psql -Atq -h 127.0.0.1 -p "$P1" -U postgres -c "SELECT application_name || ' ' || state || ' ' || sync_state FROM pg_stat_replication")"

export DATABASE_URL="postgres://cunwu:cunwu@127.0.0.1:$P1,127.0.0.1:$P2/cunwu_drill?sslmode=disable"
# Pages that only read (the public ones) are read from the standby while it keeps up.
export DATABASE_READ_URL="postgres://cunwu:cunwu@127.0.0.1:$P2/cunwu_drill?sslmode=disable"
export CUNWU_DATA_KEY_FILE="$DIR/data.key" CUNWU_FILES_PATH="$DIR/files" CUNWU_DEMO_PASSWORD=drill-pass-2026
export CUNWU_TRUSTED_PROXIES=127.0.0.1 CUNWU_SECURE_COOKIES=1
# Every app server holds the same data key (docs/deployment.md).
python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' > "$CUNWU_DATA_KEY_FILE"
say "data: 4 villages (cunwu generate)"
"$BIN" generate --villages 4 --seed 1 > "$DIR/generate.log" 2>&1 || { cat "$DIR/generate.log"; exit 1; }
"$BIN" bench-evaluate --rounds 1 --targets "$DIR" > "$DIR/evaluate.log" 2>&1 || { cat "$DIR/evaluate.log"; exit 1; }

say "two app servers on 127.0.0.1:$A1 and :$A2"
"$BIN" serve --hostname 127.0.0.1 --port "$A1" > "$DIR/serve-a.log" 2>&1 & APP_A=$!; PIDS+=("$APP_A")
"$BIN" serve --hostname 127.0.0.1 --port "$A2" > "$DIR/serve-b.log" 2>&1 & APP_B=$!; PIDS+=("$APP_B")

say "HAProxy with TLS on 127.0.0.1:$PX"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/tls.key" -out "$DIR/tls.crt" -days 2 -subj "/CN=127.0.0.1" 2>/dev/null
cat "$DIR/tls.crt" "$DIR/tls.key" > "$DIR/tls.pem"
sed -e "s|@PROXY@|127.0.0.1:$PX|" -e "s|@CERT@|$DIR/tls.pem|" -e "s|@APP_A@|127.0.0.1:$A1|" -e "s|@APP_B@|127.0.0.1:$A2|" \
  docs/deploy/haproxy.cfg > "$DIR/haproxy.cfg"
haproxy -f "$DIR/haproxy.cfg" -db > "$DIR/haproxy.log" 2>&1 & PIDS+=("$!")
for _ in $(seq 240); do
  curl -skf "https://127.0.0.1:$PX/healthz" >/dev/null && curl -sf "http://127.0.0.1:$A1/healthz" >/dev/null \
    && curl -sf "http://127.0.0.1:$A2/healthz" >/dev/null && break
  sleep 0.5
done

VILLAGE=$(awk 'NR == 1 {print $1}' "$DIR/villages.txt")
PUBLIC="/public/villages/$VILLAGE/disclosures"
for _ in 1 2 3; do curl -sf -o /dev/null "http://127.0.0.1:$A1$PUBLIC"; done
READS=$(curl -sf "http://127.0.0.1:$A1/metrics" | awk '/^cunwu_database_reads_total\{target="replica"\}/ {print $2}')
say "public pages read from the standby: app server A counts ${READS:-0} reads there"
# An official signed in on app server A, and the district's dashboard (read from the standby too).
DASHBOARD=$(awk '$1 == "district-dashboard" {print $2}' "$DIR/urls.txt")
OFFICIAL=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench.admin\",\"password\":\"$CUNWU_DEMO_PASSWORD\"}" "http://127.0.0.1:$A1/api/v1/session" \
  | tr -d '\r' | awk -F'[=;]' 'tolower($1) == "set-cookie: cunwu_session" {print $2}')
dashboard() { curl -s -o /dev/null -w '%{http_code}' -H "Cookie: cunwu_session=$OFFICIAL" "http://127.0.0.1:$A1$DASHBOARD"; }
say "the district's dashboard for a signed-in official: $(dashboard)"
say "intake at $RATE a second through the proxy"
python3 scripts/drill-load.py --base "https://127.0.0.1:$PX" --villages "$DIR/villages.txt" --user bench.admin \
  --password "$CUNWU_DEMO_PASSWORD" --rate "$RATE" --stop "$DIR/stop" --report "$DIR/load.json" & LOAD=$!
sleep "$((BEFORE / 2))"
say "app server B killed (SIGKILL)"
{ kill -9 "$APP_B"; wait "$APP_B"; } 2>/dev/null || true
sleep "$((BEFORE - BEFORE / 2))"
PRIMARY_PID=$(head -n 1 "$DIR/primary/postmaster.pid")
KILLED_AT=$(date +%s.%N)
say "primary killed (SIGKILL to the postmaster and every backend)"
pkill -9 -P "$PRIMARY_PID" || true
kill -9 "$PRIMARY_PID"
rm -f "$DIR/primary/postmaster.pid"
sleep 1
# With no primary, a public page is still answered, from the standby.
DURING=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$A1$PUBLIC")
say "with no primary, a public page from app server A: $DURING"
DASHBOARD_DURING=$(dashboard)
say "with no primary, the official's dashboard from app server A: $DASHBOARD_DURING"
sleep "$((OUTAGE > 1 ? OUTAGE - 1 : 0))"
as_pg "$PGBIN/pg_ctl" -D "$DIR/standby" -w promote >/dev/null
PROMOTED_AT=$(date +%s.%N)
say "standby promoted; $(psql -Atq -h 127.0.0.1 -p "$P2" -U postgres -c "SELECT CASE WHEN pg_is_in_recovery() THEN 'still a standby' ELSE 'now the primary' END")"
# A base backup of the new primary while intake goes on, then a moment to recover to.
sleep "$((AFTER / 3))"
mkdir "$DIR/base"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR/base"; chmod 700 "$DIR/base"
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$P2" -U postgres -D "$DIR/base" -X stream --checkpoint=fast
say "base backup of the new primary taken (pg_basebackup; WAL archived to $DIR/wal-archive)"
sleep "$((AFTER / 3))"
TARGET=$(python3 -c 'import time; print(f"{time.time():.3f}")')
TARGET_SQL=$(python3 -c "import datetime, sys; print(datetime.datetime.fromtimestamp(float(sys.argv[1]), datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S.%f+00'))" "$TARGET")
say "recovery target: $TARGET_SQL"
sleep "$((AFTER - 2 * (AFTER / 3)))"
# What the new primary's sessions from the app are doing (kept for a failed drill's reader).
psql -Atq -h 127.0.0.1 -p "$P2" -U postgres -c "SELECT pid, state, wait_event_type, wait_event, now() - xact_start, left(query, 80) FROM pg_stat_activity WHERE usename = 'cunwu'" > "$DIR/activity.txt" 2>&1 || true
# What app server A saw, from its own /metrics (open to this machine only), before it is upgraded.
METRICS=$(curl -sf "http://127.0.0.1:$A1/metrics" || true)

# A rolling upgrade with a migration, while intake goes on (docs/deployment.md, upgrades). The
# database is put back one migration, as the previous version left it (the last migration's
# indexes dropped, its row removed); app server A keeps serving on it. Then B, the "new version",
# starts and migrates while A serves; then A is stopped gracefully (SIGTERM: it finishes what it
# holds, HAProxy sends the rest to B) and started again.
healthy() { for _ in $(seq 240); do curl -sf -o /dev/null "http://127.0.0.1:$1/healthz" && return 0; sleep 0.25; done; return 1; }
LAST_MIGRATION=AddPathPatternIndexes
psql -q -h 127.0.0.1 -p "$P2" -U postgres -d cunwu_drill -c "DROP INDEX idx_units_path_pattern" -c "DROP INDEX idx_assessment_sheets_path_pattern" \
  -c "DELETE FROM _fluent_migrations WHERE name = '$LAST_MIGRATION'" >/dev/null
say "rolling upgrade: the database one migration behind; app server B starts and migrates it while A serves"
"$BIN" serve --hostname 127.0.0.1 --port "$A2" > "$DIR/serve-b2.log" 2>&1 & APP_B=$!; PIDS+=("$APP_B")
healthy "$A2" || { echo "app server B did not start: FAILED"; tail -n 20 "$DIR/serve-b2.log"; STATUS=1; }
say "app server A stopped (SIGTERM) and started again"
kill -TERM "$APP_A"; wait "$APP_A" 2>/dev/null || true
"$BIN" serve --hostname 127.0.0.1 --port "$A1" > "$DIR/serve-a2.log" 2>&1 & APP_A=$!; PIDS+=("$APP_A")
healthy "$A1" || { echo "app server A did not start again: FAILED"; tail -n 20 "$DIR/serve-a2.log"; STATUS=1; }
UPGRADED_AT=$(date +%s.%N)
MIGRATED=$(psql -Atq -h 127.0.0.1 -p "$P2" -U postgres -d cunwu_drill -c "SELECT count(*) FROM _fluent_migrations WHERE name = '$LAST_MIGRATION'")
INDEXED=$(psql -Atq -h 127.0.0.1 -p "$P2" -U postgres -d cunwu_drill -c "SELECT count(*) FROM pg_indexes WHERE indexname IN ('idx_units_path_pattern', 'idx_assessment_sheets_path_pattern')")
say "upgraded: migration recorded $MIGRATED, indexes present $INDEXED of 2; both app servers serving"
[ "$MIGRATED" = 1 ] && [ "$INDEXED" = 2 ] || { echo "the migration was not applied while serving: FAILED"; STATUS=1; }
sleep 2
touch "$DIR/stop"
wait "$LOAD"
# The segment being written is archived when it is full or switched: switch it now, and wait
# until the archiver has copied it.
SEGMENT=$(psql -Atq -h 127.0.0.1 -p "$P2" -U postgres -c "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 100); do [ -f "$DIR/wal-archive/$SEGMENT" ] && break; sleep 0.1; done

say "checking on the promoted server"
PROMOTED_URL="postgres://cunwu:cunwu@127.0.0.1:$P2/cunwu_drill?sslmode=disable"
python3 - "$DIR/load.json" "$KILLED_AT" "$PROMOTED_AT" "$P2" "$UPGRADED_AT" > "$DIR/report.txt" <<'EOF' || STATUS=1
import json, subprocess, sys
report = json.load(open(sys.argv[1]))
killed, promoted, port, upgraded = float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], float(sys.argv[5])
ids = [entry[0] for entry in report["acknowledged"]]
found = 0
for start in range(0, len(ids), 500):
    chunk = ",".join(ids[start:start + 500])
    found += int(subprocess.check_output(["psql", "-Atq", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "cunwu_drill", "-c",
        f"SELECT count(*) FROM service_requests WHERE id = ANY('{{{chunk}}}'::uuid[])"]).decode().strip() or 0)
after = [t for _, t in report["acknowledged"] if t > killed]
print(f"acknowledged: {len(ids)}")
print(f"found on the promoted server: {found}")
print(f"acknowledged after the promotion: {sum(1 for t in after if t > promoted)}")
print(f"seconds without a primary (kill → promotion): {promoted - killed:.1f}")
print(f"longest time with no acknowledgement (the outage as intake saw it): {report['longest_gap_seconds']} s")
print("responses by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(report["statuses"].items())))
print(f"503 without Retry-After: {report['retry_after_missing']}")
print(f"acknowledged after the rolling upgrade: {sum(1 for t in after if t > upgraded)}")
ok = found == len(ids) and len(ids) > 0 and report["statuses"].get("500", 0) == 0 and report["retry_after_missing"] == 0 \
    and any(t > promoted for t in after) and any(t > upgraded for t in after)
print("RESULT: " + ("acknowledged = found, no 500" if ok else "FAILED"))
sys.exit(0 if ok else 1)
EOF
cat "$DIR/report.txt"
if DATABASE_URL="$PROMOTED_URL" "$BIN" verify-ledger > "$DIR/verify.log" 2>&1; then
  echo "verify-ledger on the promoted server: passed ($(tail -n 1 "$DIR/verify.log"))"
else
  cat "$DIR/verify.log"; echo "verify-ledger on the promoted server: FAILED"; STATUS=1
fi
say "point-in-time recovery: the base backup and the archive, replayed to the target, on 127.0.0.1:$P3"
cat >> "$DIR/base/postgresql.conf" <<EOF
port = $P3
archive_mode = off
synchronous_standby_names = ''
restore_command = 'cp $DIR/wal-archive/%f %p'
recovery_target_time = '$TARGET_SQL'
recovery_target_action = 'promote'
EOF
rm -f "$DIR/base/standby.signal"; as_pg touch "$DIR/base/recovery.signal"
as_pg "$PGBIN/pg_ctl" -D "$DIR/base" -l "$DIR/pglog/restored.log" -w -t 120 start >/dev/null
for _ in $(seq 100); do
  [ "$(psql -Atq -h 127.0.0.1 -p "$P3" -U postgres -c "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ] && break
  sleep 0.2
done
python3 - "$DIR/load.json" "$TARGET" "$P3" <<'PITR' || STATUS=1
import json, subprocess, sys
report = json.load(open(sys.argv[1]))
target, port = float(sys.argv[2]), sys.argv[3]
def present(ids):
    if not ids: return 0
    return int(subprocess.check_output(["psql", "-Atq", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "cunwu_drill", "-c",
        f"SELECT count(*) FROM service_requests WHERE id = ANY('{{{','.join(ids)}}}'::uuid[])"]).decode().strip())
# A second either side: a request is committed a little before it is acknowledged.
before = [i for i, t in report["acknowledged"] if t < target - 1]
after = [i for i, t in report["acknowledged"] if t > target + 1]
found_before, found_after = present(before), present(after)
print(f"restored to the target: {found_before} of {len(before)} acknowledged before it are there; {found_after} of {len(after)} acknowledged after it")
ok = found_before == len(before) and len(before) > 0 and found_after == 0 and len(after) > 0
print("point-in-time recovery: " + ("passed" if ok else "FAILED"))
sys.exit(0 if ok else 1)
PITR
as_pg "$PGBIN/pg_ctl" -D "$DIR/base" -m fast -w stop >/dev/null || true

echo "app server A's /metrics (before its upgrade):"
echo "$METRICS" | grep -E '^cunwu_database_(unavailable_total|primary_switches|primary\{)|^cunwu_intake_batch_size_(count|sum)' | sed 's/^/  /'
if ! echo "$METRICS" | grep -q "^cunwu_database_primary{host=\"127.0.0.1:$P2\"} 1"; then
  echo "app server A does not report the promoted server as its primary: FAILED"; STATUS=1
fi
if [ "$STATUS" != 0 ]; then
  echo "-- for the reader of a failed drill: the new primary's sessions from the app just before intake stopped"
  cat "$DIR/activity.txt"
  echo "-- app server A's log, last lines"
  tail -n 15 "$DIR/serve-a.log"
fi
if [ "$DURING" != 200 ] || [ "${READS:-0}" = 0 ]; then
  echo "public pages not read from the standby (reads there: ${READS:-0}; with no primary: $DURING): FAILED"; STATUS=1
fi
if [ "$DASHBOARD_DURING" != 200 ]; then
  echo "with no primary, the official's dashboard was not answered from the standby ($DASHBOARD_DURING): FAILED"; STATUS=1
fi
exit "$STATUS"
