"""Staff maps (issue 19): the ticket page names the township and the village and draws the
point; the queue's map view lists exactly the tickets of the list, scoped and filtered like
it (a township sees its own area, never a discipline-only ticket)."""

from __future__ import annotations

import re

from portal.domain.access import Actor, Role
from portal.services import workflow
from tests.web.staff_support import XIAYANG_OUTSIDE, ZHONGCUN, file, signed_in

COUNTY = "430225"


def map_ids(html: str) -> set[str]:
    section = html.split('id="map-tickets"', 1)[1].split("</ul>", 1)[0]
    return set(re.findall(r'/staff/tickets/([0-9A-Z]+)"', section))


def test_the_ticket_page_names_township_and_village_and_carries_the_point(app, deps, clock):
    filed = file(deps, place=XIAYANG_OUTSIDE)
    officer = signed_in(app, deps, clock, "officer")
    html = officer.get(f"/staff/tickets/{filed.complaint_id}").get_data(as_text=True)
    complaint = deps.repos.complaints.get(filed.complaint_id)
    village = min(deps.counties.default.villages, key=lambda v: (v.township != "xiayang",
                  (v.point.lat - complaint.lat) ** 2 + (v.point.lng - complaint.lng) ** 2))
    assert "霞阳镇" in html and f"{village.name}附近" in html
    assert f'data-lat="{complaint.lat}"' in html and 'data-focus="xiayang"' in html
    assert "js/staff-map.js" in html and "大致位置" not in html


def test_a_ticket_placed_at_a_chosen_village_says_the_point_is_approximate(app, deps, clock, client):
    from tests.conftest import form_token

    village = next(v for v in deps.counties.default.villages if v.township == "xiayang" and v.kind == "village")
    page = client.get("/report").get_data(as_text=True)
    client.post("/report", data={"token": form_token(page), "category": "c1-no-planning-permit",
                                 "description": "村里有人没办许可证就盖了三层楼。", "village": village.code})
    [complaint] = deps.repos.complaints.recent_in_category(COUNTY, "c1-no-planning-permit", clock.now().replace(year=2000))
    html = signed_in(app, deps, clock, "officer").get(f"/staff/tickets/{complaint.id}").get_data(as_text=True)
    assert f"{village.name}（举报人选择了这个村，位置为大致位置）" in html


def test_the_queue_map_shows_the_lists_tickets_scoped_and_filtered(app, deps, clock):
    mine = file(deps, place=XIAYANG_OUTSIDE)
    other = file(deps, place=ZHONGCUN)
    official = file(deps, category="o1-public-official", place=XIAYANG_OUTSIDE)
    township = signed_in(app, deps, clock, "township")  # 霞阳镇
    html = township.get("/staff/queue?view=map").get_data(as_text=True)
    assert map_ids(html) == {mine.complaint_id}  # its own area only; never the discipline-only ticket
    assert 'data-focus="xiayang"' in html and "js/staff-map.js" in html
    supervisor = signed_in(app, deps, clock, "supervisor")
    assert map_ids(supervisor.get("/staff/queue?view=map").get_data(as_text=True)) == {
        mine.complaint_id, other.complaint_id}
    filtered = supervisor.get("/staff/queue?view=map&township=zhongcun").get_data(as_text=True)
    assert map_ids(filtered) == {other.complaint_id}
    workflow.accept(deps, Actor("o", Role.OFFICER, "natural_resources", COUNTY), mine.complaint_id, "", clock.now())
    accepted = supervisor.get("/staff/queue?view=map&status=accepted").get_data(as_text=True)
    assert map_ids(accepted) == {mine.complaint_id}
    assert official.complaint_id not in supervisor.get("/staff/queue?view=map").get_data(as_text=True)
    listed = supervisor.get("/staff/queue").get_data(as_text=True)
    assert 'id="queue-map"' not in listed and "view=map" in listed
