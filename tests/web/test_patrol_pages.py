"""The patrol pages of the staff app and the citizen site's grid table (004 C17-C19, C33):
each role reaches what its table allows, forms refuse bad input in the user's language and
store nothing, and the pages are English on request."""

from __future__ import annotations

import io
import re

import pytest

from portal.services import sweeper
from portal.services.patrols import weekly
from tests.fakes.images import phone_jpeg
from tests.patrols import VILLAGE, finding, patrol, point_of, shanghai
from tests.web.staff_support import Staff, account, fast_argon2, file, signed_in  # noqa: F401
from tests.web.test_english import assert_no_chinese_chrome


def login(app, deps, clock, username, role, unit) -> Staff:
    return Staff(app, deps, clock, account(deps, username, role, unit)).login()


def csrf(staff, path):
    page = staff.get(path)
    staff.token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return page


def test_004_c18_the_village_records_a_patrol_with_a_photo_and_files_its_zero_report(app, deps, clock):
    village = login(app, deps, clock, "cun-wang", "village_grid", VILLAGE)
    assert village.get("/staff/").headers["Location"].endswith("/staff/patrols")
    form = csrf(village, "/staff/patrols/new").get_data(as_text=True)
    assert form.count('<option value="430225100202') == 4  # its village grid and its three groups, nothing else
    response = village.post("/staff/patrols", {"patrolled_on": "2026-11-23", "grid": VILLAGE + "-01",
                                               "route": "沿一组村道", "outcome": "nothing",
                                               "photos": (io.BytesIO(phone_jpeg()), "p.jpg")},
                            content_type="multipart/form-data")
    assert response.status_code == 303
    page = village.get(response.headers["Location"]).get_data(as_text=True)
    assert "巡查记录已登记" in page and "未发现问题" in page and "第一村民小组" in page
    photo = village.get(re.search(r'src="(/staff/patrols/[^"]+/photos/0)"', page).group(1))
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg" and b"Huawei" not in photo.data
    week = csrf(village, "/staff/patrols").get_data(as_text=True)
    assert "报送本周零汇报（未发现问题）" in week
    filed = village.post("/staff/patrols/report", {"week": "2026-W48", "note": ""})
    assert filed.status_code == 303
    shown = village.get(filed.headers["Location"]).get_data(as_text=True)
    assert "本周零汇报已报送（未发现问题）" in shown and 'id="village-report"' in shown
    assert deps.repos.patrols.report("430225", "2026-W48", "village", VILLAGE).zero


def test_a_bad_patrol_form_is_refused_in_chinese_and_stores_nothing(app, deps, clock):
    village = login(app, deps, clock, "cun-wang", "village_grid", VILLAGE)
    csrf(village, "/staff/patrols/new")
    for data, message in (
        ({"patrolled_on": "2026-11-23", "grid": VILLAGE, "route": "", "outcome": "nothing"}, "请填写巡查路线或区域"),
        ({"patrolled_on": "2026-11-30", "grid": VILLAGE, "route": "r", "outcome": "nothing"}, "巡查日期不能晚于今天"),
        ({"patrolled_on": "2026-13-01", "grid": VILLAGE, "route": "r", "outcome": "nothing"}, "日期格式不正确"),
        ({"patrolled_on": "2026-11-23", "grid": VILLAGE, "route": "r", "outcome": "found", "category": ""},
         "请选择发现的问题类型"),
        ({"patrolled_on": "2026-11-23", "grid": VILLAGE, "route": "r", "outcome": "found",
          "category": "o1-public-official", "description": "村干部违规建房占地"}, "请直接向县纪委监委反映"),
        ({"patrolled_on": "2026-11-23", "grid": VILLAGE, "route": "r", "outcome": "maybe"}, "请选择“未发现问题”或“发现问题”"),
    ):
        response = village.post("/staff/patrols", data)
        assert response.status_code == 400 and message in response.get_data(as_text=True), message
    assert village.post("/staff/patrols", {"patrolled_on": "2026-11-23", "grid": "430225200203", "route": "r",
                                           "outcome": "nothing"}).status_code == 403  # another township's grid
    assert deps.repos.patrols.of_week("430225", "2026-W48") == []
    assert deps.repos.complaints.list("county", "K#430225#active")[0] == []


def test_004_c17_2_a_finding_from_the_page_becomes_a_ticket_the_township_sees(app, deps, clock):
    village = login(app, deps, clock, "cun-wang", "village_grid", VILLAGE)
    csrf(village, "/staff/patrols/new")
    response = village.post("/staff/patrols", {"patrolled_on": "2026-11-23", "grid": VILLAGE, "route": "r",
                                               "outcome": "found", "category": "l5-villager-house-without-approval",
                                               "description": "有人在承包地里打地基建房。", "stopped_on_spot": "1",
                                               "kind": "new"})
    assert response.status_code == 303
    assert "2小时内到场核查" in village.get(response.headers["Location"]).get_data(as_text=True)
    [ticket] = deps.repos.complaints.list("county", "K#430225#active")[0]
    assert ticket.intake.channel == "patrol" and ticket.patrol.stopped_on_spot
    team = signed_in(app, deps, clock, "township")
    page = team.get(f"/staff/tickets/{ticket.id}").get_data(as_text=True)
    assert "有人在承包地里打地基建房" in page and "巡查发现即制止" in page
    assert "巡查发现 · 村级网格巡查" in page and "石子坝村 · 已当场制止" in page
    assert "石子坝村（巡查时未填写坐标，位置为该村的大致位置）" in page and "举报人选择了这个村" not in page
    assert village.get(f"/staff/tickets/{ticket.id}").status_code == 404  # its own finding's ticket too


