"""Placing a report by an address that names a township or village of the county (Open311's
``address_string`` without coordinates): the gazetteer's point, which is approximate."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.county import County
from portal.domain.errors import DomainError
from portal.domain.gazetteer import Place, named_in
from portal.domain.geo import Point
from portal.i18n import N_

NOT_PLACED = N_("无法根据地址确定位置：请提供经纬度，或在地址中写明本县的乡镇或村（社区）名称。")


@dataclass(frozen=True)
class Placed:
    point: Point  #: the village's (or township's) point: approximate
    township: str
    place: Place


def place_address(county: County, text: str | None, field: str = "address_string") -> Placed:
    """The place an address names; DomainError on ``field`` when it names none of the county's."""
    found = named_in(county.places, text or "") if text else None
    if found is None or found.point is None:
        raise DomainError(NOT_PLACED, field=field)
    township = found.township or (county.township_at(found.point).code if county.township_at(found.point) else None)
    if township is None:
        raise DomainError(NOT_PLACED, field=field)
    return Placed(point=found.point, township=township, place=found)
