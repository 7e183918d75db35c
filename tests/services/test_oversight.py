"""Oversight statistics (004 C21, L18: 月调度、季通报、半年排名、年度考核) and the monthly review of
townships (004 C35, L31), on the SQLite store through the services."""

from __future__ import annotations

import pytest

from portal.domain.access import Actor, Role
from portal.domain.errors import Forbidden
from portal.domain.oversight import Period
from portal.services import oversight, sweeper, workflow
from portal.timeutil import local, parse_iso
from tests.services.helpers import SEAT, VILLAGE, file

COUNTY = "430225"
OFFICER = Actor("officer-1", Role.OFFICER, "natural_resources", COUNTY)
LONGXI = Actor("longxi-1", Role.TOWNSHIP, "longxi", COUNTY)
ZHONGCUN_TEAM = Actor("zhongcun-1", Role.TOWNSHIP, "zhongcun", COUNTY)
SUPERVISOR = Actor("sup-1", Role.SUPERVISOR, "leading_group_office", COUNTY)
DISCIPLINE = Actor("dis-1", Role.DISCIPLINE, "discipline", COUNTY)
ZHONGCUN = ("26.300", "113.700")
OFFICIAL = "o1-public-official"


def at(deps, text):
    deps.clock.set(parse_iso(text))
    return deps.clock.now()


def arrive(deps, actor, complaint_id, when):
    workflow.record_onsite(deps, actor, complaint_id, local(when).strftime("%Y-%m-%dT%H:%M"), "已到现场", [],
                           deps.clock.now())


@pytest.fixture
def november(deps):
    """Four tickets of November 2026: one handled in time (longxi), one left to breach
    (longxi), one declined in time (xiayang), one about an official (discipline only)."""
    at(deps, "2026-11-23T10:00:00+08:00")
    on_time, _ = file(deps, place=VILLAGE)
    late, _ = file(deps, place=VILLAGE)
    declined, _ = file(deps, place=SEAT)
    official, _ = file(deps, place=VILLAGE, category=OFFICIAL)
    at(deps, "2026-11-23T11:00:00+08:00")
    arrive(deps, LONGXI, on_time.id, deps.clock.now())
    workflow.accept(deps, OFFICER, on_time.id, "", deps.clock.now())
    workflow.decline(deps, OFFICER, declined.id, "out_of_scope", "不属于受理范围", deps.clock.now())
    workflow.conclude(deps, OFFICER, on_time.id, "substantiated", "已责令拆除", {}, deps.clock.now())
    workflow.record_written_notice(deps, OFFICER, on_time.id, "书面告知", deps.clock.now())
    at(deps, "2026-11-30T09:00:00+08:00")
    sweeper.sweep(deps, deps.clock.now())  # records the breaches of `late` and of `official`
    return {"on_time": on_time.id, "late": late.id, "declined": declined.id, "official": official.id}


def test_004_c21_l18_monthly_figures_count_each_clock_met_or_breached(deps, november):
    r = oversight.report(deps, SUPERVISOR, Period("month", 2026, 11), deps.clock.now())
    t = r.stats.total
    assert (t.received, t.accepted, t.declined) == (3, 1, 1)
    assert t.clocks["acceptance"] == {"met": 2, "breached": 1, "pending": 0}
    assert t.clocks["onsite"] == {"met": 1, "breached": 1, "pending": 0}
    assert t.clocks["result_notice"] == {"met": 1, "breached": 0, "pending": 0}
    assert t.findings == {"substantiated": 1, "partly": 0, "not_substantiated": 0}
    assert (t.new, t.stock) == (3, 0)  # 004 C22, L19
    assert (t.open_now, t.overdue_now) == (1, 1)
    towns = {f.unit: f for f in r.townships}
    assert towns["longxi"].received == 2 and towns["longxi"].breached == 2
    assert towns["xiayang"].received == 1 and towns["xiayang"].breached == 0
    assert {f.unit for f in r.leads} == {"natural_resources"}
    assert any(a["action"] == "view_oversight" for a in deps.repos.audit.recent(COUNTY))


