"""Snapshots made when the Lambda package is built (``scripts/package.sh``), so that a cold
start reads data in the cheapest form instead of parsing and validating it:

- each county file's snapshot beside it (``yanling.yaml`` -> ``yanling.snapshot``): the
  County as the schema validated it, after a header holding the digests of the county file
  and the files it names (places, grids) and the registry's entry (code, name, hosts, box) read at start-up
  (``portal.county_registry``); the YAML and the place file stay the source, and a snapshot
  whose sources differ from them is ignored;
- China's holiday table (``portal/domain/china_holidays.snapshot``), from the installed
  ``holidays`` package (``portal.domain.holiday_table``).

    python -m portal.snapshots [COUNTY_FILE_OR_FOLDER ...]   # default: portal/counties

Snapshots are build products, never committed (``.gitignore``).
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

from portal.county_registry import (
    SNAPSHOT_FORMAT, CountyEntry, county_files, snapshot_path, source_digest,
)
from portal.domain import holiday_table

COUNTIES = Path(__file__).resolve().parent / "counties"


def write_county_snapshot(county_file: Path) -> Path:
    """Validate the county file (and its place file) and write its snapshot; returns its path."""
    import yaml

    from portal.counties import load_county

    county = load_county(county_file)  # the schema's checks, every one of them
    raw = yaml.safe_load(county_file.read_text(encoding="utf-8"))
    sources = {county_file.name: source_digest(county_file)}
    for companion in ("places", "grids"):  # the files the county file names beside it
        name = raw.get(companion)
        if isinstance(name, str) and "/" not in name:
            sources[name] = source_digest(county_file.with_name(name))
    header = {"format": SNAPSHOT_FORMAT, "sources": sources, "entry": CountyEntry.of(county)}
    target = snapshot_path(county_file)
    partial = target.with_name(target.name + ".partial")
    with partial.open("wb") as handle:
        pickle.dump(header, handle, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(county, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(target)
    return target


def write_holiday_table(target: Path = holiday_table.TABLE_FILE) -> Path:
    target.write_text(json.dumps(holiday_table.table_document(), separators=(",", ":")), encoding="utf-8")
    holiday_table._table.cache_clear()
    holiday_table.year.cache_clear()
    return target


def main(argv: list[str] | None = None) -> int:
    paths = (argv if argv is not None else sys.argv[1:]) or [str(COUNTIES)]
    for county_file in county_files(paths):
        print(f"snapshot {write_county_snapshot(county_file)}")
    print(f"holiday table {write_holiday_table()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
