"""One deployment for a province (issue 21): several counties (moved and renamed copies of the
demo county, ``tests.fakes.province``) in one app and one store.

- A request's county is chosen by its host or by a path that starts with the county's
  division code (``/439002/report``); a report is filed in the county whose outline holds its
  point, whichever county's page it came from; a point no county holds is refused clearly and
  nothing is stored (004 C20, L17: the county where the violation is handles it).
- Open311's ``jurisdiction_id``, the catalog, the oversight figures and the staff scopes are
  per county: a staff member of one county reaches nothing of another, role by role."""

from __future__ import annotations

import csv
import io
import re

import pytest

from portal import create_app
from portal.county_registry import load_registry
from portal.domain.geo import Point
from portal.services import apikeys, staff_accounts
from portal.services.deps import build_deps
from portal.store.sqlite import SqliteStore
from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.fakes.province import write_province
from tests.web.staff_support import ROLES, Account, Staff, fast_argon2  # noqa: F401 - fast_argon2 is a fixture

DESCRIPTION = "村口有人占用耕地建房，已经打好地基。"
OUTSIDE_ALL = "这个位置不在本平台受理的任何一个县（市、区）范围内"


@pytest.fixture
def province(tmp_path, settings, clock):
    folder = tmp_path / "province"
    files = write_province(folder, 3)
    # the second county's catalog differs: it has no category for mining
    second = files[1].read_text(encoding="utf-8").replace("[m1-illegal-mining, m2-unapproved-shaft]",
                                                          "[m2-unapproved-shaft]")
    files[1].write_text(re.sub(r"\n  - code: m1-[\s\S]*?(?=\n  - code: )", "", second, count=1), encoding="utf-8")
    counties = load_registry([folder])
    deps = build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch),
                      counties=counties)
    app = create_app(settings, deps)
    app.config["TESTING"] = False
    yield deps, app
    deps.close()


def codes(deps):
    return deps.counties.codes[:2]  # (A, B): the first is the deployment's default county


def inside(county) -> Point:
    return Point(*county.map_center)


def edge_points(a, b) -> tuple[Point, Point]:
    """(a point of A just inside its edge towards B, a point of B just inside its edge towards
    A), on the latitude of A's centre: where the two outlines face each other."""
    lat = a.map_center[1]
    lng = a.map_center[0]
    while a.contains(Point(lng + 0.002, lat)):
        lng += 0.002
    last_a = Point(lng, lat)
    lng = b.map_center[0]
    while b.contains(Point(lng - 0.002, lat)):
        lng -= 0.002
    return last_a, Point(lng, lat)


def gap_point(a, b) -> Point:
    """Between A's outline and B's: in no county of the deployment."""
    a_edge, b_edge = edge_points(a, b)
    return Point((a_edge.lng + b_edge.lng) / 2, a_edge.lat)


def file(client, prefix: str, point: Point, category: str = "l1-occupy-land", host: str | None = None, **extra):
    base = {"base_url": f"https://{host}" if host else PUBLIC_URL}
    token = form_token(client.get(f"{prefix}/report", **base).text)
    return client.post(f"{prefix}/report", data={"token": token, "category": category, "description": DESCRIPTION,
                                                  "lat": f"{point.lat:.6f}", "lng": f"{point.lng:.6f}", **extra}, **base)


def filed(deps, response):
    assert response.status_code == 200, response.text
    return deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt_from(response.text)))


def stored(deps) -> int:
    return sum(1 for i in deps.store.scan(limit=1000).items if i.pk.startswith("CMP#") and i.sk == "#META")


# --- the county of a request and of a report ----------------------------------------------


def test_a_county_is_chosen_by_its_path_or_its_host_and_its_links_keep_the_path(province):
    deps, app = province
    client = app.test_client()
    a, b = (deps.counties.get(c) for c in codes(deps))
    by_path = client.get(f"/{b.code}/report", base_url=PUBLIC_URL).text
    assert b.name in by_path and a.name not in by_path
    assert f'action="/{b.code}/report"' in by_path or f"/{b.code}/report" in by_path
    assert f"/{b.code}/static/" in by_path  # its assets, its links: the county's prefix throughout
    by_host = client.get("/report", base_url=f"https://{b.hosts[0]}").text
    assert b.name in by_host and a.name not in by_host
    assert a.name in client.get("/report", base_url=PUBLIC_URL).text  # neither: the first county
    assert client.get("/439999/report", base_url=PUBLIC_URL).status_code == 404  # no such county