def test_000_s2_3_discipline_only_tickets_are_never_counted_in_the_supervisors_figures(deps, november):
    """A count would reveal that a report about an official exists (000 §2(3); 004 C36)."""
    for kind, key in (("month", "2026-11"), ("quarter", "2026-Q4"), ("half", "2026-H2"), ("year", "2026")):
        r = oversight.report(deps, SUPERVISOR, Period.parse(kind, key), deps.clock.now())
        assert r.stats.total.received == 3 and r.stats.total.clocks["acceptance"]["breached"] == 1
        assert "discipline" not in {f.unit for f in r.leads}
        assert sum(f.received for f in r.townships) == 3
    mine = oversight.report(deps, DISCIPLINE, Period("month", 2026, 11), deps.clock.now())
    assert mine.stats.total.received == 1 and mine.stats.total.clocks["acceptance"]["breached"] == 1
    assert {f.unit for f in mine.leads} == {"discipline"} and mine.findings == []
    with pytest.raises(Forbidden):
        oversight.report(deps, OFFICER, Period("month", 2026, 11), deps.clock.now())


def test_004_c21_l18_periods_are_asia_shanghai_months(deps):
    at(deps, "2026-10-31T23:30:00+08:00")
    file(deps)
    at(deps, "2026-11-01T00:30:00+08:00")  # still October in UTC
    file(deps)
    now = deps.clock.now()
    assert oversight.report(deps, SUPERVISOR, Period("month", 2026, 11), now).stats.total.received == 1
    assert oversight.report(deps, SUPERVISOR, Period("month", 2026, 10), now).stats.total.received == 1
    assert oversight.report(deps, SUPERVISOR, Period("quarter", 2026, 4), now).stats.total.received == 2


def test_004_c21_l18_the_half_year_view_ranks_townships_by_breach_rate(deps, november):
    r = oversight.report(deps, SUPERVISOR, Period("half", 2026, 2), deps.clock.now())
    ranked = [f.unit for f in r.township_ranking]
    assert ranked[:2] == ["xiayang", "longxi"]  # 0 of 1 breached, then 2 of 5
    assert r.township_ranking[1].breach_rate == pytest.approx(2 / 5)
    assert all(f.breach_rate is None for f in r.township_ranking[2:])  # nothing decided: last
    assert oversight.report(deps, SUPERVISOR, Period("month", 2026, 11), deps.clock.now()).township_ranking == []


def test_004_c21_the_csv_export_has_the_figures_and_is_audited(deps, november):
    body = oversight.export_csv(deps, SUPERVISOR, Period("month", 2026, 11), deps.clock.now(), lambda s: s)
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("统计周期,类别,单位,收到举报,已受理,不予受理,3个工作日内受理决定,受理决定超期")
    assert "2026-11,合计,炎陵县,3,1,1,2,1,1,1,1,0" in text
    assert any(a["action"] == "export_oversight" for a in deps.repos.audit.recent(COUNTY))


# --- 004 C35, L31: the monthly review ----------------------------------------------------------


def review(deps, when):
    return oversight.monthly_review(deps, deps.counties.default, at(deps, when))


def test_004_c35_l31_an_uninvestigated_township_is_found_once_per_review(deps):
    at(deps, "2027-01-05T10:00:00+08:00")
    ignored, _ = file(deps, place=VILLAGE)  # longxi never goes
    visited, _ = file(deps, place=ZHONGCUN)  # zhongcun goes within the hour
    arrive(deps, ZHONGCUN_TEAM, visited.id, at(deps, "2027-01-05T11:00:00+08:00"))
    assert review(deps, "2027-02-04T10:00:00+08:00").findings == []  # not a month yet
    first = review(deps, "2027-02-05T10:00:00+08:00")
    assert first.held is False  # February's review was held on the 4th: once per month
    first = review(deps, "2027-03-01T08:00:00+08:00")
    assert [(f.township, f.ordinal, f.consequence) for f in first.findings] == [("longxi", 1, "deduction")]
    assert first.findings[0].tickets == [ignored.id]
    again = review(deps, "2027-03-20T08:00:00+08:00")
    assert again.held is False and again.findings == []
    stored = deps.repos.oversight.findings("430225", "2027-01", "2027-12")
    assert [(f.township, f.month) for f in stored] == [("longxi", "2027-03")]


