"""The oversight page (004 C21, L18; C35, L31): the leading-group office's figures, period
selector, half-year ranking, CSV export and monthly review button; the discipline commission
sees only its own tickets' figures; other roles are refused. Views are audited."""

from __future__ import annotations

from portal.timeutil import parse_iso
from tests.web.staff_support import ZHONGCUN, fast_argon2, file, signed_in  # noqa: F401


def test_004_c21_l18_supervisor_page_period_selector_ranking_export_and_review(app, deps, clock):
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    file(deps, place=ZHONGCUN)
    file(deps, category="o1-public-official", place=ZHONGCUN)
    sup = signed_in(app, deps, clock, "supervisor")
    page = sup.get("/staff/oversight?kind=half&period=2026-H2")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "半年排名" in html and 'id="ranking"' in html
    assert 'id="total"' in html and '<tr data-unit=""><td>合计</td><td>1</td>' in html  # the official's report is not counted
    for kind, key in (("month", "2026-11"), ("quarter", "2026-Q4"), ("year", "2026")):
        assert sup.get(f"/staff/oversight?kind={kind}&period={key}").status_code == 200
    assert sup.get("/staff/oversight?kind=month&period=nonsense").status_code == 200  # falls back to now
    csv = sup.get("/staff/oversight.csv?kind=month&period=2026-11")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.data.startswith("\ufeff".encode()) and "2026-11,合计,炎陵县,1," in csv.data.decode("utf-8-sig")
    held = sup.post("/staff/oversight/review", {})
    assert held.status_code == 303
    assert "已经开展过" in sup.post("/staff/oversight/review", {}, follow_redirects=True).get_data(as_text=True)
    actions = [a["action"] for a in deps.repos.audit.recent("430225")]
    assert {"view_oversight", "export_oversight", "monthly_review"} <= set(actions)
    assert actions.count("monthly_review") == 1


def test_000_s2_3_discipline_sees_its_own_figures_and_other_roles_none(app, deps, clock):
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    file(deps, place=ZHONGCUN)
    file(deps, place=ZHONGCUN)
    file(deps, category="o1-public-official", place=ZHONGCUN)
    dis = signed_in(app, deps, clock, "discipline")
    html = dis.get("/staff/oversight").get_data(as_text=True)
    assert '<tr data-unit=""><td>合计</td><td>1</td>' in html and "月度调度检查" not in html
    assert dis.post("/staff/oversight/review", {}).status_code == 403
    for role in ("officer", "township", "finance", "custodian", "admin"):
        person = signed_in(app, deps, clock, role)
        assert person.get("/staff/oversight").status_code == 403
        assert person.get("/staff/oversight.csv").status_code == 403


def test_000_s2_3_the_supervisor_page_and_csv_drop_a_found_ticket_moved_to_discipline(app, deps, clock):
    from portal.domain.access import Actor, Role
    from portal.services import oversight, workflow

    clock.set(parse_iso("2026-09-10T10:00:00+08:00"))
    moved = deps.repos.complaints.get(file(deps, place=ZHONGCUN).complaint_id)
    kept = deps.repos.complaints.get(file(deps, place=ZHONGCUN).complaint_id)
    clock.set(parse_iso("2026-11-01T00:05:00+08:00"))
    held = oversight.monthly_review(deps, deps.counties.default, clock.now())
    assert [sorted(f.tickets) for f in held.findings] == [sorted([moved.id, kept.id])]
    officer = Actor("officer-1", Role.OFFICER, moved.lead, "430225")
    workflow.transfer(deps, officer, moved.id, "discipline", "涉及公职人员", clock.now())
    sup = signed_in(app, deps, clock, "supervisor")
    html = sup.get("/staff/oversight?kind=month&period=2026-11").get_data(as_text=True)
    assert f"/staff/tickets/{kept.id}" in html and moved.id[-8:] not in html and moved.id not in html
    assert "<td>1：<a " in html  # the count is of the tickets still shown
    csv = sup.get("/staff/oversight.csv?kind=month&period=2026-11").data.decode("utf-8-sig")
    assert csv.splitlines()[-1].startswith("2026-11,中村瑶族乡,1,第1次：在年度查违控违专项考核中扣分,1,")
    workflow.transfer(deps, officer, kept.id, "discipline", "涉及公职人员", clock.now())
    html = sup.get("/staff/oversight?kind=month&period=2026-11").get_data(as_text=True)
    assert 'id="review-findings"' not in html and kept.id[-8:] not in html
    csv = sup.get("/staff/oversight.csv?kind=month&period=2026-11").data.decode("utf-8-sig")
    assert "调度月份" not in csv


def test_only_the_offered_periods_are_read_an_older_or_later_one_falls_back_to_now(app, deps, clock):
    """The selector offers the last two years; a period outside it (which would read every
    ticket closed since it began) falls back to the current one, on the page and in the CSV."""
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    sup = signed_in(app, deps, clock, "supervisor")
    for kind, old, oldest, current, later in (("month", "2024-11", "2024-12", "2026-11", "2026-12"),
                                              ("quarter", "2024-Q4", "2025-Q1", "2026-Q4", "2027-Q1"),
                                              ("half", "2024-H2", "2025-H1", "2026-H2", "2027-H1"),
                                              ("year", "2024", "2025", "2026", "2027")):
        html = sup.get(f"/staff/oversight?kind={kind}&period={oldest}").get_data(as_text=True)
        assert f'<option value="{oldest}" selected>' in html
        for asked in (old, "2000" + old[4:], later):
            html = sup.get(f"/staff/oversight?kind={kind}&period={asked}").get_data(as_text=True)
            assert f'<option value="{current}" selected>' in html and f'value="{old}"' not in html
            csv = sup.get(f"/staff/oversight.csv?kind={kind}&period={asked}")
            assert csv.status_code == 200 and f"oversight-{current}-" in csv.headers["Content-Disposition"]
            assert csv.data.decode("utf-8-sig").splitlines()[1].startswith(f"{current},")
    periods = [a["detail"]["period"] for a in deps.repos.audit.recent("430225") if "oversight" in a["action"]]
    assert not {"2024-11", "2000-11", "2026-12", "2024", "2000", "2027"} & set(periods)
