"""Phone verification: a phone given on the form is used only after the reporter enters the
6-digit code sent to it (HOTP from pyotp; valid 10 minutes; 5 tries per code, counted
atomically; wrong codes limited per client; codes sent to one phone limited per day by its
keyed hash). Until then the portal sends that phone
nothing but the code, so it cannot be used to text someone else's phone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp

from portal.crypto import contexts
from portal.domain.complaint import Complaint
from portal.domain.county import County
from portal.domain.errors import Conflict, DomainError, RateLimited
from portal.domain.messages import OutboxMessage
from portal.i18n import N_
from portal.notify.texts import code_text
from portal.ports import ABSENT, ConditionFailed, Op
from portal.services import ratelimit
from portal.services.deps import Deps
from portal.services.notifications import commit_complaint, deliver, message_for
from portal.store import keys as K
from portal.timeutil import from_store, to_store

CODE_TTL = timedelta(minutes=10)
MAX_TRIES = 5
SK = "VERIFY"


def _context(complaint_id: str) -> dict:
    return contexts.verification(complaint_id)


def _code_ops(deps: Deps, complaint: Complaint, county: County, now: datetime, counter: int,
              secret_envelope: str, expect) -> tuple[list[Op], OutboxMessage]:
    secret = deps.keyring.decrypt(secret_envelope, _context(complaint.id)).decode()
    code = pyotp.HOTP(secret).at(counter)
    body = {"secret": secret_envelope, "counter": counter, "sent_at": to_store(now), "tries": 0, "verified": False}
    # No expiry: the record carries the code counter, and the counter keys the SMS rows, so a
    # lapsed record would reuse a spent key. Retention purges it with the contact.
    ops = [deps.repos.records.op(K.complaint_pk(complaint.id), SK, body, expect=expect)]
    message = message_for(deps, complaint, "code", counter, now, body=code_text(code, county.sms_signature))
    ops.append(deps.repos.outbox.save_op(message))
    return ops, message


def start_ops(deps: Deps, complaint: Complaint, county: County, now: datetime) -> tuple[list[Op], OutboxMessage | None]:
    """Operations (stored with the new complaint) for its first code, if the phone may get one today."""
    if ratelimit.hit(deps, "verify_send", complaint.contact.phone_hash, now) > ratelimit.allowed(deps, "verify_send"):
        return [], None
    envelope = deps.keyring.encrypt(pyotp.random_base32().encode(), _context(complaint.id))
    return _code_ops(deps, complaint, county, now, 1, envelope, ABSENT)


def send_code(deps: Deps, message: OutboxMessage, now: datetime) -> None:
    deps.repos.outbox.committed(message)
    deliver(deps, message.pk, message.sk, now)


def resend(deps: Deps, complaint: Complaint, county: County, client: str, now: datetime) -> None:
    if complaint.contact is None or not complaint.contact.is_phone or complaint.contact.envelope is None:
        raise Conflict(N_("这件举报没有留手机号码。"))
    if complaint.contact.verified_at is not None:
        raise Conflict(N_("手机号码已经验证过了。"))
    record = deps.repos.records.get(K.complaint_pk(complaint.id), SK)
    if record is not None and now < from_store(record.body["sent_at"]) + timedelta(minutes=1):
        raise RateLimited(N_("验证码刚刚发出，请一分钟后再重新获取。"))
    ratelimit.check(deps, "verify_client", client, now)
    if ratelimit.hit(deps, "verify_send", complaint.contact.phone_hash, now) > ratelimit.allowed(deps, "verify_send"):
        raise RateLimited(N_("这个号码今天获取验证码的次数已达上限，请明天再试。"))
    if record is None:
        envelope = deps.keyring.encrypt(pyotp.random_base32().encode(), _context(complaint.id))
        ops, message = _code_ops(deps, complaint, county, now, 1, envelope, ABSENT)
    else:
        ops, message = _code_ops(deps, complaint, county, now, record.body["counter"] + 1, record.body["secret"],
                                 record.version)
    try:
        deps.store.write(ops)
    except ConditionFailed:
        raise RateLimited(N_("验证码刚刚发出，请一分钟后再重新获取。")) from None
    send_code(deps, message, now)


def confirm(deps: Deps, complaint: Complaint, code: str | None, now: datetime, *, client: str | None = None) -> None:
    """Verify the phone with its code. Every try is counted atomically before the code is
    checked (parallel guesses cannot share one count), and wrong codes are also limited per
    ``client`` (the web's rate-limit key; None for the portal's own callers)."""
    if complaint.contact is None or not complaint.contact.is_phone or complaint.contact.envelope is None:
        raise Conflict(N_("这件举报没有留手机号码。"))
    if complaint.contact.verified_at is not None:
        return
    if client is not None and ratelimit.exceeded(deps, "verify_miss", client, now):
        raise RateLimited(N_("验证码输错次数太多，请明天再试。"))
    code = (code or "").strip()
    record = deps.repos.records.get(K.complaint_pk(complaint.id), SK)
    if record is None:
        raise DomainError(N_("请先获取验证码。"), field="code")
    body = dict(record.body)
    if body["tries"] >= MAX_TRIES:
        raise DomainError(N_("验证码输错次数太多，请重新获取验证码。"), field="code")
    sent_at = from_store(body["sent_at"])
    if now > sent_at + CODE_TTL:
        raise DomainError(N_("验证码已过期，请重新获取。"), field="code")
    tries = deps.repos.counters.code_try("verify", complaint.id, body["counter"], sent_at + CODE_TTL + timedelta(days=1))
    if tries > MAX_TRIES:
        raise DomainError(N_("验证码输错次数太多，请重新获取验证码。"), field="code")
    secret = deps.keyring.decrypt(body["secret"], _context(complaint.id)).decode()
    if not (len(code) == 6 and code.isdigit() and pyotp.HOTP(secret).verify(code, body["counter"])):
        if client is not None:
            ratelimit.hit(deps, "verify_miss", client, now)
        raise DomainError(N_("验证码不正确，还可以再试 %(n)s 次。"), field="code", n=MAX_TRIES - tries)
    complaint.verify_contact(now)
    body["verified"] = True
    body["tries"] = MAX_TRIES  # the code is spent
    commit_complaint(deps, complaint, now, extra_ops=[
        deps.repos.records.op(K.complaint_pk(complaint.id), SK, body, expect=record.version)])
