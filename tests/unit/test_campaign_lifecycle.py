"""A campaign's life as domain rules (portal.domain.campaigns.campaign): what its creation
checks (003 §2(3): the phases in order with their dates; a name, a ledger form, the reporting
days of 003 §3(3) or 002 §6(6)), when the sweeper wakes for it (each reporting day, and once
at the end of the handling phase), its history, and who takes part (003 §2(2): the office,
the departments named and the townships in scope; never the discipline commission's reports,
000 §2(3))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from portal.domain.access import Actor, Role
from portal.domain.campaigns.campaign import (MAX_PHASES, MAX_SPAN_DAYS, NAME_MAX, Campaign, Phase, Reporting, Scope,
                                              check_phases, day_start, owns, role_in, takes_part)
from portal.domain.errors import Conflict, DomainError
from portal.timeutil import SHANGHAI

HANDLING = Phase("查处整改", "handling", date(2019, 7, 1), date(2019, 10, 31))
PHASES = [Phase("排查摸底", "survey", date(2019, 6, 12), date(2019, 6, 30)), HANDLING,
          Phase("检查验收", "acceptance", date(2019, 11, 1), date(2019, 11, 15))]
COUNTY = "430225"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def create(**over) -> Campaign:
    values = dict(id="C1", county=COUNTY, name="违法用地专项整治", phases=list(PHASES), scope=Scope(),
                  reporting=Reporting(), ledger_form="annex", basis="", now=at("2019-06-01T09:00"),
                  actor="office-1", unit="leading_group_office")
    values.update(over)
    return Campaign.create(**values)


def refused(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as raised:
        call(*args, **kwargs)
    return raised.value


# --- the phases -------------------------------------------------------------------------------
def test_003_s2_3_at_least_one_and_at_most_eight_phases():
    assert refused(check_phases, []).field == "phases"
    many = [Phase(f"阶段{n}", "handling" if n == 0 else "other", date(2019, 7, 1), date(2019, 7, 2))
            for n in range(MAX_PHASES + 1)]
    error = refused(check_phases, many)
    assert (error.field, error.params) == ("phases", {"n": MAX_PHASES})
    check_phases(many[:MAX_PHASES])


def test_003_s2_3_each_phase_needs_a_name_and_a_kind_and_the_error_says_which():
    nameless = refused(check_phases, [PHASES[0], Phase("", "handling", date(2019, 7, 1), date(2019, 7, 2))])
    kindless = refused(check_phases, [PHASES[0], Phase("查处", "cleanup", date(2019, 7, 1), date(2019, 7, 2))])
    assert (nameless.field, nameless.params, kindless.field, kindless.params) == ("phases", {"n": 2}, "phases", {"n": 2})


@pytest.mark.parametrize("start,end,ok", [
    (date(2000, 1, 1), date(2000, 1, 2), True), (date(2100, 12, 30), date(2100, 12, 31), True),
    (date(1999, 12, 31), date(2000, 1, 2), False), (date(2100, 12, 31), date(2101, 1, 1), False),
])
def test_003_s2_3_years_outside_2000_to_2100_are_typing_errors(start, end, ok):
    phases = [Phase("查处整改", "handling", start, end)]
    if ok:
        check_phases(phases)
    else:
        error = refused(check_phases, phases)
        assert (error.field, error.params) == ("phases", {"min": 2000, "max": 2100})


def test_003_s2_3_a_phase_ending_before_it_starts_is_refused_and_a_one_day_phase_is_not():
    error = refused(check_phases, [Phase("查处整改", "handling", date(2019, 7, 2), date(2019, 7, 1))])
    assert error.params == {"n": 1, "name": "查处整改"}
    check_phases([Phase("查处整改", "handling", date(2019, 7, 1), date(2019, 7, 1))])


def test_000_s4_phases_may_start_or_end_together_but_not_go_back():
    first = Phase("宣传发动", "preparation", date(2022, 9, 15), date(2022, 9, 25))
    check_phases([first, Phase("分类处置", "handling", date(2022, 9, 15), date(2022, 10, 1))])  # same start
    check_phases([first, Phase("分类处置", "handling", date(2022, 9, 20), date(2022, 9, 25))])  # same end
    for later in (Phase("分类处置", "handling", date(2022, 9, 16), date(2022, 9, 24)),  # ends before the first
                  Phase("分类处置", "handling", date(2022, 9, 14), date(2022, 10, 1))):  # starts before it
        error = refused(check_phases, [first, later])
        assert (error.field, error.params) == ("phases", {"n": 2, "name": "分类处置"})


def test_003_s2_3_a_campaign_spans_at_most_three_years_from_its_first_day():
    start = date(2020, 1, 1)
    check_phases([Phase("查处整改", "handling", start, start + timedelta(days=MAX_SPAN_DAYS))])
    longest = [Phase("准备", "preparation", start, start + timedelta(days=2)),
               Phase("查处整改", "handling", start + timedelta(days=1), start + timedelta(days=MAX_SPAN_DAYS + 1))]
    assert refused(check_phases, longest).field == "phases"


# --- the creation -----------------------------------------------------------------------------
def test_003_s2_3_the_campaign_is_created_with_its_history():
    c = create(name="  违法用地专项整治 ", basis=" 炎政办发〔2019〕8号 ", scope=Scope(["l1-occupy-land"], ["xiayang"],
                                                                               ["natural_resources"]),
               reporting=Reporting("monthly", 10), ledger_form="plain")
    assert (c.name, c.basis, c.created_by, c.created_at) == ("违法用地专项整治", "炎政办发〔2019〕8号", "office-1",
                                                            at("2019-06-01T09:00"))
    [event] = c.new_events
    assert (event.n, event.kind, event.actor, event.unit, c.event_count) == (1, "created", "office-1",
                                                                             "leading_group_office", 1)
    assert {k: v for k, v in event.data.items() if k != "phases"} == {
        "categories": ["l1-occupy-land"], "townships": ["xiayang"], "units": ["natural_resources"],
        "reporting": "monthly", "reporting_day": 10, "ledger_form": "plain"}
    assert c.next_report == date(2019, 7, 10)  # the first meeting day from the campaign's first day (not 10 June)


@pytest.mark.parametrize("over,field", [
    ({"name": "   "}, "name"), ({"name": "名" * (NAME_MAX + 1)}, "name"), ({"ledger_form": "excel"}, "ledger_form"),
    ({"reporting": Reporting("monthly", 0)}, "reporting_day"), ({"phases": []}, "phases"),
])
def test_003_s2_3_a_campaign_without_a_name_ledger_form_or_valid_reporting_day_is_refused(over, field):
    assert refused(create, **over).field == field


def test_003_s2_3_a_name_of_the_longest_length_is_taken_and_the_error_says_the_length():
    assert create(name="名" * NAME_MAX).name == "名" * NAME_MAX
    assert refused(create, name="名" * (NAME_MAX + 1)).params == {"n": NAME_MAX}


def test_003_s3_3_created_during_the_campaign_its_first_notice_is_the_next_reporting_day_from_today():
    assert create(now=at("2019-07-16T09:00")).next_report == date(2019, 7, 30)
    assert create(now=at("2019-11-15T09:00")).next_report == date(2019, 11, 15)  # the last day is one
    short = [HANDLING, Phase("检查验收", "acceptance", date(2019, 11, 1), date(2019, 11, 14))]
    assert create(phases=short, now=at("2019-11-01T09:00")).next_report is None  # no reporting day left
    assert create(now=at("2019-06-15T09:00")).next_report == date(2019, 6, 15)  # today itself


# --- the sweeper ------------------------------------------------------------------------------
def test_003_s3_3_the_sweeper_wakes_on_each_reporting_day_and_prepares_its_notice_once():
    c = create()
    assert c.wake_at() == day_start(date(2019, 6, 15))
    assert c.report_due(day_start(date(2019, 6, 15)) - timedelta(seconds=1)) is None
    assert c.report_due(day_start(date(2019, 6, 15))) == date(2019, 6, 15)
    c.notice_prepared(date(2019, 6, 15), at("2019-06-15T00:05"))
    assert (c.next_report, c.new_events[-1].kind, c.new_events[-1].data) == (
        date(2019, 6, 30), "notice_prepared", {"day": "2019-06-15"})
    assert c.new_events[-1].actor == "system"
    assert c.report_due(at("2019-06-20T00:00")) is None
    with pytest.raises(Conflict):
        c.notice_prepared(date(2019, 6, 15), at("2019-06-15T00:06"))  # the same notice twice


def test_003_s2_3_at_the_end_of_the_handling_phase_the_items_are_flagged_once():
    c = create()
    c.next_report = None  # no reporting day left: the sweeper wakes only for the flag
    assert c.wake_at() == c.handling_ends_at == day_start(date(2019, 11, 1))
    assert not c.flag_due(c.handling_ends_at - timedelta(seconds=1)) and c.flag_due(c.handling_ends_at)
    c.overdue_flag_done(c.handling_ends_at, ["T1", "T2"])
    assert (c.overdue_flagged_at, c.new_events[-1].kind, c.new_events[-1].data) == (
        c.handling_ends_at, "overdue_flagged", {"count": 2, "tickets": ["T1", "T2"]})
    assert not c.flag_due(c.handling_ends_at + timedelta(days=1)) and c.wake_at() is None
    with pytest.raises(Conflict):
        c.overdue_flag_done(c.handling_ends_at, [])
    c.next_report = date(2019, 11, 15)
    assert c.wake_at() == day_start(date(2019, 11, 15))


def test_003_s2_3_the_sweeper_wakes_for_whichever_comes_first():
    c = create()
    c.next_report = date(2019, 11, 15)
    assert c.wake_at() == c.handling_ends_at
    c.next_report = date(2019, 10, 30)
    assert c.wake_at() == day_start(date(2019, 10, 30))


def test_003_s2_3_the_offices_steps_are_in_the_history_with_who_took_them():
    c = create()
    c.items_added(at("2019-06-20T10:00"), "office-2", "leading_group_office", ["T1", "T2", "T3"])
    c.notice_issued(date(2019, 6, 30), at("2019-07-01T10:00"), "office-3", "leading_group_office")
    added, issued = c.new_events[1:]
    assert (added.n, added.kind, added.actor, added.unit, added.data) == (
        2, "items_added", "office-2", "leading_group_office", {"count": 3, "tickets": ["T1", "T2", "T3"]})
    assert (issued.n, issued.kind, issued.actor, issued.at, issued.data) == (
        3, "notice_issued", "office-3", at("2019-07-01T10:00"), {"day": "2019-06-30"})


# --- who takes part ---------------------------------------------------------------------------
@pytest.mark.parametrize("role,part", [
    (Role.SUPERVISOR, True), (Role.OFFICER, True), (Role.HEAD, True), (Role.TOWNSHIP, True),
    (Role.DISCIPLINE, False), (Role.FINANCE, False), (Role.CUSTODIAN, False), (Role.ADMIN, False),
])
def test_003_s2_2_000_s2_3_the_office_departments_and_townships_take_part_and_no_one_else(role, part):
    assert takes_part(Actor("u", role, "x", COUNTY)) is part


@pytest.mark.parametrize("role,unit,county,expected", [
    (Role.SUPERVISOR, "leading_group_office", COUNTY, "office"),
    (Role.SUPERVISOR, "leading_group_office", "430000", None),  # another county's office
    (Role.OFFICER, "natural_resources", COUNTY, "unit"),
    (Role.HEAD, "natural_resources", COUNTY, "unit"),
    (Role.OFFICER, "housing", COUNTY, None),  # a department not named
    (Role.OFFICER, "natural_resources", "430000", None),
    (Role.TOWNSHIP, "xiayang", COUNTY, "unit"),
    (Role.TOWNSHIP, "luyuan", COUNTY, None),  # a township not in scope
    (Role.DISCIPLINE, "natural_resources", COUNTY, None),
    (Role.FINANCE, "natural_resources", COUNTY, None),
])
def test_003_s2_2_the_role_each_actor_has_in_a_campaign(role, unit, county, expected):
    c = create(scope=Scope(townships=["xiayang"], units=["natural_resources"]))
    assert role_in(Actor("u", role, unit, county), c) == expected


def test_003_s2_2_a_campaign_for_the_whole_county_takes_every_township():
    c = create()
    assert role_in(Actor("t", Role.TOWNSHIP, "luyuan", COUNTY), c) == "unit"
    assert role_in(Actor("o", Role.OFFICER, "housing", COUNTY), c) is None  # no department named: none


@dataclass
class Ticket:
    lead: str
    co_handler: str | None
    township: str
    discipline_only: bool = False


@pytest.mark.parametrize("ticket,actor,mine", [
    (Ticket("natural_resources", "xiayang", "xiayang"), Actor("o", Role.OFFICER, "natural_resources", COUNTY), True),
    (Ticket("natural_resources", "xiayang", "xiayang"), Actor("t", Role.TOWNSHIP, "xiayang", COUNTY), True),
    (Ticket("xiayang", None, "xiayang"), Actor("t", Role.TOWNSHIP, "xiayang", COUNTY), True),  # it leads
    (Ticket("natural_resources", "xiayang", "xiayang"), Actor("t", Role.TOWNSHIP, "luyuan", COUNTY), False),
    (Ticket("natural_resources", "xiayang", "xiayang"), Actor("o", Role.OFFICER, "housing", COUNTY), False),
    (Ticket("natural_resources", "xiayang", "xiayang"), Actor("o", Role.OFFICER, "xiayang", COUNTY), False),
    (Ticket("discipline", None, "xiayang", True), Actor("d", Role.OFFICER, "discipline", COUNTY), False),
    (Ticket("natural_resources", None, "xiayang", True), Actor("t", Role.TOWNSHIP, "xiayang", COUNTY), False),
])
def test_000_s2_3_a_unit_owns_the_items_it_leads_or_in_its_area_never_reports_about_officials(ticket, actor, mine):
    assert owns(actor, ticket) is mine
