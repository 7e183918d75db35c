"""The county's gazetteer: townships, villages and communities (行政村/社区) with their official
codes, and landmarks; found by Chinese name, pinyin or pinyin initials, and by place.

The pinyin keys are built ahead of time by ``scripts/geodata/county_places.py`` and read
from the county's place file: nothing here computes pinyin.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from portal.domain.geo import Point, distance_m

TOWNSHIP_KIND = "township"
VILLAGE_KINDS = ("village", "community", "living_area")
LANDMARK_KIND = "landmark"

#: how far from a village's point the portal still says "near <village>" (demo points: coarse)
NEAR_VILLAGE_M = 3000.0


@dataclass(frozen=True)
class Place:
    """A named place: a township (its representative point), a village or community, a landmark."""

    kind: str  #: township | village | community | living_area | landmark
    name: str
    point: Point
    code: str | None = None  #: the portal's township code, or a village's 12-digit division code
    township: str | None = None  #: the township code the place lies in
    demo: bool = True  #: the point is a demo point, not a surveyed one
    pinyin: tuple[str, ...] = ()  #: full pinyin, one per reading ("shidu", "shidou")
    initials: tuple[str, ...] = ()

    @property
    def is_village(self) -> bool:
        return self.kind in VILLAGE_KINDS


def normalise(query: str) -> str:
    """NFKC (full-width letters), trimmed, lower-case, without spaces or apostrophes (xi'an)."""
    text = unicodedata.normalize("NFKC", query or "").strip().lower()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "'’")


def _score(place: Place, q: str) -> int | None:
    """Lower is better; None when the place does not match."""
    if not q:
        return None
    if q.isascii():
        if not q.isalpha():
            return None
        if any(p.startswith(q) for p in place.pinyin):
            return 0 if any(p == q for p in place.pinyin) else 1
        if any(i.startswith(q) for i in place.initials):
            return 2
        if len(q) >= 3 and any(q in p for p in place.pinyin):
            return 4
        return None
    if place.name == q:
        return 0
    if place.name.startswith(q):
        return 1
    if q in place.name:
        return 3
    return None


def search(places: tuple[Place, ...], query: str, limit: int = 8) -> list[Place]:
    """Places whose name, pinyin or pinyin initials match ``query``: exact names first, then
    prefixes, then the rest; townships before villages before landmarks at the same score."""
    q = normalise(query)[:40]
    order = {TOWNSHIP_KIND: 0, LANDMARK_KIND: 2}
    scored = []
    for index, place in enumerate(places):
        score = _score(place, q)
        if score is not None:
            scored.append((score, order.get(place.kind, 1), len(place.name), index, place))
    scored.sort(key=lambda row: row[:4])
    return [row[-1] for row in scored[:limit]]


def named_in(places: tuple[Place, ...], text: str) -> Place | None:
    """The village or township a free-text address names (Open311's ``address_string``): the
    longest name found in the text, villages before townships at equal length; None if none.
    Names are matched with and without their suffix (石子坝村 and 石子坝) when the bare name has
    at least two characters."""
    t = normalise(text)
    best: tuple[int, int, Place] | None = None
    for place in places:
        if place.kind == LANDMARK_KIND:
            continue
        for name in _forms(place.name):
            if name in t:
                rank = (len(name), 1 if place.is_village else 0)
                if best is None or rank > best[:2]:
                    best = (*rank, place)
    return best[2] if best else None


SUFFIXES = ("社区", "生活区", "村", "镇", "瑶族乡", "乡")


def _forms(name: str) -> list[str]:
    forms = [name]
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.append(name[: -len(suffix)])
            break
    return forms


def nearest_village(villages: tuple[Place, ...], point: Point, township: str | None,
                    within_m: float = NEAR_VILLAGE_M) -> Place | None:
    """The village or community of ``township`` whose point is nearest, if within ``within_m``."""
    best, best_d = None, within_m
    for village in villages:
        if township is not None and village.township != township:
            continue
        d = distance_m(point, village.point)
        if d <= best_d:
            best, best_d = village, d
    return best
