"""A village user never learns of a citizen's report (issue 13, item 6; 004 C33, L29: village
cadres are often the reporter's neighbours): not its existence, its description, its photo,
its point or its timing, by any page, export or guessed id of the staff app. Nor of a finding
another unit's patrol made in its grid, nor of the concealment flag either raised.

Seeded: the village (石子坝村) files a zero report; then citizens report in its grid (with
photos, a phone, distinctive text), the township's patrol finds something there, the flag is
raised and confirmed. The village's pages are fetched before and after: byte for byte the same
(but for the CSRF token). Then every route of the staff app is requested as the village user,
with every id filled in (tickets, cases, patrols of other units, photos), every action posted:
no answer holds any trace of the reports, and every ticket, case or reward route answers as for
an id that does not exist."""

from __future__ import annotations

import hashlib
import re

import pytest

from portal.services.patrols import concealment, weekly
from tests.patrols import OFFICE, TOWNSHIP_PATROL, VILLAGE, finding, jpeg, patrol, point_of
from tests.conftest import PUBLIC_URL
from tests.web.staff_support import Staff, account, fast_argon2, file  # noqa: F401

from tests.web.test_staff_authorization import URL_ACTIONS

SECRET_TEXT = "邻居老李家后院夜里偷偷浇筑地基"
PATROL_TEXT = "乡镇巡查在石子坝村发现有人占用耕地挖塘"
PHONE = "13900139000"


def without_token(body: bytes) -> bytes:
    return re.sub(rb'name="csrf_token" value="[^"]+"', b"", body)


def village_pages(staff, own_patrol: str) -> dict[str, bytes]:
    paths = ["/staff/", "/staff/patrols", "/staff/patrols?week=2026-W48", "/staff/patrols/new",
             f"/staff/patrols/{own_patrol}", f"/staff/patrols/{own_patrol}/photos/0", "/staff/password"]
    out = {}
    for path in paths:
        response = staff.get(path)
        out[path] = (response.status_code, without_token(response.data))
    return out


@pytest.fixture
def village(app, deps, clock):
    acc = account(deps, "cun-wang", "village_grid", VILLAGE)
    staff = Staff(app, deps, clock, acc).login()
    actor = deps.repos.staff.get(acc.username).actor
    own = patrol(deps, actor, photos=[jpeg()])
    weekly.file_report(deps, actor, "village", "2026-W48", "", clock.now())
    return staff, actor, own


def citizen_reports(deps, clock):
    """Reports in the village's grid, a patrol finding by the township there; the flag raised and confirmed."""
    lat, lng = point_of(deps)
    clock.advance(minutes=7)
    first = file(deps, "l5-villager-house-without-approval", place=(lat, lng), phone=PHONE, description=SECRET_TEXT,
                 address="石子坝村三组老李家")
    second = file(deps, "c2-no-rural-planning-permit", place=(lat, lng), description=SECRET_TEXT + "（二）")
    township = patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, photos=[jpeg((10, 20, 30))],
                      found=finding("l4-farmland-damage", PATROL_TEXT))
    [concern] = concealment.view(deps, OFFICE, "2026")
    assert concern.found == 3  # the check ran: two citizens, one other unit's patrol
    concealment.decide_week(deps, OFFICE, "2026-W48", VILLAGE, True, "核实为漏报：" + SECRET_TEXT, clock.now())
    tickets = [deps.repos.complaints.get(r.complaint_id) for r in (first, second)]
    tickets.append(deps.repos.complaints.get(township.findings[0].ticket))
    return tickets, township


def needles(deps, tickets) -> list[bytes]:
    out = [SECRET_TEXT.encode(), PATROL_TEXT.encode(), "老李家".encode(), PHONE.encode(), b"139 0013 9000"]
    for t in tickets:
        out += [t.id.encode(), t.id[-8:].encode(), t.public_id.encode(), t.case_id.encode(),
                f"{t.lat:.4f}".encode(), f"{t.lng:.4f}".encode()]
    return out


def test_the_village_pages_are_the_same_before_and_after_reports_in_its_grid(app, deps, clock, village):
    staff, _, own = village
    before = village_pages(staff, own.id)
    assert all(status in (200, 303) for status, _ in before.values())
    citizen_reports(deps, clock)
    after = village_pages(staff, own.id)
    assert after == before


def test_a_zero_report_filed_after_a_citizen_report_answers_as_any_other(app, deps, clock):
    """The village that files second (the flag is raised by its own report) gets the same answer
    as a village with nothing behind it."""
    lat, lng = point_of(deps)
    file(deps, "l5-villager-house-without-approval", place=(lat, lng), description=SECRET_TEXT)
    answers = []
    for username, unit in (("cun-a", VILLAGE), ("cun-b", "430225100203")):
        acc = account(deps, username, "village_grid", unit)
        staff = Staff(app, deps, clock, acc).login()
        patrol(deps, deps.repos.staff.get(username).actor, grid=unit)
        page = staff.get("/staff/patrols")
        staff.token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        response = staff.post("/staff/patrols/report", {"week": "2026-W48"})
        shown = staff.get(response.headers["Location"])
        name = deps.counties.default.unit_name(unit)
        page = re.sub(rb"[0-9A-HJKMNP-TV-Z]{26}", b"<id>", without_token(shown.data))  # its own patrol's id
        answers.append((response.status_code, response.headers["Location"],
                        page.replace(name.encode(), b"<village>").replace(username.encode(), b"<user>")))
    import difflib
    assert answers[0][:2] == answers[1][:2]
    diff = [line for line in difflib.unified_diff(answers[0][2].decode().splitlines(), answers[1][2].decode().splitlines(),
                                                  lineterm="", n=0) if line.startswith(("+", "-"))]
    assert diff == [], "\n".join(diff)
    assert len(concealment.view(deps, OFFICE, "2026")) == 1  # and the flag was raised


