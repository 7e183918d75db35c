#!/usr/bin/env bash
# Fresh machine -> every test: installs what the tests need (pip, npm, apt-get), then runs
# the whole suite on 2 workers. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
mkdir -p test-artifacts
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" -p no:cacheprovider "$@"
