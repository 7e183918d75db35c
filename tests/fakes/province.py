"""A province of made-up counties for benches and tests: copies of the demo county file and its
place file, each moved on a grid and renamed (division code, name, hosts, townships' and
villages' codes), never committed (they are written to a temporary folder).

Hunan has 122 county-level units; ``write_province(folder, 122)`` writes 122 county files and
122 place files. The copies sit ``STEP`` degrees apart, more than the demo county's extent, so
no two outlines meet: between them lies land no county of the deployment holds."""

from __future__ import annotations

import json
import re
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "portal" / "counties"
DEMO_CODE = "430225"
#: grid step (longitude, latitude) in degrees: the demo county is 0.53 by 0.62 degrees
STEP = (0.6, 0.7)
COLUMNS = 11


def county_code(n: int) -> str:
    return f"43{9001 + n:04d}"  # 439001, 439002, ... (no real Hunan code starts 439)


def offset(n: int) -> tuple[float, float]:
    """How far the n-th copy is moved (east, north), around the demo county's own place."""
    column, row = n % COLUMNS, n // COLUMNS
    return (column - COLUMNS // 2) * STEP[0], (row - 5) * STEP[1]


def _moved(value, dx: float, dy: float):
    """Every [longitude, latitude] pair in a place file's structure, moved."""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return [round(value[0] + dx, 6), round(value[1] + dy, 6)]
    if isinstance(value, list):
        return [_moved(v, dx, dy) for v in value]
    if isinstance(value, dict):
        return {k: _moved(v, dx, dy) for k, v in value.items()}
    return value


def write_county(folder: Path, n: int, yaml_text: str | None = None, places: dict | None = None) -> Path:
    yaml_text = yaml_text if yaml_text is not None else (DEMO / "yanling.yaml").read_text(encoding="utf-8")
    places = places if places is not None else json.loads((DEMO / "yanling.places.json").read_text(encoding="utf-8"))
    code, (dx, dy) = county_code(n), offset(n)
    name = f"示范{n + 1}县"
    stem = f"county{code}"
    moved = _moved(places, dx, dy)
    moved["county"] = code
    text = json.dumps(moved, ensure_ascii=False)
    (folder / f"{stem}.places.json").write_text(text.replace(f'"{DEMO_CODE}', f'"{code}'), encoding="utf-8")
    grids = (DEMO / "yanling.grids.yaml").read_text(encoding="utf-8")  # the villages' grids, renumbered
    (folder / f"{stem}.grids.yaml").write_text(grids.replace(f'"{DEMO_CODE}', f'"{code}'), encoding="utf-8")
    center = re.search(r"^map_center: \[([\d.]+), ([\d.]+)\]", yaml_text, flags=re.M)
    lng, lat = float(center.group(1)) + dx, float(center.group(2)) + dy
    renamed = (yaml_text.replace(f'code: "{DEMO_CODE}"', f'code: "{code}"')
               .replace('"430225', f'"{code}')
               .replace("炎陵县", name).replace("炎陵", f"示范{n + 1}")
               .replace("places: yanling.places.json", f"places: {stem}.places.json")
               .replace("grids: yanling.grids.yaml", f"grids: {stem}.grids.yaml"))
    renamed = re.sub(r"^hosts: .*$", f"hosts: [c{code}.example.test]", renamed, flags=re.M)
    renamed = re.sub(r"^map_center: .*$", f"map_center: [{lng:.3f}, {lat:.3f}]", renamed, flags=re.M)
    path = folder / f"{stem}.yaml"
    path.write_text(renamed, encoding="utf-8")
    return path


def write_province(folder: Path, count: int = 122) -> list[Path]:
    """``count`` county files (with their place and grid files) in ``folder``, in name order."""
    folder.mkdir(parents=True, exist_ok=True)
    yaml_text = (DEMO / "yanling.yaml").read_text(encoding="utf-8")
    places = json.loads((DEMO / "yanling.places.json").read_text(encoding="utf-8"))
    return [write_county(folder, n, yaml_text, places) for n in range(count)]