def test_004_c35_l31_the_ordinal_and_the_consequence_advance_from_deduction_to_referral(deps):
    at(deps, "2027-01-05T10:00:00+08:00")
    file(deps, place=VILLAGE)
    steps = [(f.ordinal, f.consequence, f.named)
             for month in ("02", "03", "04", "05", "06")
             for f in review(deps, f"2027-{month}-10T09:00:00+08:00").findings]
    assert steps == [(1, "deduction", False), (2, "double_deduction", True), (3, "interview", False),
                     (4, "referral", False), (5, "referral", False)]
    # counted per year (年度考核): the next year starts again at the first step
    assert [(f.ordinal, f.consequence) for f in review(deps, "2028-01-02T09:00:00+08:00").findings] == [
        (1, "deduction")]


def test_004_c35_l31_a_township_that_investigated_in_time_or_a_closed_ticket_is_not_found(deps):
    at(deps, "2027-01-05T10:00:00+08:00")
    visited, _ = file(deps, place=ZHONGCUN)
    arrive(deps, ZHONGCUN_TEAM, visited.id, at(deps, "2027-01-05T11:00:00+08:00"))
    declined, _ = file(deps, place=SEAT)
    workflow.decline(deps, OFFICER, declined.id, "out_of_scope", "不属于受理范围", deps.clock.now())
    assert review(deps, "2027-03-01T09:00:00+08:00").findings == []


def test_000_s2_3_a_report_about_an_official_is_not_a_townships_finding(deps):
    at(deps, "2027-01-05T10:00:00+08:00")
    file(deps, place=VILLAGE, category=OFFICIAL)  # discipline only: no township visit owed, none seen
    assert review(deps, "2027-03-01T09:00:00+08:00").findings == []
    r = oversight.report(deps, SUPERVISOR, Period("quarter", 2027, 1), deps.clock.now())
    assert r.findings == [] and r.stats.total.received == 0


def test_004_c35_l31_the_sweeper_holds_the_review_on_the_first_of_each_month_once(deps):
    at(deps, "2027-01-05T10:00:00+08:00")
    file(deps, place=VILLAGE)
    sweeper.sweep(deps, deps.clock.now())  # schedules the review for 1 February
    assert sweeper.sweep(deps, at(deps, "2027-01-31T23:59:00+08:00")).reviews == 0
    feb = sweeper.sweep(deps, at(deps, "2027-02-01T00:05:00+08:00"))
    assert feb.reviews == 1
    assert sweeper.sweep(deps, at(deps, "2027-02-01T00:10:00+08:00")).reviews == 0
    march = sweeper.sweep(deps, at(deps, "2027-03-01T00:05:00+08:00"))
    assert march.reviews == 1
    found = deps.repos.oversight.findings("430225", "2027-01", "2027-12")
    assert [(f.month, f.township, f.ordinal, f.run_by) for f in found] == [("2027-03", "longxi", 1, "system")]
    assert [a["detail"]["month"] for a in deps.repos.audit.recent("430225") if a["action"] == "monthly_review"] == [
        "2027-03", "2027-02"]


def test_004_c35_l31_findings_show_in_the_quarter_and_only_supervisors_hold_a_review(deps):
    at(deps, "2027-01-05T10:00:00+08:00")
    file(deps, place=VILLAGE)
    for month in ("02", "03"):
        review(deps, f"2027-{month}-10T09:00:00+08:00")
    q1 = oversight.report(deps, SUPERVISOR, Period("quarter", 2027, 1), deps.clock.now())
    assert [(f.month, f.ordinal, f.named) for f in q1.findings] == [("2027-02", 1, False), ("2027-03", 2, True)]
    assert {f.unit: f.review_findings for f in q1.townships}["longxi"] == 2
    with pytest.raises(Forbidden):
        oversight.review_now(deps, OFFICER, deps.clock.now())
    with pytest.raises(Forbidden):
        oversight.review_now(deps, DISCIPLINE, deps.clock.now())
    assert oversight.review_now(deps, SUPERVISOR, at(deps, "2027-04-02T09:00:00+08:00")).findings[0].ordinal == 3


