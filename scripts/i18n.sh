#!/usr/bin/env bash
# The English catalog. Messages are written in Chinese (the msgids); English translates them.
#   scripts/i18n.sh extract   every msgid in the code -> portal/translations/messages.pot (not committed)
#   scripts/i18n.sh update    extract, then merge into portal/translations/en/LC_MESSAGES/messages.po
#                             (created if missing; existing translations kept, vanished msgids dropped,
#                             new ones left empty or marked fuzzy for a translator to settle)
#   scripts/i18n.sh compile   messages.po -> messages.mo (committed: the app and the Lambda package read it)
# Output is sorted, without source locations or line wrapping, so that diffs show only real changes.
# PYBABEL overrides the pybabel to run; I18N_POT the template's path (the tests extract into a temp file).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PYBABEL:-}" ]; then
  if [ -x .venv/bin/pybabel ]; then PYBABEL=.venv/bin/pybabel; else PYBABEL=pybabel; fi
fi
dir=portal/translations
pot=${I18N_POT:-$dir/messages.pot}

extract() {
  mkdir -p "$(dirname "$pot")"
  "$PYBABEL" -q extract -F babel.cfg -k N_ -k lazy_gettext --no-location --sort-output --no-wrap \
    --project=portal -o "$pot" .
}

case "${1:-}" in
  extract)
    extract ;;
  update)
    extract
    "$PYBABEL" -q update -i "$pot" -d "$dir" -l en --init-missing --ignore-obsolete \
      --ignore-pot-creation-date --no-wrap
    echo "Now translate every empty or fuzzy entry in $dir/en/LC_MESSAGES/messages.po, then: bash $0 compile" ;;
  compile)
    "$PYBABEL" compile -d "$dir" -l en --statistics ;;
  *)
    echo "usage: $0 extract|update|compile" >&2
    exit 2 ;;
esac
