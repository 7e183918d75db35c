"""Routing: which department leads and which township co-handles, decided on the server
from the category and the place alone (never from anything the client claims).

Rules (RULES.md §2):
- the category names the lead department (004 C9-C14, L8-L12; 003 §2; 000 §4);
- where the rules differ inside and outside the county built-up area, the point decides
  (004 C10: outdoor signs by urban management inside, the township outside);
- the township whose polygon holds the point co-handles every report and checks on site
  within 2 hours (004 C17(2), L15(2)); management areas stand for townships (004 C8);
- reports involving a public official go to the discipline inspection commission only
  (000 §2(3), §4(2)4; 004 C36): no township, department or supervisor is told;
- a point outside the county is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.county import TOWNSHIP, County
from portal.domain.errors import DomainError
from portal.domain.geo import Point, centroid
from portal.i18n import N_


@dataclass(frozen=True)
class Routing:
    lead: str  #: department code, or a township code when the township leads
    co_handler: str | None  #: township code for the on-site check; None for discipline-only reports
    township: str  #: township the place lies in (kept for the lead; only co_handler gives access)
    in_built_up_area: bool
    discipline_only: bool


def built_up_township(county: County) -> str | None:
    if not county.built_up_area:
        return None
    found = county.township_at(centroid(county.built_up_area[0][0]))
    return found.code if found else None


def route(county: County, category_code: str, point: Point | None, township_code: str | None = None) -> Routing:
    category = county.category(category_code)
    if category is None:
        raise DomainError(N_("请选择要举报的问题类型。"), field="category")
    if point is not None:
        if not county.contains(point):
            raise DomainError(N_("这个位置不在%(county)s范围内，本平台只受理本县的举报。"),
                              field="location", county=county.name)
        township = county.township_at(point)
        if township is None:  # inside the boundary but in no township polygon: a data gap
            raise DomainError(N_("无法确定这个位置属于哪个乡镇，请在下拉框中选择乡镇。"), field="township")
        in_built_up = county.in_built_up_area(point)
    else:
        if not township_code:
            raise DomainError(N_("请在地图上标出位置、填写坐标，或者选择所在乡镇。"), field="location")
        township = county.township(township_code)
        if township is None:
            raise DomainError(N_("所选乡镇不存在。"), field="township")
        # Without a point the side of the built-up line is unknown: the built-up township's
        # reports go to the inside department, which transfers if the place is outside.
        in_built_up = township.code == built_up_township(county)

    if category.discipline_only:
        return Routing(lead=county.discipline_department, co_handler=None, township=township.code,
                       in_built_up_area=in_built_up, discipline_only=True)
    lead = category.lead_inside if in_built_up else category.lead_outside
    if lead == TOWNSHIP:
        lead = township.code
    return Routing(lead=lead, co_handler=township.code, township=township.code,
                   in_built_up_area=in_built_up, discipline_only=False)
