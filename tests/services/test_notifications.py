"""SMS rows: provider outcomes reach the complaint, including a status callback that beats
the sender's own write of the provider's message id."""

from __future__ import annotations

from portal.domain.complaint import Finding, Measures, Status
from portal.ports import SmsReceipt, SmsTemporaryError
from portal.services.notifications import _safe, commit_complaint, record_provider_status
from tests.services.helpers import file, reload


class RacingSender:
    """Reports delivery (as a provider callback would) before ``send`` returns."""

    def __init__(self, deps):
        self.deps = deps
        self.n = 0

    def send(self, to, body, *, callback_url=None):
        self.n += 1
        provider_id = f"SM{self.n:032d}"
        record_provider_status(self.deps, provider_id, "delivered", self.deps.clock.now())
        return SmsReceipt(provider_id=provider_id, status="sent")


def test_004_c20_a_delivery_callback_that_arrives_first_still_closes_the_ticket(deps, clock):
    complaint, _ = file(deps, phone="13800138000", verify=True)
    complaint.accept(clock.now(), "officer", "natural_resources")
    commit_complaint(deps, complaint, clock.now())
    deps.sms = RacingSender(deps)
    complaint = reload(deps, complaint)
    complaint.conclude(clock.now(), "officer", "natural_resources", Finding.PARTLY, Measures(), "已罚款。", deps.calendar())
    commit_complaint(deps, complaint, clock.now())
    stored = reload(deps, complaint)
    assert stored.status == Status.CLOSED
    assert stored.clocks["result_notice"].met_at is not None


def test_provider_errors_keep_their_status_and_code_but_not_the_number():
    text = _safe(SmsTemporaryError("twilio: HTTP 400 error 21211 for +86 138 0013 8000"))
    assert "400" in text and "21211" in text
    assert "8000" not in text and "138" not in text
