#!/usr/bin/env bash
# Fuzzing (issues 10 and 18) of a server started on the demo data, signed in as the demo's
# administrator, each pass bounded in time:
# 1. schemathesis from PyPI reads /api/v1/openapi.json and sends generated requests to every
#    operation; it fails on any 5xx answer and on any answer that breaks the documented
#    schema (status code, content type or body);
# 2. .ci/input-fuzz.py drives every route of `cunwu routes`, pages and forms included, with
#    extreme integers, far dates, long strings, NUL, control characters and bytes that are
#    not UTF-8 in the path, the query and the body; it fails on any 5xx, a dropped
#    connection, or a server that stops answering.
#
#   .ci/fuzz.sh     # after swift build; FUZZ_SECONDS (default 180) and FUZZ_INPUT_SECONDS (240) bound them
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${CUNWU_FUZZ_PORT:-8099}"
SECONDS_LIMIT="${FUZZ_SECONDS:-180}"
VENV="${FUZZ_VENV:-/tmp/cunwu-schemathesis}"
DIR=$(mktemp -d /tmp/cunwu-fuzz.XXXXXX)
export CUNWU_DEMO_PASSWORD="fuzz-pass-$RANDOM$RANDOM"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT

[ -x "$VENV/bin/st" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "schemathesis==4.32.5"; }

CUNWU_DATABASE_PATH="$DIR/demo.sqlite" CUNWU_FILES_PATH="$DIR/files" DATABASE_URL="" \
  .build/debug/cunwu serve --demo --hostname 127.0.0.1 --port "$PORT" > "$DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$DIR/server.log"; exit 1; }

# Signed in as the demo administrator: every operation is reachable.
LOGIN=$(curl -sf -D "$DIR/headers" -H 'Content-Type: application/json' \
  -d "{\"username\":\"demo.admin\",\"password\":\"$CUNWU_DEMO_PASSWORD\"}" "http://127.0.0.1:$PORT/api/v1/session")
CSRF=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrfToken"])' "$LOGIN")
COOKIE=$(grep -i '^set-cookie: cunwu_session=' "$DIR/headers" | head -1 | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*).*/\1/')

# Signing out would end the session the run signs in with: that one operation is left out.
"$VENV/bin/st" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing --max-time "$SECONDS_LIMIT" --workers 2 --request-timeout 20 \
  --exclude-operation-id deleteApiV1Session \
  --suppress-health-check all --seed 2026 \
  -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
  || { echo "== server log (last 80 lines)"; tail -80 "$DIR/server.log"; exit 1; }

# Every route, pages and forms too (issue 18): extreme integers, far dates, long strings, NUL,
# control characters and bytes that are not UTF-8 in paths, queries and bodies. Signed in
# afresh (schemathesis may have changed what the first session could do).
.build/debug/cunwu routes > "$DIR/routes.json"
curl -sf "http://127.0.0.1:$PORT/api/v1/openapi.json" > "$DIR/openapi.json"
LOGIN=$(curl -sf -D "$DIR/headers2" -H 'Content-Type: application/json' \
  -d "{\"username\":\"demo.admin\",\"password\":\"$CUNWU_DEMO_PASSWORD\"}" "http://127.0.0.1:$PORT/api/v1/session")
CSRF=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrfToken"])' "$LOGIN")
COOKIE=$(grep -i '^set-cookie: cunwu_session=' "$DIR/headers2" | head -1 | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*).*/\1/')
python3 .ci/input-fuzz.py --base "http://127.0.0.1:$PORT" --routes "$DIR/routes.json" --openapi "$DIR/openapi.json" \
  --cookie "$COOKIE" --csrf "$CSRF" --seconds "${FUZZ_INPUT_SECONDS:-240}" \
  || { echo "== server log (last 80 lines)"; tail -80 "$DIR/server.log"; exit 1; }
if grep -q "Fatal error\|Segmentation" "$DIR/server.log"; then echo "the server crashed"; tail -80 "$DIR/server.log"; exit 1; fi
kill -0 "$SERVER" || { echo "the server is gone"; tail -80 "$DIR/server.log"; exit 1; }
