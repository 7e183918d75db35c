"""The embedded default's mail sender: nothing leaves the machine.

Every reply is already a row in the store's outbox before any sender sees it (sealed: the
address and the text are envelopes); this sender accepts each at once and reports it
delivered, so the whole flow runs without a mail server. In demo mode a page lists the rows
(``/demo/mail-outbox``), as the SMS outbox page does.
"""

from __future__ import annotations

import secrets

from portal.ports import MailReceipt, OutgoingMail


class LocalMailOutbox:
    def send(self, message: OutgoingMail) -> MailReceipt:
        return MailReceipt(provider_id="local-mail-" + secrets.token_hex(12), status="delivered")
