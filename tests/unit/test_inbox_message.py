"""A message in a unit's email inbox, as a domain value (004 C20, L17: each unit publishes an
email address for reports): nothing is filed automatically and nothing is lost. A message
leaves the open list only by an officer's decision, registered or dismissed with a reason,
and its personal data go after the retention period (the row stays)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from portal.domain.errors import Conflict, DomainError
from portal.domain.inbox import OPEN, Attachment, InboxMessage, InboxStatus
from portal.timeutil import SHANGHAI

ARRIVED = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
NOW = ARRIVED + timedelta(hours=3)
RETENTION = timedelta(days=180)


def message(status: InboxStatus = InboxStatus.NEW) -> InboxMessage:
    return InboxMessage(
        id="m1", county="430225", unit="natural_resources", via="imap", arrived_at=ARRIVED, fetched_at=ARRIVED,
        size=4096, status=status, envelope='{"subject": "举报"}', raw_key="inbox/m1.raw",
        attachments=[Attachment(n=1, content_type="image/jpeg", size=900, kept=True, key="inbox/m1/1.jpg"),
                     Attachment(n=2, content_type="application/zip", size=50, kept=False, reason="不是照片")],
    )


def test_004_c20_a_new_or_unreadable_message_waits_for_an_officer_and_a_decided_one_does_not():
    assert OPEN == {InboxStatus.NEW, InboxStatus.FAILED}
    assert [s for s in InboxStatus if message(s).is_open] == [InboxStatus.NEW, InboxStatus.FAILED]
    assert InboxMessage(id="m", county="c", unit="u", via="ses", arrived_at=ARRIVED, fetched_at=ARRIVED,
                        size=1).status == InboxStatus.NEW  # a message enters as new


def test_004_c20_registering_a_message_records_the_ticket_and_who_decided_when():
    m = message()
    m.registered(NOW, "officer1", "01TICKET")
    assert (m.status, m.complaint_id, m.decided_by, m.decided_at) == (InboxStatus.REGISTERED, "01TICKET", "officer1", NOW)
    assert m.purge_at is None  # its personal data follow the ticket's retention from now on
    assert m.envelope is not None and m.raw_key == "inbox/m1.raw"


def test_004_c20_an_unreadable_message_is_not_registered_directly():
    m = message(InboxStatus.FAILED)
    with pytest.raises(Conflict) as raised:
        m.registered(NOW, "officer1", "01TICKET")
    assert raised.value.field is None
    assert (m.status, m.complaint_id, m.decided_by, m.decided_at) == (InboxStatus.FAILED, None, None, None)


@pytest.mark.parametrize("status", [InboxStatus.REGISTERED, InboxStatus.DISMISSED])
def test_004_c20_a_decided_message_is_decided_once(status):
    m = message(status)
    with pytest.raises(Conflict):
        m.registered(NOW, "officer2", "01OTHER")
    with pytest.raises(Conflict):
        m.dismiss(NOW, "officer2", "广告", RETENTION)
    assert (m.status, m.complaint_id, m.decided_by, m.dismiss_reason) == (status, None, None, "")


@pytest.mark.parametrize("status", [InboxStatus.NEW, InboxStatus.FAILED])
def test_004_c20_dismissing_keeps_the_reason_and_sets_the_purge_after_the_retention_period(status):
    m = message(status)
    m.dismiss(NOW, "officer1", "  广告邮件  ", RETENTION)
    assert (m.status, m.dismiss_reason, m.decided_by, m.decided_at) == (InboxStatus.DISMISSED, "广告邮件", "officer1", NOW)
    assert m.purge_at == NOW + RETENTION
    assert m.complaint_id is None


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_004_c20_a_dismissal_without_a_reason_is_refused_and_changes_nothing(reason):
    m = message()
    with pytest.raises(DomainError) as raised:
        m.dismiss(NOW, "officer1", reason, RETENTION)
    assert raised.value.field == "reason"
    assert (m.status, m.decided_by, m.decided_at, m.purge_at) == (InboxStatus.NEW, None, None, None)


def test_purging_drops_the_envelope_and_every_stored_blob_and_keeps_the_row():
    """Retention (PORTAL_RETENTION_DAYS): the sender, subject, text, the raw message and the
    kept photos go; size, dates and the decision stay."""
    m = message()
    m.dismiss(NOW, "officer1", "重复", RETENTION)
    later = NOW + RETENTION
    assert m.purge(later) == ["inbox/m1.raw", "inbox/m1/1.jpg"]  # the refused attachment had no blob
    assert (m.envelope, m.raw_key, m.purge_at, m.purged_at) == (None, None, None, later)
    assert [a.key for a in m.attachments] == [None, None]
    assert [(a.n, a.size, a.kept, a.reason) for a in m.attachments] == [(1, 900, True, None), (2, 50, False, "不是照片")]
    assert (m.status, m.dismiss_reason, m.size, m.arrived_at) == (InboxStatus.DISMISSED, "重复", 4096, ARRIVED)
    assert m.purge(later) == []  # nothing left to delete
