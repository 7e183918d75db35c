"""Build the small font the portal draws place names with on the county's own map tiles
(``portal/services/tiles/labels.otf``): Noto Sans CJK SC cut down to the characters of every
``name`` in the county files, plus digits and ASCII letters.

    apt-get install fonts-noto-cjk          # the source font (SIL Open Font License 1.1)
    .venv/bin/python scripts/label_font.py [county.yaml ...]   # default: portal/counties/*.yaml

Development only (fontTools comes with the test install); the Lambda package carries the
result, a few tens of kilobytes, instead of a 20 MB CJK font. Run it again whenever a county
file gains a name with a new character: ``tests/unit/test_tile_render.py`` fails, naming the
characters, until it is run.
"""

from __future__ import annotations

import string
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FAMILY = "Noto Sans CJK SC"
OUT = ROOT / "portal" / "services" / "tiles" / "labels.otf"
BASE = string.digits + string.ascii_letters + " -·()（）"


def names(value) -> set[str]:
    """Every string under a ``name`` key, at any depth of a county file."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "name" and isinstance(item, str):
                found.add(item)
            else:
                found |= names(item)
    elif isinstance(value, list):
        for item in value:
            found |= names(item)
    return found


def characters(files: list[Path]) -> str:
    chars = set(BASE)
    for path in files:
        for name in names(yaml.safe_load(path.read_text(encoding="utf-8"))):
            chars |= set(name)
    return "".join(sorted(chars))


def main(argv: list[str]) -> int:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    files = [Path(a) for a in argv] or sorted((ROOT / "portal" / "counties").glob("*.yaml"))
    if not SOURCE.is_file():
        print(f"{SOURCE} is missing: apt-get install fonts-noto-cjk", file=sys.stderr)
        return 1
    collection = TTCollection(str(SOURCE))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FAMILY)
    options = subset.Options()
    options.layout_features = ["kern", "vert"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # copyright, names, licence and its URL
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    chars = characters(files)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.save(str(OUT))
    print(f"{OUT.relative_to(ROOT)}: {len(chars)} characters, {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