def test_004_c20_a_report_is_filed_in_the_county_whose_outline_holds_its_point_from_any_county_s_page(province):
    deps, app = province
    client = app.test_client()
    a, b = (deps.counties.get(c) for c in codes(deps))
    from_a_page = filed(deps, file(client, f"/{a.code}", inside(b)))
    assert from_a_page.county == b.code
    assert from_a_page.township == b.township_at(inside(b)).code
    from_b_host = filed(deps, file(client, "", inside(a), host=b.hosts[0]))
    assert from_b_host.county == a.code
    own = filed(deps, file(client, f"/{b.code}", inside(b)))
    assert own.county == b.code


def test_points_on_either_side_of_the_counties_edge_go_to_the_county_on_their_side(province):
    deps, app = province
    client = app.test_client()
    a, b = (deps.counties.get(c) for c in codes(deps))
    a_edge, b_edge = edge_points(a, b)
    assert deps.counties.county_at(a_edge).code == a.code and deps.counties.county_at(b_edge).code == b.code
    assert filed(deps, file(client, f"/{b.code}", a_edge)).county == a.code
    assert filed(deps, file(client, f"/{a.code}", b_edge)).county == b.code


def test_a_point_no_county_holds_is_refused_clearly_and_nothing_is_stored(province):
    deps, app = province
    client = app.test_client()
    a, b = (deps.counties.get(c) for c in codes(deps))
    gap = gap_point(a, b)
    assert deps.counties.county_at(gap) is None
    response = file(client, f"/{a.code}", gap)
    assert response.status_code == 400 and OUTSIDE_ALL in response.text
    assert stored(deps) == 0
    preview = client.post("/api/v1/places", json={"lat": gap.lat, "lng": gap.lng}, base_url=PUBLIC_URL).get_json()
    assert preview["in_county"] is False and OUTSIDE_ALL in preview["text"]


def test_the_pin_preview_names_the_county_and_the_handlers_where_the_point_is(province):
    deps, app = province
    client = app.test_client()
    a, b = (deps.counties.get(c) for c in codes(deps))
    point = inside(b)
    answer = client.post(f"/{a.code}/api/v1/places", json={"lat": point.lat, "lng": point.lng,
                                                         "category": "l1-occupy-land"}, base_url=PUBLIC_URL).get_json()
    assert answer["in_county"] is True and answer["place"].startswith(b.name)
    assert answer["township"] == b.township_at(point).code


def test_the_catalog_is_each_county_s_own(province):
    deps, app = province
    client = app.test_client()
    a, b = (deps.counties.get(c) for c in codes(deps))
    catalog_a = {c["code"] for c in client.get(f"/{a.code}/api/v1/catalog", base_url=PUBLIC_URL).get_json()["categories"]}
    catalog_b = {c["code"] for c in client.get(f"/{b.code}/api/v1/catalog", base_url=PUBLIC_URL).get_json()["categories"]}
    assert catalog_a - catalog_b == {c.code for c in a.categories if c.code.startswith("m1-")}
    mining = next(c.code for c in a.categories if c.code.startswith("m1-"))
    refused = file(client, f"/{a.code}", inside(b), category=mining)  # B has no such category
    assert refused.status_code == 400 and stored(deps) == 0
    assert filed(deps, file(client, f"/{b.code}", inside(a), category=mining)).county == a.code


def test_open311_jurisdiction_id_names_one_county_its_services_and_its_requests(province):
    deps, app = province
    client = app.test_client()
    a, b = (deps.counties.get(c) for c in codes(deps))
    now = deps.clock.now()
    key_a = apikeys.create(deps, "a-hotline", "staff", a.code, now)
    key_b = apikeys.create(deps, "b-hotline", "staff", b.code, now)

    def post(key, jurisdiction, point):
        return client.post("/open311/v2/requests.json", base_url=PUBLIC_URL, data={
            "api_key": key, "jurisdiction_id": jurisdiction, "service_code": "l1-occupy-land",
            "description": DESCRIPTION, "lat": f"{point.lat:.6f}", "long": f"{point.lng:.6f}"})

    assert post(key_a, a.code, inside(a)).status_code == 201
    assert post(key_b, b.code, inside(b)).status_code == 201
    assert post(key_a, b.code, inside(b)).status_code == 403  # a key of A files nothing into B
    refused = post(key_a, a.code, inside(b))  # the caller named A: a point in B is not moved there
    assert refused.status_code == 400 and stored(deps) == 2
    services_b = client.get(f"/open311/v2/services.json?jurisdiction_id={b.code}", base_url=PUBLIC_URL).get_json()
    assert {s["service_code"] for s in services_b} == {c.code for c in b.categories}
    listed_a = client.get(f"/open311/v2/requests.json?jurisdiction_id={a.code}", base_url=PUBLIC_URL,
                          headers={"X-Api-Key": key_a}).get_json()
    assert len(listed_a) == 1
    assert client.get(f"/open311/v2/requests.json?jurisdiction_id={b.code}", base_url=PUBLIC_URL,
                      headers={"X-Api-Key": key_a}).status_code == 403


