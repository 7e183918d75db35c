"""What the form says as the pin moves: where it is and who will handle a report there,
from the same routing as filing (``portal.domain.routing.route``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.domain.county import County
from portal.domain.errors import DomainError
from portal.domain.gazetteer import Place, nearest_village
from portal.domain.geo import Point
from portal.domain.routing import route
from portal.i18n import N_

OUTSIDE = N_("这个位置不在%(county)s范围内，本平台只受理本县的举报。")
NEAR_VILLAGE = N_("%(township)s %(village)s附近")
IN_TOWNSHIP = N_("%(township)s")
IN_BUILT_UP = N_("%(place)s（县城建成区内）")
#: no category chosen yet: the township alone is certain
NO_CATEGORY = N_("%(place)s：%(township)s执法队 2 小时内到现场。选好问题类型后，这里会说明由哪个部门办理。")
HANDLED = N_("%(place)s：由%(lead)s办理，%(township)s执法队 2 小时内到现场。")
#: 000 §2(3), §4(2)4; 004 C36: a report about an official goes to the discipline commission
#: alone; the preview says so and names no township team (none will be told)
DISCIPLINE = N_("%(place)s：由%(lead)s直接办理，不转给乡镇和其他部门。")


@dataclass(frozen=True)
class Preview:
    point: Point  #: WGS84
    in_county: bool
    township: str | None = None
    township_name: str | None = None
    village: Place | None = None
    in_built_up_area: bool = False
    lead_name: str | None = None
    discipline_only: bool = False
    place_msg: str = ""  #: msgid of the place's name ("霞阳镇 石子坝村附近")
    place_params: dict = field(default_factory=dict)
    text_msg: str = ""  #: msgid of the whole sentence; ``place`` is filled with the place's name
    params: dict = field(default_factory=dict)


def preview(county: County, point: Point, category: str | None) -> Preview:
    """The place and its handlers for a WGS84 point; a category the county does not have is
    treated as none chosen (the form's first option)."""
    if not county.contains(point):
        return Preview(point=point, in_county=False, text_msg=OUTSIDE, params={"county": county.name})
    township = county.township_at(point)
    if township is None:  # a data gap; filing asks for the township
        return Preview(point=point, in_county=True)
    village = nearest_village(county.villages, point, township.code)
    in_built_up = county.in_built_up_area(point)
    if village:
        place_msg, place_params = NEAR_VILLAGE, {"township": township.name, "village": village.name}
    else:
        place_msg, place_params = IN_TOWNSHIP, {"township": township.name}
    base = dict(point=point, in_county=True, township=township.code, township_name=township.name, village=village,
                in_built_up_area=in_built_up, place_msg=place_msg, place_params=place_params)
    if not category or county.category(category) is None:
        return Preview(**base, text_msg=NO_CATEGORY, params={"township": township.name})
    try:
        routing = route(county, category, point)
    except DomainError:  # the checks above make this unreachable; say nothing rather than guess
        return Preview(**base)
    lead = county.unit_name(routing.lead)
    if routing.discipline_only:
        return Preview(**base, lead_name=lead, discipline_only=True,
                       text_msg=DISCIPLINE, params={"lead": lead})
    return Preview(**base, lead_name=lead, text_msg=HANDLED,
                   params={"lead": lead, "township": county.unit_name(routing.co_handler)})


def wording(p: Preview, translate) -> tuple[str, str]:
    """(the place's name, the whole sentence) in the reader's language; ``translate(msgid,
    params)`` is the web layer's."""
    place = translate(p.place_msg, p.place_params) if p.place_msg else ""
    if place and p.in_built_up_area:
        place = translate(IN_BUILT_UP, {"place": place})
    return place, translate(p.text_msg, {**p.params, "place": place}) if p.text_msg else ""
