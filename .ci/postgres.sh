#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 on 127.0.0.1:${PGPORT:-55432} with its own data folder,
# creates the role cunwu (allowed to create the per-test databases) and prints DATABASE_URL.
# Usage: eval "$(.ci/postgres.sh start)"; ...; .ci/postgres.sh stop
set -euo pipefail
PGPORT="${PGPORT:-55432}"
STATE=/tmp/cunwu-ci-pgdata-path
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

case "${1:-}" in
start)
  PGDATA=$(mktemp -d /tmp/cunwu-pg.XXXXXX)
  # max_connections: the suites run in parallel, each test with its own database and pool;
  # at 342 tests 300 slots ran out once (53300), so 600.
  chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"
  echo "$PGDATA" > "$STATE"
  su postgres -c "$BIN/initdb -D $PGDATA -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
  if ! su postgres -c "$BIN/pg_ctl -D $PGDATA -l $PGDATA/server.log -w -o '-c listen_addresses=127.0.0.1 -p $PGPORT -k /tmp -c max_connections=600' start" >/dev/null; then
    echo "PostgreSQL did not start (is port $PGPORT taken? set PGPORT):" >&2
    cat "$PGDATA/server.log" >&2
    exit 1
  fi
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -q -c "CREATE ROLE cunwu LOGIN CREATEDB PASSWORD 'cunwu';" -c "GRANT pg_signal_backend TO cunwu;" \
       -c "CREATE DATABASE cunwu_test OWNER cunwu ENCODING 'UTF8';" >/dev/null
  echo "export DATABASE_URL='postgres://cunwu:cunwu@127.0.0.1:$PGPORT/cunwu_test?sslmode=disable'"
  ;;
stop)
  if [ -f "$STATE" ]; then
    PGDATA=$(cat "$STATE")
    su postgres -c "$BIN/pg_ctl -D $PGDATA -m fast -w stop" >/dev/null || true
    rm -rf "$PGDATA" "$STATE"
  fi
  ;;
*)
  echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
