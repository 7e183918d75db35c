"""The embedded default's SMS sender: nothing leaves the machine.

Every message is already a row in the store's outbox before any sender sees it; this sender
accepts each at once and reports it delivered, so the whole flow (clocks met on delivery
included) runs without a provider. In demo mode the outbox page lists the rows.
"""

from __future__ import annotations

import secrets

from portal.ports import SmsReceipt


class LocalOutboxSender:
    def send(self, to: str, body: str, *, callback_url: str | None = None) -> SmsReceipt:
        return SmsReceipt(provider_id="local-" + secrets.token_hex(12), status="delivered")
