"""The problem list (问题清单, 003 §2(3); 001 §1-2) item by item, the progress notice of a
reporting day (003 §3(3)) and the ticket a campaign's survey finds (排查摸底, no reporter), as
domain rules (portal.domain.campaigns.items, .notices, .survey)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.domain.campaigns.campaign import Scope
from portal.domain.campaigns.items import CampaignItem, ItemFigures, check_addable, flag_candidates, handled_at, \
    kind_of, progress, tally
from portal.domain.campaigns.notices import CampaignNotice
from portal.domain.campaigns.survey import SurveyOrigin
from portal.domain.errors import Conflict, DomainError
from tests.unit.test_campaign_rules import Ticket, _Finding, _Status, _WriteOff, campaign, local_instant
from tests.unit.tickets import filed_ticket

ADDED = local_instant("2019-06-20T10:00")


def item(c=None, ticket=None, source="existing", now=ADDED) -> CampaignItem:
    return CampaignItem.add(c or campaign(), ticket or Ticket(), source, now, "office-1", "leading_group_office")


# --- the item ---------------------------------------------------------------------------------
def test_003_s2_3_an_item_is_added_with_its_ticket_case_source_and_who_added_it():
    c = campaign()
    i = item(c, Ticket(id="T9", case_id="K9"), "survey")
    assert (i.campaign, i.county, i.ticket, i.case, i.source, i.added_at, i.added_by, i.added_unit) == (
        "C1", "430225", "T9", "K9", "survey", ADDED, "office-1", "leading_group_office")
    [added] = i.history
    assert (added.at, added.kind, added.actor, added.unit, added.data) == (
        ADDED, "added", "office-1", "leading_group_office", {"source": "survey"})
    assert i.flagged_at is None  # during the handling phase: not overdue


def test_003_s2_3_an_item_needs_a_known_source_and_a_ticket_in_scope():
    assert pytest.raises(DomainError, item, source="rumour").value.field == "source"
    narrow = campaign(scope=Scope(townships=["xiayang"]))
    assert pytest.raises(DomainError, item, narrow, Ticket(township="longxi", co_handler="longxi")).value.field == "tickets"


def test_003_s2_3_added_at_the_end_of_the_handling_phase_an_open_or_handled_item_is_flagged_at_once():
    c = campaign()
    end = c.handling_ends_at
    assert item(c, Ticket(), now=end - timedelta(seconds=1)).flagged_at is None
    assert item(c, Ticket(), now=end).flagged_at == end
    handled = Ticket(status=_Status.CONCLUDED, finding=_Finding(True))
    assert item(c, handled, now=end).flagged_at == end
    written = Ticket(status=_Status.CLOSED, finding=_Finding(True), write_off=_WriteOff(end))
    untrue = Ticket(status=_Status.CLOSED, finding=_Finding(False))
    assert item(c, written, now=end).flagged_at is None and item(c, untrue, now=end).flagged_at is None


def test_003_s2_3_a_unit_reports_progress_with_a_text_and_the_flag_is_raised_once_by_the_system():
    i = item()
    with pytest.raises(DomainError) as blank:
        i.note_progress(ADDED, "t1", "xiayang", "   ")
    assert blank.value.field == "note" and len(i.history) == 1
    i.note_progress(ADDED + timedelta(days=1), "t1", "xiayang", "  已拆除一半  ")
    progress_event = i.history[-1]
    assert (progress_event.kind, progress_event.actor, progress_event.unit, progress_event.note) == (
        "progress", "t1", "xiayang", "已拆除一半")
    i.ticket_step(ADDED + timedelta(days=2), "office-1", "leading_group_office", "acceptance_checked", {"passed": True})
    i.ticket_step(ADDED + timedelta(days=3), "office-1", "leading_group_office", "written_off")
    assert [(e.kind, e.data) for e in i.history[-2:]] == [("acceptance_checked", {"passed": True}), ("written_off", {})]
    later = ADDED + timedelta(days=4)
    assert i.flag_overdue(later) is True and i.flagged_at == later
    assert (i.history[-1].kind, i.history[-1].actor, i.history[-1].at) == ("overdue_flagged", "system", later)
    assert i.flag_overdue(later + timedelta(days=1)) is False and i.flagged_at == later and len(i.history) == 5


def test_004_c22_an_item_is_stock_or_new_as_its_case_is_marked():
    assert (kind_of(Ticket(case_kind="stock")), kind_of(Ticket(case_kind="new")), kind_of(Ticket(case_kind=None))) == (
        "stock", "new", "new")


def test_003_s2_3_the_end_of_handling_pass_flags_the_overdue_items_not_flagged_before():
    c = campaign()
    end = c.handling_ends_at
    fresh, flagged, done = item(c), item(c), item(c)
    flagged.flag_overdue(end)
    rows = [(fresh, Ticket()), (flagged, Ticket()), (done, Ticket(status=_Status.DECLINED))]
    assert flag_candidates(c, rows, end - timedelta(seconds=1)) == []
    assert flag_candidates(c, rows, end) == [fresh]


def test_003_s2_3_what_the_office_may_add_to_the_list():
    c = campaign()
    now = local_instant("2019-07-05T10:00")
    check_addable(c, Ticket(case_id="K1"), {"K2"}, now)
    check_addable(c, Ticket(status=_Status.CONCLUDED, finding=_Finding(True)), set(), now)  # handled, not written off
    with pytest.raises(Conflict):
        check_addable(c, Ticket(case_id="K2"), {"K2"}, now)  # its case is already listed
    narrow = campaign(scope=Scope(categories=["m1-illegal-mining"]))
    assert pytest.raises(DomainError, check_addable, narrow, Ticket(), set(), now).value.field == "tickets"
    for ticket in (Ticket(status=_Status.DECLINED), Ticket(status=_Status.CLOSED, finding=_Finding(False)),
                   Ticket(status=_Status.CLOSED, finding=_Finding(True), write_off=_WriteOff(now))):
        assert pytest.raises(DomainError, check_addable, c, ticket, set(), now).value.field == "tickets"
    check_addable(c, Ticket(), set(), c.ends_at - timedelta(seconds=1))  # the campaign's last second
    with pytest.raises(Conflict):
        check_addable(c, Ticket(), set(), c.ends_at)


# --- the figures ------------------------------------------------------------------------------
def test_003_s3_3_figures_per_township_and_lead_unit_with_every_unit_listed_and_others_after():
    c = campaign()
    end = c.handling_ends_at
    tickets = [Ticket(id="T1", township="longxi", co_handler="longxi", lead="natural_resources", case_kind="stock"),
               Ticket(id="T2", township="xiayang", co_handler="xiayang", lead="housing",
                      status=_Status.CONCLUDED, finding=_Finding(True)),
               Ticket(id="T3", township="xiayang", co_handler=None, lead="xiayang", status=_Status.CLOSED,
                      finding=_Finding(True), write_off=_WriteOff(end))]
    figures = tally(c, tickets, end, ["longxi", "luyuan"], ["natural_resources"])
    assert figures.total.as_row() == [3, 1, 2, 2, 1, 2]
    assert [(f.unit, f.as_row()) for f in figures.townships] == [
        ("longxi", [1, 1, 0, 0, 0, 1]), ("luyuan", [0, 0, 0, 0, 0, 0]), ("xiayang", [2, 0, 2, 2, 1, 1])]
    assert [(f.unit, f.as_row()) for f in figures.units] == [
        ("natural_resources", [1, 1, 0, 0, 0, 1]), ("housing", [1, 0, 1, 1, 0, 1]), ("xiayang", [1, 0, 1, 1, 1, 0])]
    assert ItemFigures.from_row("longxi", [1, 2, 3, 4, 5, 6]) == ItemFigures("longxi", 1, 2, 3, 4, 5, 6)


def test_progress_counts_a_decline_as_handled_on_its_day_and_stops_at_the_campaigns_last_day():
    c = campaign()
    declined = Ticket(status=_Status.DECLINED, closed_at=local_instant("2019-06-21T00:00"),
                      concluded_at=local_instant("2019-06-25T00:00"))
    assert handled_at(declined) == local_instant("2019-06-21T00:00")
    assert handled_at(Ticket(concluded_at=local_instant("2019-06-25T00:00"))) == local_instant("2019-06-25T00:00")
    i = item(c, declined, now=local_instant("2019-06-20T23:59:59"))
    points = progress(c, [(i, declined)], date(2020, 1, 1))
    by_day = {p.day: (p.found, p.handled, p.written_off) for p in points}
    assert by_day[date(2019, 6, 20)] == (1, 0, 0) and by_day[date(2019, 6, 21)] == (1, 1, 0)
    assert (points[0].day, points[-1].day, len(points)) == (c.start, c.end, (c.end - c.start).days + 1)
    assert progress(c, [], date(2019, 6, 3)) == []  # before the first day


# --- the notice -------------------------------------------------------------------------------
def test_003_s3_3_the_notice_keeps_the_figures_as_prepared_in_the_countys_order_and_is_issued_once():
    c = campaign()
    now = local_instant("2019-07-15T00:01")
    figures = tally(c, [Ticket(), Ticket(township="xiayang", co_handler="xiayang", lead="housing")], now,
                    ["longxi", "xiayang"], ["natural_resources"])
    notice = CampaignNotice.prepare(c, date(2019, 7, 15), 3, "查处整改", figures, ["T1"], now)
    assert (notice.campaign, notice.county, notice.day, notice.number, notice.prepared_at, notice.phase) == (
        "C1", "430225", date(2019, 7, 15), 3, now, "查处整改")
    assert notice.figures == {"total": [2, 0, 2, 0, 0, 0], "townships": [["longxi", [1, 0, 1, 0, 0, 0]],
                                                                          ["xiayang", [1, 0, 1, 0, 0, 0]]],
                              "units": [["natural_resources", [1, 0, 1, 0, 0, 0]], ["housing", [1, 0, 1, 0, 0, 0]]]}
    assert notice.overdue == ["T1"] and notice.as_figures() == figures
    assert not notice.issued
    notice.issue(now + timedelta(hours=9), "office-1")
    assert notice.issued and (notice.issued_at, notice.issued_by) == (now + timedelta(hours=9), "office-1")
    with pytest.raises(Conflict):
        notice.issue(now + timedelta(hours=10), "office-2")
    assert notice.issued_by == "office-1"


# --- the survey's ticket ----------------------------------------------------------------------
def test_003_s2_3_a_problem_found_in_the_survey_is_the_units_filing_with_no_reporter_to_tell():
    found_at = local_instant("2019-06-20T10:00")
    reported = filed_ticket(found_at, quiet=False)
    assert reported.has_reporter
    c = filed_ticket(found_at, quiet=False)
    c.found_in_survey(SurveyOrigin(campaign="C1", unit="xiayang", found_at=found_at), "t1", "xiayang")
    assert not c.has_reporter and c.survey.campaign == "C1"
    filed = next(e for e in c.new_events if e.kind == "filed")
    routed = next(e for e in c.new_events if e.kind == "routed")
    assert (filed.actor, filed.unit, filed.public) == ("t1", "xiayang", None)
    assert filed.data == {"category": "c1-no-planning-permit", "source": "survey", "campaign": "C1"}
    assert routed.public is None and routed.actor == "system"
    untouched = [e for e in c.new_events if e.kind not in ("filed", "routed")]
    assert untouched == [e for e in reported.new_events if e.kind not in ("filed", "routed")]
