"""Oversight's figures and reviews as pure functions (004 C21, L18: 月调度、季通报、半年排名、年度考核;
004 C35, L31: the monthly review of townships), on tickets built in memory: what each clock
counts as, the cohort of a period, the ranking, which ticket is uninvestigated, the ordinals a
viewer sees, and who sees which figures (000 §2(3): never a discipline-only ticket in the office's)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.access import Actor, Role
from portal.domain.complaint import Finding, Measures, Status
from portal.domain.deadlines import Clock, ClockKind
from portal.domain.oversight import (
    Figures, Period, ReviewFinding, as_seen, clock_outcome, counts_for, earlier_counts, investigation_due,
    is_blank, oversight_scope, ranking, review, review_month, tally, township_of, uninvestigated,
)
from portal.timeutil import SHANGHAI
from tests.unit.tickets import PLAIN_CALENDAR, filed_ticket

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)  # Monday 2 November, 10:00 in Asia/Shanghai
H = timedelta(hours=1)
COUNTY = "430225"


def ticket(id: str, at: datetime = T0, **kw):
    return filed_ticket(at, id=id, **kw)


# --- clocks ------------------------------------------------------------------------------------
def clock(**kw) -> Clock:
    return Clock(kind=ClockKind.ACCEPTANCE, started_at=T0, due_at=T0 + 10 * H, **kw)


def test_004_c21_each_clock_counts_as_met_breached_pending_or_not_at_all():
    assert clock_outcome(None, T0) is None
    assert clock_outcome(clock(), T0 + 10 * H) == "pending"
    assert clock_outcome(clock(), T0 + 10 * H + timedelta(seconds=1)) == "breached"  # open past due, not yet swept
    assert clock_outcome(clock(met_at=T0 + H), T0 + 99 * H) == "met"
    assert clock_outcome(clock(met_at=T0 + 11 * H, breached_at=T0 + 10 * H), T0 + 99 * H) == "breached"
    assert clock_outcome(clock(cancelled_at=T0 + H), T0 + 99 * H) is None  # cancelled in time: not counted
    assert clock_outcome(clock(cancelled_at=T0 + 11 * H, breached_at=T0 + 10 * H), T0 + 99 * H) == "breached"


# --- figures -----------------------------------------------------------------------------------
def test_004_c21_l18_figures_count_received_decisions_clocks_findings_and_stock():
    received = ticket("R")
    accepted = ticket("A")
    accepted.accept(T0 + H, "off", accepted.lead)
    declined = ticket("D")
    declined.decline(T0 + H, "off", declined.lead, "already_handled", "已处理")
    concluded = ticket("C")
    concluded.accept(T0 + H, "off", concluded.lead)
    concluded.conclude(T0 + 2 * H, "off", concluded.lead, Finding.PARTLY, Measures(), "部分属实", PLAIN_CALENDAR)
    stock = ticket("S")
    stock.mark_case(T0, "off", stock.lead, stock.case_id, "stock", "")
    row = Figures(unit="natural_resources")
    now = T0 + 3 * H  # the on-site clocks (2 hours) of the open tickets have run out
    for c in (received, accepted, declined, concluded, stock):
        row.add_received(c, now)
    assert (row.received, row.accepted, row.declined, row.new, row.stock) == (5, 2, 1, 4, 1)
    assert row.findings == {"substantiated": 0, "partly": 1, "not_substantiated": 0}
    assert row.clocks["acceptance"] == {"met": 3, "breached": 0, "pending": 2}
    # on site: the declined ticket cancelled it in time; the concluded one still owed the check
    # (004 C17(2), L15(2): a conclusion does not end it) and ran out with the other three
    assert row.clocks["onsite"] == {"met": 0, "breached": 4, "pending": 0}
    assert row.clocks["result_notice"] == {"met": 0, "breached": 0, "pending": 1}
    assert (row.breached, row.decided, row.breach_rate) == (4, 7, 4 / 7)


def test_004_c21_open_and_overdue_now_count_every_open_ticket():
    row = Figures(unit="x")
    row.add_open(ticket("A"), T0 + H)
    row.add_open(ticket("B"), T0 + 3 * H)
    assert (row.open_now, row.overdue_now) == (2, 1)


def test_004_c21_a_unit_with_nothing_decided_has_no_breach_rate():
    assert Figures(unit="x").breach_rate is None


def test_004_c21_l18_a_period_counts_the_tickets_received_in_it_by_lead_and_township():
    november = Period("month", 2026, 11)
    inside = ticket("IN", T0, township="xiayang")
    other = ticket("OTHER", T0, township="longxi", lead="housing")
    before = ticket("OCT", datetime(2026, 10, 31, 15, 59, 59, tzinfo=timezone.utc), township="xiayang")  # 23:59:59 local
    stats = tally(november, [inside, other, before], [inside, before], T0 + H)
    assert stats.period == november
    assert (stats.total.received, stats.total.open_now) == (2, 2)
    assert {u: f.received for u, f in stats.by_lead.items()} == {"natural_resources": 1, "housing": 1}
    assert {u: f.received for u, f in stats.by_township.items()} == {"xiayang": 1, "longxi": 1}
    assert {u: f.open_now for u, f in stats.by_township.items()} == {"xiayang": 2, "longxi": 0}
    assert stats.by_township["xiayang"].unit == "xiayang" and stats.by_lead["housing"].unit == "housing"


def test_000_s2_3_a_ticket_without_a_co_handler_counts_for_the_township_it_lies_in():
    assert township_of(ticket("A", township="longxi")) == "longxi"
    official = ticket("O", township="longxi", discipline_only=True)
    assert official.co_handler is None and township_of(official) == "longxi"


def test_004_c21_the_half_year_ranking_lowest_breach_rate_then_findings_breaches_and_code():
    def row(unit, met, breached, findings=0):
        f = Figures(unit=unit)
        f.clocks["acceptance"].update(met=met, breached=breached)
        f.review_findings = findings
        return f
    rows = [row("z-none", 0, 0), row("b", 1, 1), row("a", 2, 2), row("c", 4, 0, findings=1), row("d", 4, 0),
            row("e", 8, 4)]
    assert [f.unit for f in ranking(rows)] == ["d", "c", "e", "b", "a", "z-none"]


# --- monthly review ------------------------------------------------------------------------------
def test_004_c35_l31_a_ticket_is_uninvestigated_a_month_after_receipt_without_an_on_site_check():
    c = ticket("A")
    assert investigation_due(c) == T0 + timedelta(days=30)  # 2 December, same time
    assert not uninvestigated(c, investigation_due(c) - timedelta(seconds=1))
    assert uninvestigated(c, investigation_due(c))
    visited = ticket("B")
    visited.record_onsite(T0 + 5 * H, "tw", "xiayang", T0 + 5 * H, "已到场", [])
    declined = ticket("C")
    declined.decline(T0 + H, "off", declined.lead, "already_handled", "已处理")
    official = ticket("D", discipline_only=True)
    late = T0 + timedelta(days=60)
    assert [uninvestigated(x, late) for x in (visited, declined, official)] == [False, False, False]
    accepted = ticket("E")
    accepted.accept(T0 + H, "off", accepted.lead)
    assert uninvestigated(accepted, late)


def test_004_c35_l31_the_review_finds_each_late_township_once_with_its_ordinal_of_the_year():
    at = datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc)  # 1 January 2027 00:00 local
    late_x = [ticket("X2"), ticket("X1")]
    moved = ticket("X3")
    moved.co_handler = "longxi"  # its township changed: it counts for longxi, not xiayang
    found = review(COUNTY, ["xiayang", "longxi", "luyuan"], {"xiayang": late_x + [moved], "longxi": [moved]},
                   {"xiayang": 2}, at, "system")
    assert [(f.township, f.month, f.ordinal, f.consequence, f.tickets, f.ticket_count) for f in found] == [
        ("xiayang", "2027-01", 3, "interview", ["X1", "X2"], 2), ("longxi", "2027-01", 1, "deduction", ["X3"], 1)]
    assert all((f.county, f.found_at, f.run_by) == (COUNTY, at, "system") for f in found)
    assert review_month(at) == "2027-01"


def finding(township: str, month: str, tickets: list[str], ordinal: int = 1) -> ReviewFinding:
    return ReviewFinding(county=COUNTY, township=township, month=month, ordinal=ordinal, consequence="deduction",
                         found_at=T0, tickets=tickets, ticket_count=len(tickets), run_by="system")


def test_004_c35_l31_a_viewer_sees_findings_renumbered_without_the_tickets_that_do_not_count():
    stored = [finding("xiayang", "2026-03", ["A", "H1"], 2), finding("xiayang", "2026-01", ["H2"], 1),
              finding("xiayang", "2026-05", ["B"], 3), finding("longxi", "2026-05", ["C"], 1),
              finding("xiayang", "2027-01", ["D"], 4)]
    shown = as_seen(stored, lambda cid: not cid.startswith("H"))
    assert [(f.township, f.month, f.ordinal, f.consequence, f.tickets, f.ticket_count) for f in shown] == [
        ("xiayang", "2026-03", 1, "deduction", ["A"], 1), ("longxi", "2026-05", 1, "deduction", ["C"], 1),
        ("xiayang", "2026-05", 2, "double_deduction", ["B"], 1), ("xiayang", "2027-01", 1, "deduction", ["D"], 1)]
    assert shown[2].named and not shown[0].named
    assert stored[0].tickets == ["A", "H1"] and stored[0].ordinal == 2  # the records are not changed
    assert earlier_counts(shown, "2026-05") == {"xiayang": 1}
    assert earlier_counts(shown, "2026-06") == {"xiayang": 2, "longxi": 1}
    assert earlier_counts(shown, "2027-02") == {"xiayang": 1}


# --- who sees what ---------------------------------------------------------------------------------
@pytest.mark.parametrize("role,scope", [(Role.SUPERVISOR, "county"), (Role.DISCIPLINE, "discipline"),
                                        (Role.OFFICER, None), (Role.CUSTODIAN, None), (Role.FINANCE, None)])
def test_004_c21_oversight_figures_are_for_the_office_and_the_commission_only(role, scope):
    assert oversight_scope(Actor("u", role, "x", COUNTY)) == scope


def test_000_s2_3_the_office_counts_no_discipline_only_ticket_and_the_commission_only_its_own():
    office = Actor("s1", Role.SUPERVISOR, "leading_group_office", COUNTY)
    commission = Actor("d1", Role.DISCIPLINE, "discipline", COUNTY)
    ordinary, official = ticket("A"), ticket("O", discipline_only=True)
    led = ticket("L", lead="discipline")
    assert [counts_for(office, c) for c in (ordinary, official, led)] == [True, False, True]
    assert [counts_for(commission, c) for c in (ordinary, official, led)] == [False, True, True]
    assert counts_for(Actor("o1", Role.OFFICER, "natural_resources", COUNTY), ordinary) is False
    assert counts_for(Actor("s2", Role.SUPERVISOR, "leading_group_office", "999999"), ordinary) is False


# --- periods -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind,key,expected", [
    ("year", "2026", ("year", 2026, 1)), ("half", "2026-H1", ("half", 2026, 1)), ("quarter", "2026-Q4", ("quarter", 2026, 4)),
    ("month", "2000-01", ("month", 2000, 1)), ("month", "2100-12", ("month", 2100, 12)), ("month", "1999-12", None),
    ("month", "2101-01", None), ("month", "2026-00", None), ("quarter", "2026-Q0", None), ("half", "2026-H3", None),
    ("quarter", "2026-H1", None), ("half", "2026-Q1", None), ("month", "2026-1", None),
    ("quarter", "2026-Q0004", ("quarter", 2026, 4)), ("quarter", "2026-Q00004", None), ("month", "", None),
    ("month", "20x6-11", None), ("quarter", "2026-Qx", None),
])
def test_004_c21_a_period_key_is_read_strictly(kind, key, expected):
    """At most 10 characters are read; years 2000-2100; the number within the kind."""
    period = Period.parse(kind, key)
    assert (None if period is None else (period.kind, period.year, period.n)) == expected


def test_004_c21_a_period_contains_its_first_instant_and_not_the_first_of_the_next():
    q = Period("quarter", 2026, 4)
    start = datetime(2026, 10, 1, tzinfo=SHANGHAI)
    assert q.contains(start) and not q.contains(start - timedelta(seconds=1))
    assert q.contains(datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI))
    assert not q.contains(datetime(2027, 1, 1, tzinfo=SHANGHAI))
    assert (q.first_month, q.months(), q.key) == (10, ["2026-10", "2026-11", "2026-12"], "2026-Q4")
    assert Period("half", 2026, 2).key == "2026-H2" and Period("year", 2026, 1).key == "2026"
    assert Period("month", 2026, 3).key == "2026-03"


def test_004_c21_l18_the_trend_splits_the_period_s_counts_by_month_of_receipt_for_every_unit():
    q4 = Period("quarter", 2026, 4)
    november = ticket("N1", T0, township="xiayang")
    december = ticket("D1", datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc), township="longxi", lead="housing")
    stats = tally(q4, [november, december], [], T0 + H)
    assert list(stats.by_month) == ["2026-10", "2026-11", "2026-12"]
    assert [f.received for f in stats.by_month.values()] == [0, 1, 1]
    assert all(f.unit == "" for f in stats.by_month.values()) and stats.total.unit == ""
    assert {u: [f.received for f in months.values()] for u, months in stats.lead_by_month.items()} == {
        "natural_resources": [0, 1, 0], "housing": [0, 0, 1]}
    assert {u: [f.received for f in months.values()] for u, months in stats.township_by_month.items()} == {
        "xiayang": [0, 1, 0], "longxi": [0, 0, 1]}
    assert {f.unit for f in stats.lead_by_month["housing"].values()} == {"housing"}
    assert {f.unit for f in stats.township_by_month["longxi"].values()} == {"longxi"}


@pytest.mark.parametrize("received,open_now,findings,blank", [
    (0, 0, 0, True), (1, 0, 0, False), (0, 1, 0, False), (0, 0, 1, False), (0, 1, 1, False)])
def test_004_c21_a_row_of_zeros_is_blank(received, open_now, findings, blank):
    row = Figures(unit="x", received=received, open_now=open_now, review_findings=findings)
    assert is_blank(row) is blank


def test_004_c21_each_received_ticket_adds_one_to_its_counts():
    row = Figures(unit="x")
    for n in range(1, 3):
        declined = ticket(f"D{n}")
        declined.decline(T0 + H, "off", declined.lead, "already_handled", "已处理")
        stock = ticket(f"S{n}")
        stock.mark_case(T0, "off", stock.lead, stock.case_id, "stock", "")
        done = ticket(f"C{n}")
        done.accept(T0 + H, "off", done.lead)
        done.conclude(T0 + H, "off", done.lead, Finding.SUBSTANTIATED, Measures(), "属实", PLAIN_CALENDAR)
        for c in (declined, stock, done):
            row.add_received(c, T0 + H)
    assert (row.declined, row.stock, row.accepted, row.findings["substantiated"]) == (2, 2, 2, 2)
    reopened = ticket("R")
    reopened.finding = Finding.SUBSTANTIATED  # a finding kept on a ticket handled again does not count
    row.add_received(reopened, T0 + H)
    assert row.findings["substantiated"] == 2 and row.accepted == 2
    overdue = Figures(unit="x")
    for n in range(3):
        overdue.add_open(ticket(f"O{n}"), T0 + 3 * H)
    assert overdue.overdue_now == 3


def test_004_c35_l31_a_ticket_without_a_co_handler_is_never_uninvestigated():
    c = ticket("A")
    c.co_handler = None
    assert not uninvestigated(c, T0 + timedelta(days=60))


def test_004_c35_l31_a_township_with_nothing_late_is_skipped_and_the_next_still_reviewed():
    found = review(COUNTY, ["luyuan", "xiayang"], {"xiayang": [ticket("X1")]}, {}, T0 + timedelta(days=40), "sup")
    assert [(f.township, f.tickets, f.run_by) for f in found] == [("xiayang", ["X1"], "sup")]


@pytest.mark.parametrize("kind,key", [("half", "2026-H2"), ("quarter", "2026-Q4"), ("year", "2026")])
def test_004_c21_the_last_period_of_a_year_is_read(kind, key):
    assert Period.parse(kind, key).key == key


def test_004_c9_c21_figures_per_channel_and_the_feedback_hand_overs_owe_their_sender():
    """004 C21, L18 figures split by the channel a report came by (portal.domain.channels), and
    004 C9, C14(1), L8: each hand-over's feedback to its sender met, breached or not yet due."""
    from portal.domain.channels import Intake

    def handed_down(id: str, channel: str, source: str):
        intake = Intake(channel=channel, source=source, received_by="natural_resources", registered_by="clerk",
                        registered_at=T0)
        return filed_ticket(T0, id=id, intake=intake, feedback_days=5)

    web = ticket("WEB")
    letter = ticket("LETTER", intake=Intake(channel="letter", source="citizen", received_by="housing"))
    on_time, late, waiting = (handed_down(n, "assigned", "12345") for n in ("A1", "A2", "A3"))
    transferred = handed_down("T1", "transferred", "department")
    for c in (on_time, late):
        c.accept(T0 + H, "off", c.lead)
        c.conclude(T0 + 2 * H, "off", c.lead, Finding.NOT_SUBSTANTIATED, Measures(), "不属实", PLAIN_CALENDAR)
    on_time.record_feedback(T0 + 3 * H, "off", on_time.lead, (T0 + 3 * H).astimezone(SHANGHAI).date(), "")
    now = late.clock(ClockKind.HANDOVER_FEEDBACK).due_at + H
    stats = tally(Period("month", 2026, 11), [web, letter, on_time, late, waiting, transferred], [], now)
    assert {code: (f.unit, f.received) for code, f in stats.by_channel.items()} == {
        "web": ("web", 1), "letter": ("letter", 1), "assigned": ("assigned", 3), "transferred": ("transferred", 1)}
    assert stats.total.feedback == {"met": 1, "breached": 3, "pending": 0}  # unanswered past the due instant
    assert stats.by_channel["assigned"].feedback == {"met": 1, "breached": 2, "pending": 0}
    assert stats.by_channel["web"].feedback == {"met": 0, "breached": 0, "pending": 0}  # owes no feedback
    early = tally(Period("month", 2026, 11), [waiting, transferred], [], T0 + H)
    assert early.total.feedback == {"met": 0, "breached": 0, "pending": 2}
