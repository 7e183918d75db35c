#!/usr/bin/env bash
# Build the AWS Lambda package of one Zappa stage from the runtime dependencies only:
#
#   bash scripts/package.sh [prod|dev]       -> dist/complaint-portal-<stage>.zip
#
# 1. .venv-lambda, a fresh virtual environment holding the portal installed as a wheel
#    (`pip install`, not -e) with its runtime dependencies, never the test extra. The
#    dependencies are manylinux2014 wheels: Lambda's python3.11 runtime runs on Amazon
#    Linux 2 (glibc 2.26), where wheels built for a newer glibc (manylinux_2_28 and up, what
#    pip picks on a recent build machine) fail to import.
# 2. Zappa (the `lambda` extra): its handler runs the app on Lambda; its CLI and the CLI's
#    own dependencies build the package and are kept out of it by `exclude` in
#    zappa_settings.json, as are boto3 and botocore (the runtime has them).
# 3. `zappa package <stage>` with that environment activated. Packaging needs no AWS
#    credentials and no network (`bench/package.py` builds the package with both refused).
#
# Installing (step 1 and 2) needs PyPI. Deploy the zip with `zappa deploy <stage> --zip ...`
# or `zappa update <stage> --zip ...` (README.md, "Deploying on AWS").
set -euo pipefail
cd "$(dirname "$0")/.."
stage=${1:-prod}
venv=.venv-lambda
output=dist/complaint-portal-$stage.zip

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "Python 3.11 is required, the Lambda runtime's version (found $("$python" --version 2>&1))" >&2; exit 1
fi

rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
wheels=$(mktemp -d)
trap 'rm -rf "$wheels"' EXIT

"$venv/bin/python" -m pip wheel -q --no-deps --wheel-dir "$wheels" .
portal_wheel=$(ls "$wheels"/portal-*.whl)
"$venv/bin/python" -m pip install -q --target "$site" --platform manylinux2014_x86_64 \
  --implementation cp --python-version 3.11 --only-binary=:all: "$portal_wheel"
rm -rf "$site/bin"  # console scripts `pip --target` writes beside the packages
# what the Lambda runs: the portal and its runtime dependencies (pip was there before them)
runtime_tops=$(cd "$site" && ls | grep -v -x -E 'pip|setuptools|pkg_resources|_distutils_hack|.*[.](dist-info|libs|data)')
# Zappa and its CLI's dependencies; what the portal already brought is left as it is
"$venv/bin/python" -m pip install -q "$portal_wheel[lambda]"
# Snapshots a cold start reads instead of parsing its sources (portal/snapshots.py): each county
# file's, validated by the schema, and China's holiday table from the installed holidays package.
# Written into the installed portal (never committed); a snapshot whose sources differ is ignored.
(python_abs="$PWD/$venv/bin/python"; cd "$site" && "$python_abs" -m portal.snapshots >/dev/null)
# Bytecode that stays valid in the zip: Zappa stores every file dated 1980, so the usual
# timestamp-checked .pyc files never match their sources on Lambda, whose /var/task is
# read-only; each cold start would compile every module again. Hash-based, unchecked .pyc
# files are used as they are (the package is never edited in place).
# - the portal (and Zappa's handler): sources and their bytecode in __pycache__, so a
#   traceback quotes our lines;
# - the runtime dependencies: bytecode only, each module's .pyc where its .py was (Python
#   imports such a file without the source), a third of the zip less. A package's __init__.py
#   stays a source with its bytecode in __pycache__ (Zappa writes an empty __init__.py into a
#   folder without one, which would hide the package's bytecode), as does a module that does
#   not compile.
"$venv/bin/python" - "$site" $runtime_tops <<'EOF'
import pathlib, py_compile, shutil, sys

site = pathlib.Path(sys.argv[1])
for name in sys.argv[2:]:
    path = site / name
    if name == "portal" or not (path.is_dir() or path.suffix == ".py"):
        continue
    for source in [path] if path.is_file() else sorted(path.rglob("*.py")):
        if source.name == "__init__.py":
            continue
        try:
            py_compile.compile(str(source), cfile=f"{source}c", doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        except py_compile.PyCompileError:
            continue
        source.unlink()
    for cache in [] if path.is_file() else sorted(path.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache)
EOF
"$venv/bin/python" -m compileall -q -f -j 0 --invalidation-mode unchecked-hash "$site" >/dev/null

placeholders=$("$venv/bin/python" - "$stage" <<'EOF'
import json, re, sys
settings = json.load(open("zappa_settings.json"))
stage, merged = sys.argv[1], {}
while stage:
    merged = {**settings[stage], **merged}
    stage = settings[stage].get("extends")
print(" ".join(sorted(set(re.findall(r"<[A-Z_]+>", json.dumps(merged))))))
EOF
)

mkdir -p dist
rm -f "$output"
# shellcheck disable=SC1091
source "$venv/bin/activate"
zappa package "$stage" --output "$output"
deactivate

if [ -n "$placeholders" ]; then
  echo "Not deployable yet: stage $stage of zappa_settings.json still holds $placeholders" \
       "(fill them in from the stack's outputs, README.md \"Deploying on AWS\")" >&2
fi
