"""The counties one deployment serves, and how a request finds its county.

- **By host or by path.** A request's county is the one whose county file lists its host
  (``hosts``), or the one whose 6-digit division code starts its path (``/430225/report``:
  ``portal.web.county_paths`` moves the code out of the path); otherwise the first county.
- **By place.** A point is placed in the county whose outline contains it, found through a
  flat grid of the counties' boxes (``portal.domain.box_index``, built from the boxes alone at
  start-up), which names the county whose box covers the point (one, mostly), whose placement
  grid (``portal.domain.placement_grid``, two levels) answers all but about one point in fifty
  by array lookups and tests the others against the edges of their latitude band only
  (``portal.domain.geo.BandedArea``), so placing a point costs about the same with 122
  counties as with one (``bench/province.py``). A point no county contains is placed nowhere
  (the caller says so clearly).
- **Each county read once, when first needed.** With a snapshot beside its file (made when
  the Lambda package is built, ``portal.snapshots``; the YAML and place file stay the
  source), a county costs a few hundred bytes at start-up (code, name, hosts, box) and is
  read whole on its first request; a snapshot whose sources changed is ignored, and a county
  without one is parsed and validated from its files at start-up (development).

Nothing here imports the county file schema (marshmallow, YAML): a packaged container never
loads them.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from portal.domain.county import County
from portal.domain.box_index import BoxIndex
from portal.domain.geo import Point, area_bounds

#: the snapshot format this code reads and writes (``portal.snapshots``)
SNAPSHOT_FORMAT = 1
SNAPSHOT_SUFFIX = ".snapshot"
#: the box of a county without an outline
NO_OUTLINE = (0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class CountyEntry:
    """What the registry knows of a county before reading it whole."""

    code: str
    name: str
    hosts: tuple[str, ...]
    #: (west, south, east, north) of the outline
    bounds: tuple[float, float, float, float]
    #: secrets its basemap sources name (read with the other secrets at start-up)
    key_secrets: tuple[str, ...] = ()

    @classmethod
    def of(cls, county: County) -> "CountyEntry":
        return cls(code=county.code, name=county.name, hosts=tuple(h.lower() for h in county.hosts),
                   bounds=tuple(area_bounds(county.boundary)) if county.boundary else NO_OUTLINE,
                   key_secrets=tuple(sorted({s.key_secret for s in county.basemap if s.key_secret})))


class CountyRegistry:
    """The counties one deployment serves; the first is the default. Built from County values
    (tests, tools) or, through ``load_registry``, from entries whose County is read on first use."""

    def __init__(self, counties: Iterable[County] = (), *,
                 lazy: Iterable[tuple[CountyEntry, Callable[[], County]]] = ()):
        self._entries: dict[str, CountyEntry] = {}
        self._loaded: dict[str, County] = {}
        self._loaders: dict[str, Callable[[], County]] = {}
        self._lock = threading.Lock()
        for county in counties:
            self._add(CountyEntry.of(county))
            self._loaded[county.code] = county
        for entry, loader in lazy:
            self._add(entry)
            self._loaders[entry.code] = loader
        if not self._entries:
            raise ValueError("at least one county is required")
        self._first = next(iter(self._entries))
        self._by_host = {host: entry.code for entry in reversed(list(self._entries.values())) for host in entry.hosts}
        self._index = BoxIndex([entry.bounds if entry.bounds != NO_OUTLINE else None for entry in self._entries.values()])
        #: the counties by their place in the box index (None until read)
        self._by_ordinal: list[County | None] = [self._loaded.get(code) for code in self._entries]
        self._ordinal_codes = tuple(self._entries)
        self._ordinal_of = {code: ordinal for ordinal, code in enumerate(self._ordinal_codes)}

    def _add(self, entry: CountyEntry) -> None:
        if entry.code in self._entries:
            raise ValueError("two county files share a division code")
        self._entries[entry.code] = entry

    # --- the counties ------------------------------------------------------------------------
    @property
    def default(self) -> County:
        return self.get(self._first)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._entries)

    @property
    def entries(self) -> tuple[CountyEntry, ...]:
        return tuple(self._entries.values())

    def get(self, code: str | None) -> County | None:
        county = self._loaded.get(code)
        if county is not None or code not in self._entries:
            return county
        with self._lock:
            county = self._loaded.get(code)
            if county is None:
                county = self._loaded[code] = self._loaders[code]()
                self._by_ordinal[self._ordinal_of[code]] = county
        return county

    def __iter__(self) -> Iterator[County]:
        """Every county, read whole (whole-deployment work only: a request reads its own)."""
        return iter([self.get(code) for code in self._entries])

    def __len__(self) -> int:
        return len(self._entries)

    # --- a request's county --------------------------------------------------------------------
    def for_host(self, host: str | None) -> County:
        name = (host or "").split(":")[0].lower()
        return self.get(self._by_host.get(name, self._first))

    def for_request(self, host: str | None, path_code: str | None) -> County:
        """The county a path names (``/430225/...``), else the host's, else the first."""
        if path_code and path_code in self._entries:
            return self.get(path_code)
        return self.for_host(host)

    def county_at(self, point: Point) -> County | None:
        """The county whose outline contains ``point``, or None: the box index names the few
        counties whose box may cover the point (one, mostly), and each is asked in turn; the
        same path whether the deployment holds one county or a province's."""
        for ordinal in self._index.candidates(point):
            county = self._by_ordinal[ordinal] or self.get(self._ordinal_codes[ordinal])
            if county.contains(point):
                return county
        return None


# --- snapshots ------------------------------------------------------------------------------


def snapshot_path(county_file: Path) -> Path:
    return county_file.with_suffix(SNAPSHOT_SUFFIX)


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_snapshot_header(county_file: Path) -> dict | None:
    """The snapshot's header if it exists, is of this format, and its sources (the county file
    and the files it names: places, grids) are byte for byte those it was made from; else None."""
    snapshot = snapshot_path(county_file)
    try:
        with snapshot.open("rb") as handle:
            header = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(header, dict) or header.get("format") != SNAPSHOT_FORMAT:
        return None
    try:
        if any(source_digest(county_file.with_name(name)) != digest for name, digest in header["sources"].items()):
            return None
    except OSError:
        return None
    return header


def read_snapshot_county(county_file: Path) -> County:
    with snapshot_path(county_file).open("rb") as handle:
        pickle.load(handle)  # the header, checked when the registry was built
        return pickle.load(handle)


def county_files(paths: Iterable[str | Path]) -> list[Path]:
    """The county files named: a folder stands for every ``NAME.yaml`` in it, in name order; a
    county's companion files (``NAME.grids.yaml``) are read by its county file, not as counties."""
    files: list[Path] = []
    for path in map(Path, paths):
        files += sorted(p for p in path.glob("*.yaml") if "." not in p.stem) if path.is_dir() else [path]
    return files


def load_registry(paths: Iterable[str | Path]) -> CountyRegistry:
    """The registry of the county files at ``paths``: from their snapshots where current, else
    parsed and validated now (``portal.counties.load_county``)."""
    lazy = []
    for path in county_files(paths):
        header = read_snapshot_header(path)
        if header is not None:
            lazy.append((header["entry"], lambda p=path: read_snapshot_county(p)))
        else:
            from portal.counties import load_county  # the schema: only without a current snapshot

            county = load_county(path)
            lazy.append((CountyEntry.of(county), lambda c=county: c))
    return CountyRegistry(lazy=lazy)