def test_004_c17_1_the_township_sees_its_villages_and_files_its_report(app, deps, clock):
    patrol(deps)
    weekly.file_report(deps, deps.repos.staff.get(account(deps, "cun-w", "village_grid", VILLAGE).username).actor,
                       "village", "2026-W48", "", clock.now())
    team = login(app, deps, clock, "xiang-zhao", "township_patrol", "xiayang")
    page = csrf(team, "/staff/patrols").get_data(as_text=True)
    assert f'data-village="{VILLAGE}" data-status="on_time"' in page
    assert 'data-village="430225100203" data-status="not_yet"' in page
    assert team.post("/staff/patrols/report", {"week": "2026-W48"}).status_code == 303
    assert deps.repos.patrols.report("430225", "2026-W48", "township", "xiayang") is not None
    enforcement = signed_in(app, deps, clock, "township")  # the enforcement team reads, does not file
    page = enforcement.get("/staff/patrols").get_data(as_text=True)
    assert f'data-village="{VILLAGE}" data-status="on_time"' in page and 'id="report-form"' not in page


def test_the_office_sees_every_township_and_decides_a_flag_on_the_page(app, deps, clock):
    patrol(deps)
    weekly.file_report(deps, deps.repos.staff.get(account(deps, "cun-w", "village_grid", VILLAGE).username).actor,
                       "village", "2026-W48", "", clock.now())
    file(deps, "l5-villager-house-without-approval", place=point_of(deps), description="邻居在田里建房子。")
    office = signed_in(app, deps, clock, "supervisor")
    week = office.get("/staff/patrols").get_data(as_text=True)
    assert week.count('<tr class="township-week"') == len(deps.counties.default.grids.townships)
    assert '<tr class="township-week" data-township="xiayang" data-status="not_yet"><td class="name">霞阳镇</td>' in week
    assert 'id="villages"' in office.get("/staff/patrols?township=xiayang").get_data(as_text=True)
    page = csrf(office, "/staff/patrols/concealment").get_data(as_text=True)
    assert f'data-week="2026-W48" data-village="{VILLAGE}" data-status="pending"' in page
    assert "邻居在田里建房子" not in page and "群众举报 1" in page
    assert office.post("/staff/patrols/concealment/decide", {"week": "2026-W48", "village": VILLAGE,
                                                            "decision": "confirm", "reason": ""}).status_code == 303
    assert "请写明确认或排除的理由" in office.get("/staff/patrols/concealment").get_data(as_text=True)
    office.post("/staff/patrols/concealment/decide", {"week": "2026-W48", "village": VILLAGE, "decision": "confirm",
                                                      "reason": "核实为漏报"})
    page = office.get("/staff/patrols/concealment").get_data(as_text=True)
    assert 'data-status="confirmed"' in page and "第1次：予以警告" in page and "核实为漏报" in page
    team = signed_in(app, deps, clock, "township")
    seen = team.get("/staff/patrols/concealment").get_data(as_text=True)
    assert "第1次：予以警告" in seen and "核实为漏报" not in seen  # the township: no reason


def test_004_c18_1_c17_1_the_sweeper_s_missing_reports_are_told_on_the_township_s_and_the_office_s_page(
        app, deps, clock):
    """At Thursday 16:00 the township reads which of its villages did not report; at Friday
    16:00 the office reads which townships did not (and a week without the professional patrol)."""
    sweeper.sweep(deps, clock.now())  # Monday: the schedules start with this week
    patrol(deps)
    weekly.file_report(deps, deps.repos.staff.get(account(deps, "cun-w", "village_grid", VILLAGE).username).actor,
                       "village", "2026-W48", "", clock.now())
    clock.set(shanghai(2026, 11, 26, 15, 59))
    sweeper.sweep(deps, clock.now())
    team = login(app, deps, clock, "xiang-zhao", "township_patrol", "xiayang")
    assert 'id="notices"' not in team.get("/staff/patrols").get_data(as_text=True)
    clock.set(shanghai(2026, 11, 26, 16, 1))
    sweeper.sweep(deps, clock.now())
    notices = re.search(r'<section class="card" id="notices">(.*?)</section>',
                        team.get("/staff/patrols").get_data(as_text=True), re.S).group(1)
    county = deps.counties.default
    late = [v for v in county.grids.villages_of("xiayang") if v != VILLAGE]
    # one line for the week's late villages, naming each of them once
    assert notices.count("<li") == 1 and notices.count('class="unit"') == len(late)
    assert f"未报送（{len(late)}）" in notices and "颜家村" in notices and "石子坝村" not in notices
    assert "龙上村" in notices and county.unit_name(county.grids.villages_of("longxi")[0]) not in notices
    clock.set(shanghai(2026, 11, 30, 0, 1))
    sweeper.sweep(deps, clock.now())
    office = signed_in(app, deps, clock, "supervisor")
    told = re.search(r'<section class="card" id="notices">(.*?)</section>',
                     office.get("/staff/patrols").get_data(as_text=True), re.S).group(1)
    assert "霞阳镇" in told and "垄溪乡" in told and "县城建成区专业巡查" in told
    assert "颜家村" not in told  # the villages' are the townships' to chase


