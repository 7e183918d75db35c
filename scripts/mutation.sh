#!/usr/bin/env bash
# Mutation score of one domain module (or all of them) against its tests: mutmut on a copy of
# the work tree under var/mutation/, then the score and every survivor, bench-style.
#
#   bash scripts/mutation.sh access                 # portal/domain/access.py against tests/unit
#   bash scripts/mutation.sh routing geo --workers 2
#   bash scripts/mutation.sh --all --readme         # every module of portal/domain/, README table updated
#   bash scripts/mutation.sh --table                # the README table from the last runs
#   bash scripts/mutation.sh rewards --tests "tests/unit tests/services"
#
# A development tool, not part of CI's pass/fail (too slow): mutmut (pinned, so scores compare
# between runs) is installed into .venv on first use, never into the runtime or Lambda package.
# Needs `bash scripts/setup.sh --test` first. Details: scripts/mutation.py.
set -euo pipefail
cd "$(dirname "$0")/.."
MUTMUT_VERSION=3.8.1
if [ ! -x .venv/bin/python ]; then
  echo "no .venv: run 'bash scripts/setup.sh --test' first" >&2
  exit 1
fi
if [ "$(.venv/bin/python -c 'import importlib.metadata as m
try: print(m.version("mutmut"))
except m.PackageNotFoundError: print("")')" != "$MUTMUT_VERSION" ]; then
  echo "installing mutmut==$MUTMUT_VERSION into .venv (development tool)" >&2
  .venv/bin/python -m pip install -q "mutmut==$MUTMUT_VERSION"
fi
exec .venv/bin/python scripts/mutation.py "$@"