# --- staff: scopes and the role matrix across counties --------------------------------------


def staff_of(app, deps, clock, county, name: str) -> Staff:
    role, unit = ROLES[name]
    if unit.isdigit():  # a village's division code: the same village, renumbered in each county (tests/fakes/province.py)
        unit = county.code + unit[len(county.code):]
    username = f"c{county.code}.{name.replace('_', '-')}"
    provisioned = staff_accounts.create(deps, county=county, username=username, unit=unit, role=role,
                                        display_name=username, password="correct-horse-battery-1", now=clock.now())
    import pyotp

    account = Account(username, "correct-horse-battery-1", pyotp.parse_uri(provisioned.otpauth_uri).secret)
    return Staff(app, deps, clock, account).login()


#: pages that list or summarise a county's work
LISTS = ("/staff/", "/staff/queue", "/staff/alerts", "/staff/disclosures", "/staff/oversight", "/staff/oversight.csv",
         "/staff/ledger.csv", "/staff/rewards/", "/staff/audit", "/staff/inbox", "/staff/registered")


@pytest.mark.parametrize("name", sorted(ROLES))
def test_a_staff_member_of_one_county_reaches_nothing_of_another(province, clock, name):
    """The role matrix across counties: every role of county A, on every page and action that
    names a ticket of county B, gets what an unknown ticket gets (404), and no list or figure
    of A counts or names B's tickets; the same role in B reaches B's ticket (the control)."""
    deps, app = province
    client = app.test_client()
    a, b = (deps.counties.get(c) for c in codes(deps))
    mine = filed(deps, file(client, f"/{a.code}", inside(a)))
    theirs = filed(deps, file(client, f"/{b.code}", inside(b), phone="13800138000"))
    from portal.web.staff.tickets import ACTIONS

    staff = staff_of(app, deps, clock, a, name)
    for path in (f"/staff/tickets/{theirs.id}", f"/staff/tickets/{theirs.id}/audit",
                 f"/staff/tickets/{theirs.id}/photos/0", f"/staff/cases/{theirs.case_id}",
                 f"/staff/rewards/{theirs.case_id}", f"/staff/registered/{theirs.id}/notice"):
        assert staff.get(path).status_code == 404, path
    for action in sorted(ACTIONS):
        response = staff.act(theirs.id, action, {"note": "x", "reason": "x", "text": "x"})
        assert response.status_code in (403, 404), (action, response.status_code)
    assert staff.post(f"/staff/tickets/{theirs.id}/disclosures/1/view").status_code in (403, 404)
    for path in LISTS:
        response = staff.get(path)
        assert response.status_code in (200, 303, 403, 404), (path, response.status_code)
        body = response.get_data(as_text=True) if response.status_code == 200 else ""
        assert theirs.id not in body and theirs.public_id not in body and b.name not in body, path
    after = deps.repos.complaints.get(theirs.id)
    assert (after.status, after.version) == (theirs.status, theirs.version)  # nothing of B changed

    control = staff_of(app, deps, clock, b, name)
    own_view = control.get(f"/staff/tickets/{theirs.id}").status_code
    mine_view = control.get(f"/staff/tickets/{mine.id}").status_code
    assert mine_view == 404
    sees_tickets = name in ("officer", "head", "township", "supervisor")  # the lead, the co-handler, oversight
    assert (own_view == 200) == sees_tickets, (name, own_view)


def test_oversight_figures_and_the_ledger_count_the_supervisor_s_own_county_only(province, clock):
    deps, app = province
    client = app.test_client()
    a, b = (deps.counties.get(c) for c in codes(deps))
    for _ in range(2):
        filed(deps, file(client, f"/{a.code}", inside(a)))
    for _ in range(3):
        filed(deps, file(client, f"/{b.code}", inside(b)))
    for county, expected in ((a, 2), (b, 3)):
        supervisor = staff_of(app, deps, clock, county, "supervisor")
        rows = list(csv.reader(io.StringIO(supervisor.get("/staff/ledger.csv").data.decode("utf-8-sig"))))
        assert len(rows) - 1 == expected
        assert all(row[1] == county.full_name for row in rows[1:])