def test_003_s2_3_a_patrol_finding_of_the_survey_phase_shows_in_the_campaign_s_problem_list(app, deps, clock):
    from tests import campaign_sample
    from tests.patrols import TOWNSHIP_PATROL

    clock.set(shanghai(2027, 6, 5, 9))
    campaign = campaign_sample.create_003(deps)
    clock.set(shanghai(2027, 6, 15, 9))  # 排查摸底
    found = patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding(category="l1-occupy-land"))
    ticket = found.findings[0].ticket
    for name in ("supervisor", "township"):  # the office, and the township: the responsible unit of its area
        page = signed_in(app, deps, clock, name).get(f"/staff/campaigns/{campaign.id}").get_data(as_text=True)
        assert "排查摸底期间巡查发现" in page and ticket[-6:] in page, name
    page = signed_in(app, deps, clock, "supervisor", "office-en").get(
        f"/staff/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    assert "Found on patrol during the survey" in page


@pytest.mark.parametrize("role", ["officer", "head", "discipline", "finance", "custodian", "admin"])
def test_roles_without_patrols_get_no_patrol_page(app, deps, clock, role):
    staff = signed_in(app, deps, clock, role)
    p = patrol(deps)
    for path in ("/staff/patrols", "/staff/patrols/new", f"/staff/patrols/{p.id}", f"/staff/patrols/{p.id}/photos/0",
                 "/staff/patrols/concealment"):
        assert staff.get(path).status_code in (403, 404), path


def test_004_c17_1_the_grid_table_is_published_and_searchable_by_village(client, deps):
    everything = client.get("/grids").get_data(as_text=True)
    assert everything.count("data-grid=") >= len(deps.counties.default.grids.grids)
    assert "示例" in everything and "演示数据" in everything
    for query in ("石子坝", "shiziba", "szb"):
        page = client.get(f"/grids?q={query}").get_data(as_text=True)
        assert "石子坝村第二村民小组" in page and "村民小组组长" in page and "0731-90000014" in page, query
        assert "颜家村" not in page
    assert "没有找到" in client.get("/grids?q=不存在的村").get_data(as_text=True)
    assert client.get("/grids?q=" + "x" * 5000).status_code == 200
    assert 'href="/grids"' in client.get("/").get_data(as_text=True)


def test_004_c17_1_the_pin_preview_names_the_grid(client, deps):
    lat, lng = point_of(deps)
    body = client.post("/api/v1/places", json={"lat": float(lat), "lng": float(lng)}).get_json()
    assert body["grid"] == VILLAGE and body["grid_name"] == "石子坝村"
    assert body["grid_text"] == "所在网格：石子坝村（网格责任人：驻村干部、村委会主任）。"
    official = client.post("/api/v1/places", json={"lat": float(lat), "lng": float(lng),
                                                   "category": "o1-public-official"}).get_json()
    assert official["grid"] is None and official["grid_text"] == ""  # nobody in the village is told of it


def test_patrol_pages_are_english_on_request(app, deps, clock, client):
    county = deps.counties.default
    assert_no_chinese_chrome(client.get("/grids?lang=en").get_data(as_text=True), county)
    village = login(app, deps, clock, "cun-wang", "village_grid", VILLAGE)
    p = patrol(deps, deps.repos.staff.get("cun-wang").actor, found=finding())
    office = signed_in(app, deps, clock, "supervisor")
    for staff, path in ((village, "/staff/patrols"), (village, "/staff/patrols/new"), (village, f"/staff/patrols/{p.id}"),
                        (office, "/staff/patrols"), (office, "/staff/patrols?township=xiayang"),
                        (office, "/staff/patrols/concealment"), (office, "/staff/oversight")):
        page = staff.get(path + ("&" if "?" in path else "?") + "lang=en").get_data(as_text=True)
        assert '<html lang="en">' in page, path
        assert_no_chinese_chrome(page, county, "沿村道巡查一圈", "cun-wang", "有村民在承包地里打地基建房。")
    page = client.post("/api/v1/places?lang=en", json={"lat": 26.530037, "lng": 113.836943}).get_json()
    assert page["grid_text"].startswith("Grid: 石子坝村")
