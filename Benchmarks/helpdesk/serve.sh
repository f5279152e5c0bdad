#!/usr/bin/env bash
# Starts django-helpdesk (prepared by setup.sh in DIR) under gunicorn on 127.0.0.1:PORT in the
# background, prints gunicorn's PID on stdout and returns once the REST API answers.
# Two workers of gunicorn's default class, sync (one request at a time per worker, no
# keep-alive); GUNICORN_WORKER_CLASS picks another (e.g. gthread). Logs: DIR/gunicorn.log.
#
#   PID=$(Benchmarks/helpdesk/serve.sh DIR PORT); ...; kill "$PID"
set -euo pipefail
DIR="$(cd "${1:?usage: serve.sh DIR PORT}" && pwd)"
PORT="${2:?usage: serve.sh DIR PORT}"
[ -f "$DIR/ready" ] || { echo "serve.sh: run setup.sh $DIR first" >&2; exit 1; }
export PYTHONPATH="$DIR" DJANGO_SETTINGS_MODULE=hdbench.settings

# Only the master's PID is printed; stopping it (SIGTERM) stops its workers too.
"$DIR/venv/bin/gunicorn" hdbench.wsgi:application \
  --bind "127.0.0.1:$PORT" --workers 2 --worker-class "${GUNICORN_WORKER_CLASS:-sync}" \
  --timeout 120 --log-level warning --error-logfile "$DIR/gunicorn.log" \
  --pid "$DIR/gunicorn.pid" > "$DIR/gunicorn.out" 2>&1 < /dev/null &
PID=$!

# Wait (up to 30 s) until the API answers with the token.
TOKEN="$(cat "$DIR/token.txt")"
for _ in $(seq 1 60); do
  if curl -sf -o /dev/null -H "Authorization: Token $TOKEN" "http://127.0.0.1:$PORT/api/tickets/?page_size=1"; then
    echo "$PID"
    exit 0
  fi
  kill -0 "$PID" 2>/dev/null || { echo "serve.sh: gunicorn exited; see $DIR/gunicorn.log" >&2; exit 1; }
  sleep 0.5
done
echo "serve.sh: no answer on 127.0.0.1:$PORT after 30 s; see $DIR/gunicorn.log" >&2
kill "$PID" 2>/dev/null || true
exit 1