def fill(rule: str, values: dict[str, list[str]]) -> list[str]:
    paths = [rule]
    for name, options in values.items():
        pattern = re.compile(r"<(?:[a-z]+:)?" + name + r">")
        paths = [pattern.sub(option, p) for p in paths for option in options] if any(pattern.search(p) for p in paths) \
            else paths
    return paths


def test_no_staff_route_export_or_guessed_id_gives_the_village_any_trace_of_a_report(app, deps, clock, village):
    staff, actor, own = village
    tickets, township = citizen_reports(deps, clock)
    rewardless = [t.case_id for t in tickets]
    values = {
        "complaint_id": [t.id for t in tickets] + ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "../../etc/passwd"],
        "case_id": rewardless,
        "patrol_id": [own.id, township.id, "01ARZ3NDEKTSV4RRFFQ69G5FAV"],
        "n": ["0", "1"],
        "action": list(URL_ACTIONS) + ["propose", "approve", "reject", "hold", "release", "refuse", "pay"],
        "decision": ["approve", "deny"],
    }
    answers = []
    app.load_parts()  # every staff rule, not only those of a part registered so far
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or (rule.endpoint.startswith("staff.auth.")
                                                     and rule.endpoint != "staff.auth.password"):
            continue  # signing in again, out, or a wrong password would end the session under test
        for path in fill(rule.rule, values):
            if "GET" in rule.methods:
                answers.append((f"GET {path}", staff.get(path)))
            if "POST" in rule.methods:
                form = {"note": "x", "reason": "x", "other": tickets[0].id, "week": "2026-W48", "village": VILLAGE,
                        "decision": "confirm", "kind": "stock", "category": "c1-no-planning-permit",
                        "description": "示例描述文字", "grid": VILLAGE, "patrolled_on": "2026-11-23", "route": "r",
                        "outcome": "nothing"}
                answers.append((f"POST {path}", staff.post(path, form)))
    assert len(answers) > 150
    secrets = needles(deps, tickets)
    photos = [hashlib.sha256(deps.blobs.get(e.key)).hexdigest() for t in tickets for e in t.evidence]
    for where, response in answers:
        body = response.data
        assert [n for n in secrets if n in body] == [], where
        assert hashlib.sha256(body).hexdigest() not in photos, where
        if any(f"/{key}/" in where for key in ("tickets", "cases", "rewards")) or where.endswith(
                (".csv", ".xlsx", ".docx")) or f"/patrols/{township.id}" in where:
            assert response.status_code in (403, 404), (where, response.status_code)
    # the guessed and the real ids answer alike: no ticket exists, as far as the village can tell
    real = staff.get(f"/staff/tickets/{tickets[0].id}")
    guessed = staff.get("/staff/tickets/01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert real.status_code == guessed.status_code == 404
    assert without_token(real.data) == without_token(guessed.data)
    # nothing the village posted changed a ticket
    for t in tickets:
        assert deps.repos.complaints.get(t.id).version == t.version


def test_the_concealment_page_is_closed_to_the_village(app, deps, clock, village):
    staff, _, _ = village
    citizen_reports(deps, clock)
    assert staff.get("/staff/patrols/concealment").status_code == 403
    assert staff.get("/staff/patrols/concealment?year=2026").status_code == 403


def test_the_village_s_session_opens_nothing_more_on_the_public_api_than_anyone_has(app, deps, clock, village):
    """The API and Open311 are the public site's: the staff session cookie is sent to ``/staff``
    only, so what a village user's browser gets from them is what any visitor gets (the coarse
    public view of the threat model's residual risks), never a staff scope."""
    staff, _, _ = village
    citizen_reports(deps, clock)
    cookies = [c for c in staff.client._cookies.values() if c.value]
    assert cookies and all(c.path == "/staff" for c in cookies if c.key != "lang")
    anyone = app.test_client()
    for path in ("/open311/v2/requests.json", "/open311/v2/requests.xml", "/api/v1/catalog",
                 "/api/v1/places/search?q=%E7%9F%B3%E5%AD%90%E5%9D%9D"):
        mine, theirs = staff.get(path), anyone.get(path, base_url=PUBLIC_URL)
        assert (mine.status_code, mine.data) == (theirs.status_code, theirs.data), path
        assert SECRET_TEXT.encode() not in mine.data and PATROL_TEXT.encode() not in mine.data
