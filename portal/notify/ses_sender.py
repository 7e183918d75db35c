"""SES adapter of the mail port, where SES sends mail (not in AWS's China regions: use the
county's SMTP server there). The sender address (the unit's published one) must be a verified
SES identity. Throttling and service errors are retried by the outbox; a rejected message is not.
"""

from __future__ import annotations

from portal.config import Settings
from portal.notify.mail_message import build
from portal.ports import MailPermanentError, MailReceipt, MailTemporaryError, OutgoingMail

PERMANENT = frozenset({"MessageRejected", "MailFromDomainNotVerifiedException", "ConfigurationSetDoesNotExist",
                       "AccountSendingPausedException", "InvalidParameterValue"})


class SesSender:
    def __init__(self, client):
        self.client = client

    @classmethod
    def from_settings(cls, settings: Settings) -> "SesSender":
        from portal.aws_clients import LazyClient

        return cls(LazyClient("ses", region_name=settings.aws_region))

    def send(self, message: OutgoingMail) -> MailReceipt:
        from botocore.exceptions import BotoCoreError, ClientError

        mime = build(message)
        try:
            answer = self.client.send_raw_email(Source=message.sender, Destinations=[message.to],
                                                RawMessage={"Data": mime.as_bytes()})
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            raise (MailPermanentError if code in PERMANENT else MailTemporaryError)(code or "ClientError") from None
        except BotoCoreError as exc:
            raise MailTemporaryError(type(exc).__name__) from None
        return MailReceipt(provider_id=answer["MessageId"], status="sent")