def test_004_c35_l31_a_finding_names_every_ticket_it_found_not_only_the_first_twenty(deps):
    at(deps, "2027-01-05T10:00:00+08:00")
    ids = sorted(file(deps, place=VILLAGE)[0].id for _ in range(25))
    found = review(deps, "2027-02-10T09:00:00+08:00").findings
    assert [(f.township, f.ticket_count, f.tickets) for f in found] == [("longxi", 25, ids)]
    stored = deps.repos.oversight.findings(COUNTY, "2027-02", "2027-02")
    assert stored[0].tickets == ids and stored[0].ticket_count == 25


def test_000_s2_3_a_ticket_moved_to_discipline_after_a_review_leaves_no_trace_in_its_findings(deps):
    """A finding stored before a ticket was moved to the discipline commission must not name,
    count or number it for the leading-group office (000 §2(3); 004 C35, L31): the finding keeps
    the tickets that still count, one left with none is not shown, ordinals follow the shown."""
    at(deps, "2027-01-05T10:00:00+08:00")
    first, _ = file(deps, place=VILLAGE)
    at(deps, "2027-02-10T10:00:00+08:00")
    second, _ = file(deps, place=VILLAGE)
    held = [(f.month, f.ordinal, len(f.tickets))
            for month in ("2027-02-10", "2027-03-15", "2027-04-15")
            for f in review(deps, f"{month}T09:00:00+08:00").findings]
    assert held == [("2027-02", 1, 1), ("2027-03", 2, 2), ("2027-04", 3, 2)]
    workflow.transfer(deps, OFFICER, first.id, "discipline", "涉及公职人员", deps.clock.now())
    q1 = oversight.report(deps, SUPERVISOR, Period("quarter", 2027, 1), deps.clock.now())
    assert [(f.month, f.ordinal, f.consequence, f.ticket_count, f.tickets) for f in q1.findings] == [
        ("2027-03", 1, "deduction", 1, [second.id])]
    assert {f.unit: f.review_findings for f in q1.townships}["longxi"] == 1
    q2 = oversight.report(deps, SUPERVISOR, Period("quarter", 2027, 2), deps.clock.now())
    assert [(f.month, f.ordinal, f.consequence, f.named, f.tickets) for f in q2.findings] == [
        ("2027-04", 2, "double_deduction", True, [second.id])]
    text = oversight.export_csv(deps, SUPERVISOR, Period("quarter", 2027, 1), deps.clock.now(),
                                lambda s: s).decode("utf-8-sig")
    assert "2027-02,垄溪乡" not in text and "2027-03,垄溪乡,1,第1次：在年度查违控违专项考核中扣分,1," in text
    # the next review numbers from the findings shown: May is the 3rd, not the 4th
    may = review(deps, "2027-05-10T09:00:00+08:00").findings
    assert [(f.ordinal, f.consequence, f.tickets) for f in may] == [(3, "interview", [second.id])]
    # the stored records are kept as they were (append-only)
    stored = deps.repos.oversight.findings(COUNTY, "2027-01", "2027-12")
    assert [(f.month, f.ordinal, f.ticket_count) for f in stored] == [
        ("2027-02", 1, 1), ("2027-03", 2, 2), ("2027-04", 3, 2), ("2027-05", 3, 1)]
    assert first.id in stored[0].tickets
    # once every ticket it found has moved, the township has no finding left to show
    workflow.transfer(deps, OFFICER, second.id, "discipline", "涉及公职人员", deps.clock.now())
    year = oversight.report(deps, SUPERVISOR, Period("year", 2027, 1), deps.clock.now())
    assert year.findings == [] and {f.unit: f.review_findings for f in year.townships}["longxi"] == 0
