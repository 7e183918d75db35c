"""Helpers every layer's patrol tests share: actors of the three patrol roles, a village and
its point, and a patrol recorded through the service (004 C17-C19)."""

from __future__ import annotations

import io
from datetime import datetime

from PIL import Image

from portal.domain.access import Actor, Role
from portal.services.patrols import recording
from portal.services.patrols.findings import FindingInput
from portal.services.patrols.recording import PatrolInput
from portal.timeutil import SHANGHAI, local_date

COUNTY = "430225"
VILLAGE = "430225100202"  # 霞阳镇 石子坝村 (has three village groups), outside the built-up area
NEIGHBOUR = "430225100203"  # 霞阳镇 颜家村
TOWNSHIP = "xiayang"
OTHER_VILLAGE = "430225200203"  # 垄溪乡 三口龙村
BUILT_UP_COMMUNITY = "430225100001"  # 霞阳镇 东区社区, inside the built-up area

VILLAGER = Actor("cun.wang", Role.VILLAGE_GRID, VILLAGE, COUNTY)
NEIGHBOUR_VILLAGER = Actor("cun.li", Role.VILLAGE_GRID, NEIGHBOUR, COUNTY)
TOWNSHIP_PATROL = Actor("xiang.zhao", Role.TOWNSHIP_PATROL, TOWNSHIP, COUNTY)
PROFESSIONAL = Actor("zy.chen", Role.PROFESSIONAL_PATROL, "natural_resources", COUNTY)
OFFICE = Actor("ban.sun", Role.SUPERVISOR, "leading_group_office", COUNTY)


def point_of(deps, village: str = VILLAGE) -> tuple[str, str]:
    """(lat, lng) of a village's demo point: a report there lies in that village's grid."""
    place = deps.counties.default.village(village)
    return f"{place.point.lat:.6f}", f"{place.point.lng:.6f}"


def jpeg(colour=(120, 160, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def today(deps) -> str:
    return local_date(deps.clock.now()).isoformat()


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def patrol(deps, actor=VILLAGER, *, grid: str | None = VILLAGE, found: FindingInput | None = None, photos=(),
           day: str | None = None, route: str = "沿村道巡查一圈"):
    """Record a patrol through the service, nothing found unless ``found``."""
    data = PatrolInput(patrolled_on=day or today(deps), grid=grid, route=route,
                       outcome="found" if found else "nothing", finding=found)
    return recording.record(deps, actor, data, list(photos), deps.clock.now())


def finding(category: str = "l5-villager-house-without-approval", description: str = "有村民在承包地里打地基建房。", **extra) -> FindingInput:
    return FindingInput(category=category, description=description, **extra)
