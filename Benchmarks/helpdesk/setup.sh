#!/usr/bin/env bash
# Prepares django-helpdesk 2.x for the comparison benchmark in DIR: a venv with the pinned
# packages (requirements.txt), a minimal Django project (settings.py, urls.py, wsgi.py from
# this folder), SQLite in WAL mode, migrations, a staff superuser with a DRF token, one queue
# and 10,000 tickets. Writes DIR/token.txt and DIR/queue.txt; skips all of it if DIR/ready
# exists (remove DIR to start again).
#
#   Benchmarks/helpdesk/setup.sh DIR [TICKETS]     # TICKETS defaults to 10000
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DIR="${1:?usage: setup.sh DIR [TICKETS]}"
TICKETS="${2:-10000}"
PYTHON="${PYTHON:-python3}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
if [ -f "$DIR/ready" ]; then
  echo "helpdesk: $DIR is ready ($(cat "$DIR/ready"))"
  exit 0
fi
start=$(date +%s)

# The virtual environment and the pinned packages.
[ -x "$DIR/venv/bin/python" ] || "$PYTHON" -m venv "$DIR/venv"
"$DIR/venv/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"

# The project: DIR/hdbench/{settings,urls,wsgi}.py; DIR itself goes on PYTHONPATH.
mkdir -p "$DIR/hdbench"
: > "$DIR/hdbench/__init__.py"
cp "$HERE/settings.py" "$HERE/urls.py" "$HERE/wsgi.py" "$DIR/hdbench/"
[ -s "$DIR/secret.txt" ] || "$DIR/venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$DIR/secret.txt"
export PYTHONPATH="$DIR" DJANGO_SETTINGS_MODULE=hdbench.settings

# Schema (the database is created in WAL mode by the settings' init_command), then the data.
"$DIR/venv/bin/django-admin" migrate --noinput -v 0
"$DIR/venv/bin/python" "$HERE/seed.py" "$DIR" "$TICKETS"

echo "django-helpdesk $("$DIR/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("django-helpdesk"))'), $TICKETS tickets, set up in $(( $(date +%s) - start )) s" | tee "$DIR/ready"
