"""Reports registered by staff, as domain rules (``portal.domain.channels``): the channels and
sources (004 C20, L17: each unit publishes a mailbox, an email address and a phone; 004 C9,
C14(1), L8: hand-overs from higher levels and transfers from departments), the received day the
clocks count from, the registration event and the feedback clock, the feedback itself and
the written notice posted to a reporter's address (004 C20: 书面或手机短信)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from portal.domain.channels import (CHANNELS, POSTED_PUBLIC, SOURCES, STAFF_CHANNELS, Intake, channel_title,
                                    received_instant, source_title)
from portal.domain.complaint import Contact, Finding, Measures, Status
from portal.domain.deadlines import ClockKind
from portal.domain.errors import Conflict, DomainError
from portal.timeutil import SHANGHAI, as_utc, end_of_local_day
from tests.unit.tickets import PLAIN_CALENDAR, filed_ticket

GO_LIVE = date(2026, 11, 2)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)  # a Monday
TODAY = date(2026, 11, 23)
POSTAL = Contact(envelope="sealed", phone_hash=None, kind="postal")


def intake(channel: str = "assigned", source: str = "12345", **over) -> Intake:
    values = dict(channel=channel, source=source, received_by="housing", registered_by="clerk", registered_at=NOW)
    if source in ("12345", "12336", "city", "province"):
        values["external_ref"] = "GD-2026-001"
    if source == "department":
        values["from_unit"] = "housing"
    values.update(over)
    return Intake(**values)


def registered(received_at: datetime = NOW - timedelta(days=1), *, feedback_days: int | None = 5,
               contact: Contact | None = None, **over):
    return filed_ticket(received_at, intake=intake(**over), feedback_days=feedback_days, contact=contact)


def concluded(c, at: datetime):
    c.accept(at, "off", c.lead)
    c.conclude(at, "off", c.lead, Finding.NOT_SUBSTANTIATED, Measures(), "经核查不属实", PLAIN_CALENDAR)
    return c


# --- the registry ---------------------------------------------------------------------------
def test_004_c20_c9_the_channels_an_officer_registers_and_the_sources_that_owe_feedback():
    assert STAFF_CHANNELS == ("phone", "letter", "email", "visit", "assigned", "transferred")
    assert {code for code, s in SOURCES.items() if s.feedback} == {"12345", "12336", "city", "province", "department"}
    assert {code for code, s in SOURCES.items() if s.reference} == {"12345", "12336", "city", "province"}
    assert {code for code, s in SOURCES.items() if s.from_unit} == {"department"}
    for channel in CHANNELS.values():
        assert set(channel.sources) <= set(SOURCES)
    assert channel_title("letter") == CHANNELS["letter"].title and channel_title("pigeon") == "pigeon"
    assert source_title("12345") == SOURCES["12345"].title and source_title("rumour") == "rumour"


@pytest.mark.parametrize("channel,source,staff,owes", [
    ("web", "citizen", False, False),  # the reporter's own filing
    ("letter", "citizen", True, False),
    ("assigned", "12345", True, True),  # 004 C9, L8: 上级交办
    ("transferred", "department", True, True),  # 004 C9, C11, L8: 相关部门移交
    ("survey", "survey", False, False),  # 003 §2(3): found in a campaign's survey, no reporter
    ("pigeon", "rumour", False, False),  # unknown codes: neither registered by staff nor owing feedback
])
def test_004_c20_c9_who_registers_and_who_is_owed_feedback(channel, source, staff, owes):
    i = Intake(channel=channel, source=source)
    assert (i.staff_registered, i.owes_feedback) == (staff, owes)


# --- the received day -----------------------------------------------------------------------
def test_004_c20_a_received_day_in_the_future_or_before_the_go_live_is_refused():
    with pytest.raises(DomainError) as future:
        received_instant(TODAY + timedelta(days=1), None, GO_LIVE, NOW)
    assert future.value.field == "received_on"
    with pytest.raises(DomainError) as early:
        received_instant(GO_LIVE - timedelta(days=1), None, GO_LIVE, NOW)
    assert (early.value.field, early.value.params) == ("received_on", {"date": "2026-11-02"})
    assert received_instant(GO_LIVE, None, GO_LIVE, NOW).at == as_utc(end_of_local_day(GO_LIVE))


def test_004_c20_a_received_time_later_than_now_is_refused_and_now_itself_is_not():
    with pytest.raises(DomainError) as later:
        received_instant(TODAY, time(10, 0, 1), GO_LIVE, NOW)
    assert later.value.field == "received_time"
    r = received_instant(TODAY, time(10, 0), GO_LIVE, NOW)
    assert (r.at, r.time_known, r.backdated) == (NOW, True, False)


def test_004_c20_a_typed_time_on_an_earlier_day_is_that_instant_and_backdated():
    r = received_instant(date(2026, 11, 20), time(16, 30), GO_LIVE, NOW)
    assert r.at == datetime(2026, 11, 20, 16, 30, tzinfo=SHANGHAI) and r.at.utcoffset() == timedelta(0)
    assert (r.time_known, r.backdated) == (True, True)


def test_004_c20_l17_without_a_time_the_report_counts_from_the_end_of_its_day_or_now_today():
    """An unknown hour never puts a report ahead of one received the same day (first reporter)."""
    earlier = received_instant(date(2026, 11, 20), None, GO_LIVE, NOW)
    assert (earlier.at, earlier.time_known, earlier.backdated) == (as_utc(end_of_local_day(date(2026, 11, 20))), False, True)
    today = received_instant(TODAY, None, GO_LIVE, NOW)
    assert (today.at, today.time_known, today.backdated) == (NOW, False, False)


# --- the registration -----------------------------------------------------------------------
def test_004_c20_the_registration_is_recorded_with_how_and_when_the_report_came():
    c = filed_ticket(NOW - timedelta(days=1), intake=intake(backdated=True), feedback_days=5, quiet=False)
    [event] = [e for e in c.new_events if e.kind == "registered"]
    assert (event.actor, event.unit, event.at) == ("clerk", "housing", NOW - timedelta(days=1))
    assert event.params == {"channel_msg": CHANNELS["assigned"].title} and event.public
    assert event.data == {"channel": "assigned", "source": "12345", "received_at": (NOW - timedelta(days=1)).isoformat(),
                          "backdated": True, "external_ref": "GD-2026-001"}
    transferred = filed_ticket(NOW, intake=intake("transferred", "department", registered_by=None), feedback_days=10,
                               quiet=False)
    [event] = [e for e in transferred.new_events if e.kind == "registered"]
    assert event.actor == "system" and event.data["from_unit"] == "housing" and "external_ref" not in event.data


def test_004_c9_l8_a_hand_over_starts_the_feedback_clock_and_nothing_else_does():
    c = registered(feedback_days=5)
    clock = c.clock(ClockKind.HANDOVER_FEEDBACK)
    assert (clock.started_at, clock.working_days) == (c.received_at, 5)
    assert registered(feedback_days=None).clock(ClockKind.HANDOVER_FEEDBACK) is None  # no deadline in the county file
    assert registered(channel="letter", source="citizen").clock(ClockKind.HANDOVER_FEEDBACK) is None
    web = filed_ticket(NOW, feedback_days=5, quiet=False)
    assert web.clock(ClockKind.HANDOVER_FEEDBACK) is None and not [e for e in web.new_events if e.kind == "registered"]


# --- the feedback to the sender -------------------------------------------------------------
def test_004_c9_l8_the_feedback_meets_its_clock_and_is_recorded_once():
    c = concluded(registered(), NOW - timedelta(hours=20))
    c.new_events.clear()
    c.record_feedback(NOW, "off", "natural_resources", TODAY, "  已电话反馈12345  ")
    assert (c.intake.fed_back_at, c.intake.fed_back_by) == (NOW, "off")  # today: now, not the end of the day
    assert c.clock(ClockKind.HANDOVER_FEEDBACK).state(NOW) == "met"
    [event] = c.new_events
    assert (event.kind, event.actor, event.unit, event.note, event.data) == (
        "handover_feedback", "off", "natural_resources", "已电话反馈12345", {"fed_back_on": "2026-11-23", "source": "12345"})
    with pytest.raises(Conflict):
        c.record_feedback(NOW, "off", "natural_resources", TODAY, "again")


def test_004_c9_l8_feedback_typed_for_an_earlier_day_counts_from_that_days_end():
    c = concluded(registered(NOW - timedelta(days=3)), NOW - timedelta(days=2))
    c.record_feedback(NOW, "off", "natural_resources", date(2026, 11, 21), "")
    assert c.intake.fed_back_at == as_utc(end_of_local_day(date(2026, 11, 21)))


@pytest.mark.parametrize("status", ["declined", "concluded", "closed"])
def test_004_c9_l8_feedback_once_there_is_a_result_and_not_before(status):
    c = registered()
    with pytest.raises(Conflict):
        c.record_feedback(NOW, "off", "natural_resources", TODAY, "")  # received: no result yet
    c.accept(NOW - timedelta(hours=5), "off", c.lead)
    with pytest.raises(Conflict):
        c.record_feedback(NOW, "off", "natural_resources", TODAY, "")  # accepted: still no result
    assert c.intake.fed_back_at is None
    c.status = Status(status)
    c.record_feedback(NOW, "off", "natural_resources", TODAY, "")
    assert c.intake.fed_back_at == NOW


def test_004_c9_l8_feedback_is_refused_for_a_report_that_owes_none_and_for_days_out_of_range():
    letter = concluded(registered(channel="letter", source="citizen"), NOW - timedelta(hours=2))
    with pytest.raises(Conflict):
        letter.record_feedback(NOW, "off", "natural_resources", TODAY, "")
    c = concluded(registered(NOW - timedelta(days=1)), NOW - timedelta(hours=2))
    for day in (TODAY + timedelta(days=1), TODAY - timedelta(days=2)):  # tomorrow; before the received day
        with pytest.raises(DomainError) as refused:
            c.record_feedback(NOW, "off", "natural_resources", day, "")
        assert refused.value.field == "fed_back_on"
    assert c.intake.fed_back_at is None
    c.record_feedback(NOW, "off", "natural_resources", TODAY - timedelta(days=1), "")  # the received day itself


def test_004_c9_l8_feedback_entered_after_the_due_instant_is_late_whatever_day_is_typed():
    c = concluded(registered(NOW - timedelta(days=1)), NOW - timedelta(hours=2))
    clock = c.clock(ClockKind.HANDOVER_FEEDBACK)
    later = clock.due_at + timedelta(seconds=1)
    c.record_feedback(later, "off", "natural_resources", TODAY, "")
    assert clock.state(later) == "met_late" and clock.breached_at == clock.due_at


# --- the written notice posted to the reporter's address ------------------------------------
def test_004_c20_the_posted_notice_meets_the_result_clock_and_closes_the_ticket():
    c = concluded(registered(channel="letter", source="citizen", contact=POSTAL), NOW - timedelta(days=1))
    c.new_events.clear()
    c.record_notice_posted(NOW, "clerk", "housing", TODAY, " 挂号信 XA1 ")
    assert (c.status, c.closed_at) == (Status.CLOSED, NOW)
    assert c.clock(ClockKind.RESULT_NOTICE).met_at == NOW
    [event] = c.new_events
    assert (event.kind, event.actor, event.unit, event.note, event.public, event.data) == (
        "written_notice_posted", "clerk", "housing", "挂号信 XA1", POSTED_PUBLIC, {"posted_on": "2026-11-23"})


def test_004_c20_a_notice_posted_on_an_earlier_day_meets_the_clock_at_that_days_end():
    c = concluded(registered(channel="letter", source="citizen", contact=POSTAL), NOW - timedelta(days=2))
    c.record_notice_posted(NOW, "clerk", "housing", TODAY - timedelta(days=1), "")
    assert c.clock(ClockKind.RESULT_NOTICE).met_at == as_utc(end_of_local_day(TODAY - timedelta(days=1)))


@pytest.mark.parametrize("contact", [None, Contact(envelope="sealed", phone_hash="h", kind="phone"),
                                     Contact(envelope=None, phone_hash=None, kind="postal")],
                         ids=["no contact", "a phone", "an address already purged"])
def test_004_c20_no_written_notice_without_a_postal_address(contact):
    c = concluded(registered(channel="letter", source="citizen", contact=contact), NOW - timedelta(days=1))
    with pytest.raises(Conflict):
        c.record_notice_posted(NOW, "clerk", "housing", TODAY, "")
    assert c.status == Status.CONCLUDED


def test_004_c20_the_notice_only_after_the_conclusion_and_on_a_day_between_it_and_today():
    c = registered(channel="letter", source="citizen", contact=POSTAL)
    with pytest.raises(Conflict):
        c.record_notice_posted(NOW, "clerk", "housing", TODAY, "")  # not concluded yet
    concluded(c, NOW - timedelta(days=1))
    for day in (TODAY + timedelta(days=1), TODAY - timedelta(days=2)):
        with pytest.raises(DomainError) as refused:
            c.record_notice_posted(NOW, "clerk", "housing", day, "")
        assert refused.value.field == "posted_on"
    assert c.status == Status.CONCLUDED
    c.record_notice_posted(NOW, "clerk", "housing", TODAY - timedelta(days=1), "")  # the conclusion's day itself
    assert c.status == Status.CLOSED
