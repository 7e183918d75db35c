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
