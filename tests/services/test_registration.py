"""Staff registration of reports taken by phone, letter, email, visit, 上级交办 and 相关部门移交
(004 C20, L17; C9, C11, C14, L8), for each channel: the clocks count from the day received, a
future or pre-go-live day is refused, a backdated entry is marked in the history and the audit
trail, every bad input is answered per field and nothing is stored; the receipt leaves once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from portal.domain.channels import CHANNELS as CHANNEL_TABLE
from portal.domain.complaint import Status
from portal.domain.deadlines import ClockKind
from portal.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from portal.domain.access import Actor, Role
from portal.services import cases
from portal.services.channels import registration
from portal.services.notifications import open_body
from portal.store import keys as K
from portal.timeutil import SHANGHAI, end_of_local_day, local, local_date
from tests.services.channel_support import CHANNELS, COUNTY, LEAD, RECEIVER, form, register, rows
from tests.services.helpers import file as file_online

FRIDAY = date(2026, 11, 20)  # the clock starts Monday 2026-11-23 10:00 Asia/Shanghai


def history(deps, complaint_id):
    return deps.repos.complaints.history(complaint_id)


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_004_c20_the_clocks_count_from_the_day_received_not_the_day_typed(deps, clock, channel):
    """Received Friday, typed in Monday: acceptance is due at the end of Wednesday (3 working
    days after Friday), the ladder's first week runs from Friday, and the township's 2 hours
    from the registration, when it is told (004 C17(2))."""
    result, c, _ = register(deps, channel, received_on=FRIDAY.isoformat(), received_time="16:30")
    assert local(c.received_at) == datetime(2026, 11, 20, 16, 30, tzinfo=SHANGHAI)
    assert c.clock(ClockKind.ACCEPTANCE).due_at == end_of_local_day(date(2026, 11, 25))
    assert c.clock(ClockKind.LADDER_WARNING).due_at == c.received_at + timedelta(weeks=1)
    assert c.clock(ClockKind.ONSITE).started_at == clock.now()
    assert c.intake.channel == channel and c.intake.received_by == "housing" and c.lead == "natural_resources"
    assert result.acceptance_due == c.clock(ClockKind.ACCEPTANCE).due_at


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_004_c20_a_backdated_entry_is_marked_in_the_history_and_the_audit(deps, clock, channel):
    result, c, _ = register(deps, channel, received_on=FRIDAY.isoformat())
    assert result.backdated and c.intake.backdated
    registered = next(e for e in history(deps, c.id) if e.kind == "registered")
    assert registered.data["backdated"] is True and registered.actor == RECEIVER.username
    assert registered.unit == "housing" and registered.data["channel"] == channel
    [entry] = deps.repos.audit.for_complaint(c.id)
    assert entry["action"] == "register_backdated" and entry["detail"]["backdated"] is True


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_004_c20_a_report_received_today_is_not_backdated(deps, clock, channel):
    result, c, _ = register(deps, channel, received_on=local_date(clock.now()).isoformat(), received_time="09:15")
    assert not result.backdated and not c.intake.backdated
    assert local(c.received_at) == datetime(2026, 11, 23, 9, 15, tzinfo=SHANGHAI)
    assert [e["action"] for e in deps.repos.audit.for_complaint(c.id)] == ["register"]
    # without a time, today's report is received now: never ahead of one received earlier today
    _, later, _ = register(deps, channel, received_on=local_date(clock.now()).isoformat())
    assert later.received_at == clock.now() and not later.intake.received_time_known


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("day, time_, field", [
    ("2026-11-24", "", "received_on"),  # tomorrow
    ("2026-11-23", "10:01", "received_time"),  # later today than now (10:00)
    ("2024-12-31", "", "received_on"),  # the day before the demo county's go-live
])
def test_004_c20_a_future_or_pre_go_live_received_day_is_refused_and_nothing_stored(deps, channel, day, time_, field):
    before = rows(deps)
    with pytest.raises(ValidationFailed) as refused:
        register(deps, channel, received_on=day, received_time=time_)
    assert list(refused.value.errors) == [field]
    assert rows(deps) == before


def test_004_c20_the_go_live_day_itself_is_taken(deps):
    _, c, _ = register(deps, "letter", received_on="2025-01-01")
    assert local_date(c.received_at) == date(2025, 1, 1)
    assert c.clock(ClockKind.ACCEPTANCE).is_open  # due long ago: the sweeper records the breach


#: (field the error names, the bad input) for every channel
COMMON_BAD = [
    ("received_on", {"received_on": ""}),
    ("received_on", {"received_on": "2026/11/20"}),
    ("received_time", {"received_time": "25:00"}),
    ("category", {"category": "no-such-category"}),
    ("description", {"description": "短"}),
    ("description", {"description": "很长" * 1001}),
    ("location", {"lat": "abc"}),
    ("location", {"lat": "26.46", "lng": ""}),
    ("address", {"address": "地" * 201}),
    ("contact_kind", {"contact_kind": "pigeon"}),
    ("phone", {"contact_kind": "phone", "phone": ""}),
    ("phone", {"contact_kind": "phone", "phone": "12345"}),
    ("postal_address", {"contact_kind": "postal", "postal_address": ""}),
    ("postal_address", {"contact_kind": "postal", "postal_address": "霞阳镇"}),
    ("postal_address", {"contact_kind": "postal", "postal_address": "址" * 201}),
]
#: the bad inputs only some channels have
CHANNEL_BAD = {
    "email": [("email", {"contact_kind": "email", "email": ""}), ("email", {"contact_kind": "email", "email": "王@"}),
              ("email", {"contact_kind": "email", "email": "a@b"})],
    "letter": [("contact_kind", {"contact_kind": "email", "email": "a@example.cn"})],
    "assigned": [("source", {"source": "mayor"}), ("source", {"source": ""}), ("external_ref", {"external_ref": ""}),
                 ("external_ref", {"external_ref": "号" * 65})],
    "transferred": [("from_unit", {"from_unit": ""}), ("from_unit", {"from_unit": "部" * 101})],
}
BAD = [(ch, name, bad) for ch in CHANNELS for name, bad in COMMON_BAD + CHANNEL_BAD.get(ch, [])]


@pytest.mark.parametrize("channel, field, bad", BAD, ids=[f"{c}-{f}-{i}" for i, (c, f, _) in enumerate(BAD)])
def test_each_bad_input_is_answered_for_its_field_and_nothing_is_stored(deps, channel, field, bad):
    before = rows(deps)
    with pytest.raises(ValidationFailed) as refused:
        register(deps, channel, **bad)
    assert field in refused.value.errors, refused.value.errors
    assert all(e.message for e in refused.value.errors[field])
    assert rows(deps) == before


def test_every_bad_field_is_answered_at_once(deps):
    with pytest.raises(ValidationFailed) as refused:
        register(deps, "assigned", source="", received_on="2030-01-01", category="", description="",
                 contact_kind="postal", postal_address="")
    assert {"source", "received_on", "category", "description", "postal_address"} <= set(refused.value.errors)


def test_an_unknown_channel_is_refused(deps):
    before = rows(deps)
    for channel in ("web", "fax", ""):  # the reporter's own channel is not registered by staff
        data = form(deps, "letter")
        data.channel = channel
        with pytest.raises(ValidationFailed) as refused:
            registration.register(deps, RECEIVER, deps.counties.default, data, [], deps.clock.now())
        assert "channel" in refused.value.errors and rows(deps) == before


def test_roles_that_take_no_reports_cannot_register(deps):
    for role, unit in ((Role.FINANCE, "finance"), (Role.CUSTODIAN, "leading_group_office"),
                       (Role.ADMIN, "leading_group_office")):
        with pytest.raises(Forbidden):
            register(deps, "letter", actor=Actor("x", role, unit, COUNTY))


def test_a_form_posted_twice_registers_once_and_never_shows_the_receipt_again(deps):
    result, _, data = register(deps, "letter")
    assert result.receipt and result.receipt_by == "slip"
    before = rows(deps)
    with pytest.raises(registration.AlreadyRegistered) as again:
        registration.register(deps, RECEIVER, deps.counties.default, data, [], deps.clock.now())
    assert result.receipt not in str(again.value) and rows(deps) == before


def test_004_c20_a_handover_keeps_its_source_and_external_reference(deps):
    _, c, _ = register(deps, "assigned", source="12336", external_ref="GT12336-8812")
    assert (c.intake.channel, c.intake.source, c.intake.external_ref) == ("assigned", "12336", "GT12336-8812")
    _, moved, _ = register(deps, "transferred", external_ref="")
    assert moved.intake.source == "department" and moved.intake.from_unit == "县市场监督管理局"


# --- contacts and the receipt ------------------------------------------------------------------
def test_004_c20_a_phone_is_verified_by_the_code_read_back_and_the_receipt_goes_by_sms(deps, clock):
    result, c, data = register(deps, "phone", contact_kind="phone", phone="139 0731 0000")
    assert result.receipt is None and result.receipt_by == "sms" and result.code_sent
    assert c.contact.kind == "phone" and c.contact.verified_at is None and c.contact.phone_hash
    [code_row] = [m for m in deps.repos.outbox.for_record(K.complaint_pk(c.id)) if m.kind == "code"]
    code = code_row.body.split("验证码")[1][:6]
    with pytest.raises(Exception):
        registration.confirm_phone(deps, RECEIVER, data.token, "000000" if code != "000000" else "111111", clock.now())
    registration.confirm_phone(deps, RECEIVER, data.token, code, clock.now())
    c = deps.repos.complaints.get(c.id)
    assert c.contact.usable
    [receipt_row] = [m for m in deps.repos.outbox.for_record(K.complaint_pk(c.id)) if m.kind == "receipt"]
    assert receipt_row.sealed and "回执号" not in receipt_row.body  # an envelope until it is sent
    assert receipt_row.status.value == "delivered"
    sent = open_body(deps, receipt_row)  # the demo keeps the text; production drops it once sent
    token_receipt = registration.filing_tokens.open_token(deps, data.token, clock.now()).receipt
    assert " ".join(token_receipt[i:i + 4] for i in range(0, 16, 4)) in sent
    with pytest.raises(Conflict):  # once
        registration.confirm_phone(deps, RECEIVER, data.token, code, clock.now())
    with pytest.raises(Conflict):
        registration.show_receipt(deps, RECEIVER, data.token, clock.now())


def test_004_c20_a_phone_that_gets_no_sms_gets_the_slip_once_instead(deps, clock):
    result, c, data = register(deps, "phone", contact_kind="phone", phone="13907310000")
    shown = registration.show_receipt(deps, RECEIVER, data.token, clock.now())
    assert shown.receipt == registration.filing_tokens.open_token(deps, data.token, clock.now()).receipt
    assert deps.hasher.digest("receipt", shown.receipt) == c.receipt_hash
    with pytest.raises(Conflict):
        registration.show_receipt(deps, RECEIVER, data.token, clock.now())
    assert not [m for m in deps.repos.outbox.for_record(K.complaint_pk(c.id)) if m.kind == "receipt"]


def test_only_the_registering_officer_reads_the_code_back(deps, clock):
    _, _, data = register(deps, "phone", contact_kind="phone", phone="13907310000")
    colleague = Actor("colleague", Role.OFFICER, "housing", COUNTY)
    for call in (lambda: registration.show_receipt(deps, colleague, data.token, clock.now()),
                 lambda: registration.confirm_phone(deps, colleague, data.token, "123456", clock.now())):
        with pytest.raises(NotFound):
            call()


def test_004_c20_an_email_contact_gets_the_receipt_by_reply_mail(deps, clock):
    result, c, data = register(deps, "email", contact_kind="email", email="Reporter@Example.CN")
    assert result.receipt is None and result.receipt_by == "mail"
    assert c.contact.kind == "email" and c.contact.reachable and not c.contact.usable and c.contact.phone_hash is None
    [reply] = deps.repos.outbox.for_record(K.complaint_pk(c.id), channel="mail")
    assert reply.kind == "receipt" and reply.status.value == "delivered" and reply.sealed
    receipt = registration.filing_tokens.open_token(deps, data.token, clock.now()).receipt
    assert " ".join(receipt[i:i + 4] for i in range(0, 16, 4)) in open_body(deps, reply)
    assert deps.keyring.decrypt(reply.to_envelope, reply.to_context).decode() == "Reporter@example.cn"


def test_contacts_are_encrypted_like_a_web_reporters_phone(deps):
    _, c, _ = register(deps, "letter", contact_kind="postal", postal_address="炎陵县霞阳镇示例路9号 王先生 收")
    assert c.contact.kind == "postal" and c.contact.envelope.startswith("env1.") and c.contact.phone_hash is None
    assert not c.contact.usable and not c.contact.reachable
    assert "示例路" not in repr(deps.repos.complaints.item(c).body)


# --- across channels (004 C20, L17: the first reporter) -----------------------------------------
def test_004_c20_the_first_reporter_is_the_earliest_received_whatever_the_channel(deps, clock):
    """A web report filed Monday 10:00 and a letter received the Friday before, typed in at 11:00:
    each is suggested as the other's duplicate, and the merged case's first reporter is the letter."""
    web, _ = file_online(deps, category="c1-no-planning-permit", place=("26.460", "113.850"))
    clock.advance(hours=1)
    _, letter, _ = register(deps, "letter", received_on=FRIDAY.isoformat())
    assert [c.id for c in cases.suggestions(deps, LEAD, web, clock.now())] == [letter.id]
    assert [c.id for c in cases.suggestions(deps, LEAD, letter, clock.now())] == [web.id]
    survivor = cases.merge(deps, LEAD, web.id, letter.id, "同一处违建", clock.now())
    assert survivor.first_reporter().complaint_id == letter.id
    # the same day, without a time: the web report received at 10:00 stays first
    _, same_day, _ = register(deps, "phone", received_on="2026-11-23", lat="26.4601", lng="113.8501")
    assert same_day.received_at > web.received_at


def test_every_staff_channel_takes_the_sources_it_lists():
    assert CHANNEL_TABLE["assigned"].sources == ("12345", "12336", "city", "province")
    assert all(CHANNEL_TABLE[c].staff for c in CHANNELS) and not CHANNEL_TABLE["web"].staff


def test_a_registered_report_is_handled_like_a_web_filing(deps, clock):
    _, c, _ = register(deps, "visit")
    assert c.status == Status.RECEIVED and [e.kind for e in history(deps, c.id)] == ["filed", "registered", "routed"]
    case = deps.repos.cases.get(c.case_id)
    assert case.first_reporter().complaint_id == c.id and case.first_reporter().received_at == c.received_at
