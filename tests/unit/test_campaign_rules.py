"""The campaign's rules, pure (portal.domain.campaigns): phases with their dates (003 §2(3);
000 §4), reporting days (003 §3(3); 002 §6(6)), scope (003 §2(1)-(2); 000 §2(3)), the item's
state and overdue mark (003 §2(3)), the figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum

import pytest

from portal.domain.campaigns.campaign import Campaign, Phase, Reporting, Scope, day_start
from portal.domain.campaigns.items import CampaignItem, is_overdue, progress, state_of, tally
from portal.domain.errors import DomainError
from portal.timeutil import SHANGHAI

PHASES_003 = [Phase("组织准备", "preparation", date(2019, 6, 4), date(2019, 6, 11)),
              Phase("排查摸底", "survey", date(2019, 6, 12), date(2019, 6, 30)),
              Phase("查处整改", "handling", date(2019, 7, 1), date(2019, 10, 31)),
              Phase("检查验收", "acceptance", date(2019, 11, 1), date(2019, 11, 15))]
#: 000 §4: 宣传发动 9月15日-9月25日, 调查摸底 9月25日-10月15日, 分类处置 10月15日-12月5日, 完善机制 12月5日-12月25日
PHASES_000 = [Phase("宣传发动", "preparation", date(2022, 9, 15), date(2022, 9, 25)),
              Phase("调查摸底", "survey", date(2022, 9, 25), date(2022, 10, 15)),
              Phase("分类处置", "handling", date(2022, 10, 15), date(2022, 12, 5)),
              Phase("完善机制", "other", date(2022, 12, 5), date(2022, 12, 25))]


def local_instant(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def campaign(phases=PHASES_003, now="2019-06-01T09:00", reporting=None, scope=None) -> Campaign:
    return Campaign.create(id="C1", county="430225", name="专项行动", phases=list(phases), scope=scope or Scope(),
                           reporting=reporting or Reporting(), ledger_form="annex", basis="",
                           now=local_instant(now), actor="office-1", unit="leading_group_office")


def test_003_s2_3_the_four_phases_with_their_dates():
    c = campaign()
    assert (c.start, c.end) == (date(2019, 6, 4), date(2019, 11, 15))
    names = {d: c.phase_on(date(2019, *d)).name if c.phase_on(date(2019, *d)) else None
             for d in ((6, 3), (6, 4), (6, 11), (6, 12), (6, 30), (7, 1), (10, 31), (11, 1), (11, 15), (11, 16))}
    assert names == {(6, 3): None, (6, 4): "组织准备", (6, 11): "组织准备", (6, 12): "排查摸底", (6, 30): "排查摸底",
                     (7, 1): "查处整改", (10, 31): "查处整改", (11, 1): "检查验收", (11, 15): "检查验收", (11, 16): None}
    # the handling phase ends at midnight after 10月31日: from then on an item not written off is overdue
    assert c.handling_ends_at == day_start(date(2019, 11, 1)) == local_instant("2019-11-01T00:00")
    assert not c.in_survey(local_instant("2019-06-11T23:59")) and c.in_survey(local_instant("2019-06-12T00:00"))
    assert c.in_survey(local_instant("2019-06-30T23:59")) and not c.in_survey(local_instant("2019-07-01T00:00"))
    assert [c.state(local_instant(t)) for t in ("2019-06-03T23:59", "2019-06-04T00:00", "2019-11-16T00:00")] == [
        "before", "running", "ended"]
    assert [e.kind for e in c.new_events] == ["created"]
    assert c.new_events[0].data["phases"][2] == {"name": "查处整改", "kind": "handling", "start": "2019-07-01",
                                                 "end": "2019-10-31"}


def test_000_s4_phases_may_share_a_day_and_the_later_one_is_current():
    c = campaign(PHASES_000, now="2022-09-14T09:00")
    assert c.phase_on(date(2022, 9, 25)).name == "调查摸底"
    assert c.phase_on(date(2022, 10, 15)).name == "分类处置"
    assert c.phase_on(date(2022, 12, 5)).name == "完善机制"
    assert c.handling_ends_at == local_instant("2022-12-06T00:00")


@pytest.mark.parametrize("phases, message", [
    ([PHASES_003[1], PHASES_003[0], PHASES_003[2]], "按时间顺序"),  # out of order
    ([Phase("查处整改", "handling", date(2019, 7, 1), date(2019, 6, 30))], "结束日期早于开始日期"),
    ([PHASES_003[0], PHASES_003[1], PHASES_003[3]], "有且只有一个“查处整改”阶段"),  # no handling phase
    ([PHASES_003[0], PHASES_003[1], PHASES_003[2], Phase("再查处", "handling", date(2019, 11, 1),
                                                          date(2019, 11, 9))], "有且只有一个“查处整改”阶段"),
    ([PHASES_003[1], Phase("再摸底", "survey", date(2019, 6, 20), date(2019, 6, 30)), PHASES_003[2]], "只能有一个"),
    ([Phase("", "handling", date(2019, 7, 1), date(2019, 7, 2))], "阶段的名称"),
    ([Phase("查处", "cleanup", date(2019, 7, 1), date(2019, 7, 2))], "阶段的类型"),
    ([Phase("查处整改", "handling", date(2019, 7, 1), date(2023, 7, 2))], "不能超过三年"),
])
def test_003_s2_3_phases_out_of_order_or_without_one_handling_phase_are_refused(phases, message):
    with pytest.raises(DomainError) as refused:
        campaign(phases)
    assert message in str(refused.value)


def test_003_s2_3_a_campaign_whose_last_phase_is_over_is_refused():
    with pytest.raises(DomainError, match="已经结束"):
        campaign(now="2019-11-16T08:00")


def test_003_s3_3_reporting_days_are_the_15th_and_30th_and_the_last_day_of_a_month_without_a_30th():
    semimonthly = Reporting("semimonthly")
    assert campaign().reporting_days() == [date(2019, m, d) for m in range(6, 12) for d in (15, 30)
                                           if date(2019, m, d) <= date(2019, 11, 15)]
    assert semimonthly.in_month(2027, 2) == [date(2027, 2, 15), date(2027, 2, 28)]  # no 30th: the last day
    assert semimonthly.in_month(2028, 2) == [date(2028, 2, 15), date(2028, 2, 29)]  # a leap year
    assert semimonthly.in_month(2027, 1) == [date(2027, 1, 15), date(2027, 1, 30)]  # the 30th, not the 31st
    assert semimonthly.in_month(2027, 4) == [date(2027, 4, 15), date(2027, 4, 30)]
    assert semimonthly.next_day(date(2027, 2, 16), date(2027, 12, 31)) == date(2027, 2, 28)
    assert semimonthly.next_day(date(2027, 3, 1), date(2027, 3, 14)) is None


def test_002_s6_6_a_monthly_meeting_day_falls_on_the_last_day_of_a_shorter_month():
    meeting = Reporting("monthly", 31)
    assert meeting.days(date(2017, 1, 1), date(2017, 4, 30)) == [date(2017, 1, 31), date(2017, 2, 28),
                                                                 date(2017, 3, 31), date(2017, 4, 30)]
    assert Reporting("monthly", 10).days(date(2017, 5, 19), date(2017, 7, 9)) == [date(2017, 6, 10)]
    for bad in (Reporting("monthly", None), Reporting("monthly", 0), Reporting("monthly", 32), Reporting("weekly")):
        with pytest.raises(DomainError):
            bad.check()


def test_003_s3_3_the_first_notice_is_the_first_reporting_day_from_creation():
    assert campaign(now="2019-06-01T09:00").next_report == date(2019, 6, 15)
    assert campaign(now="2019-06-16T09:00").next_report == date(2019, 6, 30)  # none is owed for a past day
    c = campaign(now="2019-06-01T09:00")
    assert c.wake_at() == local_instant("2019-06-15T00:00")
    c.notice_prepared(date(2019, 6, 15), local_instant("2019-06-15T00:01"))
    assert c.next_report == date(2019, 6, 30)
    c.next_report = None
    assert c.wake_at() == c.handling_ends_at  # then only the end of the handling phase


# --- scope and items --------------------------------------------------------------------------


class _Status(Enum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CONCLUDED = "concluded"
    CLOSED = "closed"


@dataclass
class _Finding:
    substantiated: bool


@dataclass
class _WriteOff:
    at: datetime


@dataclass
class Ticket:
    """What the campaign's rules read of a ticket."""

    id: str = "T1"
    category: str = "l1-occupy-land"
    township: str = "longxi"
    co_handler: str | None = "longxi"
    lead: str = "natural_resources"
    discipline_only: bool = False
    status: _Status = _Status.ACCEPTED
    finding: _Finding | None = None
    write_off: _WriteOff | None = None
    case_id: str = "K1"
    case_kind: str = "new"
    concluded_at: datetime | None = None
    closed_at: datetime | None = None
    acceptance_checks: list = field(default_factory=list)


