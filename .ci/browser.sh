#!/usr/bin/env bash
# Browser tests: starts the app on fresh demo data (SQLite) and drives headless Chromium
# through the main flows (Tests/browser/run.py). Screenshots go to browser-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${CUNWU_BROWSER_PORT:-8088}"
DB=$(mktemp -d /tmp/cunwu-browser.XXXXXX)
export CUNWU_DEMO_PASSWORD="browser-pass-$RANDOM$RANDOM"
CUNWU_DATABASE_PATH="$DB/demo.sqlite" CUNWU_FILES_PATH="$DB/files" DATABASE_URL="" \
  .build/debug/cunwu serve --demo --port "$PORT" > "$DB/server.log" 2>&1 &
SERVER=$!
# Wait for the server to stop (it writes its last ledger anchor as it does) before removing
# its folder, or the removal races that write.
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DB"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$DB/server.log"; exit 1; }
CUNWU_REQUIRE_AXE="${CUNWU_REQUIRE_AXE-1}" CUNWU_URL="http://127.0.0.1:$PORT" python3 Tests/browser/run.py
