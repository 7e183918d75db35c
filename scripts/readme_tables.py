"""Print the README's generated tables (configuration, CLI), or check they are current.

    .venv/bin/python scripts/readme_tables.py          # print
    .venv/bin/python scripts/readme_tables.py --check  # exit 1 if README.md is stale

The configuration table comes from portal.config.Settings, so a setting cannot be added
without the README saying what it does (tests/unit/test_readme.py runs --check).
"""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN, END = "<!-- configuration:begin -->", "<!-- configuration:end -->"


def configuration_table() -> str:
    sys.path.insert(0, str(README.parent))
    from portal.config import Settings

    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for variable, default, meaning in Settings.describe():
        lines.append(f"| `{variable}` | {f'`{default}`' if default else ''} | {meaning} |")
    return "\n".join(lines)


def current() -> str:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[start:end].strip()


def main() -> int:
    table = configuration_table()
    if "--check" in sys.argv:
        if current() != table:
            print("README.md configuration table is stale: run scripts/readme_tables.py and paste", file=sys.stderr)
            return 1
        return 0
    if "--write" in sys.argv:
        text = README.read_text(encoding="utf-8")
        start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
        README.write_text(text[:start] + "\n" + table + "\n" + text[end:], encoding="utf-8")
        return 0
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
