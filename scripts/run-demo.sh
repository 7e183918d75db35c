#!/usr/bin/env bash
# Fresh machine -> the portal with the demo county on the embedded default
# (SQLite, local files, a local key file, the SMS outbox) at http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/portal serve --demo --data-dir "${PORTAL_DATA_DIR:-var/demo}" "$@"
