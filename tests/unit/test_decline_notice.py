"""A report that is not accepted: the reporter is told, within the 3 working days, and why
(004 C20, L17), with the grounds officials know from the 12336 platform (RULES.md §7)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint import DECLINE_REASONS, Complaint, Contact, Notify, Status
from portal.domain.deadlines import ClockKind
from portal.domain.geo import Point
from tests.unit.tickets import filed_ticket

CAL = WorkingCalendar({})
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Asia/Shanghai


def ticket(contact: Contact | None) -> Complaint:
    return filed_ticket(T0, id="01DECLINEDECLINEDECLINEDEC", category="l1-occupy-land", description="耕地上建房",
                        point=Point(113.78, 26.12), township="longxi", contact=contact)


def test_004_c20_l17_a_reporter_with_a_verified_phone_is_told_of_the_decline_by_sms():
    c = ticket(Contact(envelope="envelope", phone_hash="hash", verified_at=T0))
    decided = T0 + timedelta(days=1)
    c.decline(decided, "off", "natural_resources", "reconsideration_or_litigation", "该事项已进入行政诉讼程序。")
    assert c.status == Status.DECLINED
    assert c.new_notifications == [(Notify.DECLINED, c.event_count)]
    acceptance = c.clock(ClockKind.ACCEPTANCE)
    assert acceptance.is_open  # the reporter has not been told yet: the clock runs until the SMS goes out
    sent = decided + timedelta(minutes=3)
    c.notice_sent(Notify.DECLINED, sent)
    assert acceptance.met_at == sent and not acceptance.is_breached


def test_004_c20_l17_without_a_phone_the_status_page_tells_the_reporter_at_once():
    c = ticket(None)
    c.decline(T0, "off", "natural_resources", "already_handled", "该处已依法拆除。")
    assert c.new_notifications == []
    assert c.clock(ClockKind.ACCEPTANCE).met_at == T0
    declined = c.new_events[-1]
    assert declined.public and declined.params["text"] == "该处已依法拆除。"  # the reporter reads why


def test_the_decline_grounds_are_those_of_the_12336_platform():
    """RULES.md §7: matters of administrative reconsideration or litigation, matters already
    handled, and reports too vague to verify are the typical grounds for 不予受理."""
    assert {"already_handled", "reconsideration_or_litigation", "insufficient_information",
            "out_of_scope"} <= set(DECLINE_REASONS)