def test_003_s2_1_scope_by_category_township_and_responsible_unit_never_officials():
    scope = Scope(categories=["l1-occupy-land", "m1-illegal-mining"], townships=["longxi", "xiayang"],
                  units=["natural_resources"])
    assert scope.covers(Ticket())
    assert not scope.covers(Ticket(category="c1-no-planning-permit"))
    assert not scope.covers(Ticket(township="zhongcun", co_handler="zhongcun"))
    assert not scope.covers(Ticket(lead="housing"))
    assert scope.covers(Ticket(lead="longxi"))  # a township leading in its own area is responsible there
    assert not scope.covers(Ticket(discipline_only=True, co_handler=None))  # 000 §2(3), 004 C36
    assert Scope().covers(Ticket(category="c1-no-planning-permit", lead="housing"))  # whole county, all units


def test_003_s2_3_an_item_follows_its_ticket_to_the_write_off_and_is_overdue_after_the_handling_phase():
    c = campaign()
    after = c.handling_ends_at
    open_ticket = Ticket()
    handled = Ticket(id="T2", status=_Status.CONCLUDED, finding=_Finding(True), case_id="K2", case_kind="stock")
    written = Ticket(id="T3", status=_Status.CLOSED, finding=_Finding(True), write_off=_WriteOff(after), case_id="K3")
    untrue = Ticket(id="T4", status=_Status.CLOSED, finding=_Finding(False), case_id="K4")
    declined = Ticket(id="T5", status=_Status.DECLINED, case_id="K5")
    assert [state_of(t) for t in (open_ticket, handled, written, untrue, declined)] == [
        "open", "handled", "written_off", "no_violation", "no_violation"]
    before = after - timedelta(seconds=1)
    assert not any(is_overdue(c, t, before) for t in (open_ticket, handled))
    assert [is_overdue(c, t, after) for t in (open_ticket, handled, written, untrue, declined)] == [
        True, True, False, False, False]
    figures = tally(c, [open_ticket, handled, written, untrue, declined], after, ["longxi", "xiayang"],
                    ["natural_resources"])
    assert figures.total.as_row() == [5, 1, 4, 4, 1, 2]  # found, stock, new, handled, written off, overdue
    assert [f.unit for f in figures.townships] == ["longxi", "xiayang"] and figures.townships[1].found == 0
    # an item added after the handling phase is flagged at once, and never twice
    item = CampaignItem.add(c, open_ticket, "suggested", after, "office-1", "leading_group_office")
    assert item.flagged_at == after and not item.flag_overdue(after + timedelta(days=1))
    assert [e.kind for e in item.history] == ["added", "overdue_flagged"]


def test_progress_counts_found_handled_and_written_off_by_day():
    c = campaign()
    t1 = Ticket(status=_Status.CONCLUDED, finding=_Finding(True), concluded_at=local_instant("2019-07-02T10:00"),
                write_off=_WriteOff(local_instant("2019-07-03T09:00")))
    item = CampaignItem.add(c, t1, "existing", local_instant("2019-06-05T10:00"), "office-1", "leading_group_office")
    points = progress(c, [(item, t1)], date(2019, 7, 3))
    by_day = {p.day: (p.found, p.handled, p.written_off) for p in points}
    assert by_day[date(2019, 6, 4)] == (0, 0, 0) and by_day[date(2019, 6, 5)] == (1, 0, 0)
    assert by_day[date(2019, 7, 2)] == (1, 1, 0) and by_day[date(2019, 7, 3)] == (1, 1, 1)
    assert points[-1].day == date(2019, 7, 3)
