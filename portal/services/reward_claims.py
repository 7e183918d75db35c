"""The reporter's side of a reward (004 C20, L17): what the status page shows, the claim code
sent to a verified phone, and the claim, with the receipt as the only credential (the status
page's routes check it, rate limited per client, before calling in here).

- Only the first reporter sees the reward (state, amount, window, how to collect it); every
  other reporter of the case reads only that the reward went to an earlier report.
- A phone counts as on file once verified (``portal.services.verification``): the portal
  texts an unverified number nothing but its verification code, so a reporter who never
  verified one claims with the receipt alone. With a verified phone, a claim needs the
  6-digit code sent to it (HOTP from pyotp, 10 minutes, 5 tries a code; codes to one phone
  limited per day by its keyed hash, requests per client by the keyed daily-salted client hash).
- Wrong codes count against the client (``reward_code_miss``) and are refused beyond the limit.
- Bank transfer: payee name, bank and account, one keyring envelope bound to the record
  (``{"record": "reward/<case id>", "field": "payee"}``), opened only for finance.
- In person: a one-time collection code of 10 digits, stored as a keyed hash (checked at the
  counter) and as a keyring envelope bound to the record (``collection_context``) that serves
  one purpose: the same receipt claiming in person again within ``REPEAT_WINDOW`` (a double tap,
  an answer lost on a slow connection), with the same claim code when a phone verified the
  claim, sees the same code again instead of "already claimed". The envelope is dropped when
  finance checks the code, and with the claim's other data at the retention purge.
- Abuse checks: a claim verified from a phone a staff member registered is held for review;
  a phone claiming more than ``flag_after_rewards`` rewards within ``flag_period_days`` flags
  the reward and alerts the reviewers.

Every input is checked before anything is stored; the claim, the spent code, the per-phone
record and the alerts are one transaction.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pyotp

from portal.crypto import contexts
from portal.domain.complaint import Complaint
from portal.domain.county import Department
from portal.domain.errors import Conflict, DomainError, RateLimited, ValidationFailed
from portal.domain.messages import OutboxMessage
from portal.domain.rewards import Claim, ClaimMethod, Reward, RewardState
from portal.i18n import N_
from portal.notify.texts import reward_code_text
from portal.ports import ABSENT, ConditionFailed, Op
from portal.services import ratelimit, rewards
from portal.services.deps import Deps
from portal.services.keys import lookups
from portal.services.intake import clean_text
from portal.services.notifications import contact_context, deliver
from portal.store import keys as K
from portal.timeutil import from_store, to_store

CODE_SK = "RWDCODE"
CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(minutes=1)
MAX_TRIES = 5
#: how long a repeated identical in-person claim shows the collection code again
REPEAT_WINDOW = timedelta(minutes=10)
NAME_MAX, BANK_MAX = 40, 60
ACCOUNT_DIGITS = (12, 30)

NO_REWARD = N_("这件举报没有可申领的奖励。")


def code_context(complaint_id: str) -> dict:
    return contexts.reward_code(complaint_id)


def collection_context(case_id: str) -> dict:
    return contexts.collection_code(case_id)


def mine(deps: Deps, complaint: Complaint) -> Reward | None:
    """The reward whose beneficiary is this ticket's reporter (found through the ticket's
    pointer, so a split after payment does not hide it)."""
    case_id = deps.repos.rewards.case_of(complaint.id)
    reward = deps.repos.rewards.get(case_id) if case_id else None
    if reward is None or reward.complaint_id != complaint.id or reward.state == RewardState.WITHDRAWN:
        return None
    return reward


def _phone_on_file(complaint: Complaint) -> bool:
    return complaint.contact is not None and complaint.contact.usable


# --- the status page --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReporterReward:
    """The status page's reward part (``ReporterView.extras["reward"]``)."""

    mine: bool  #: False: another (earlier) report of the case holds the reward; nothing else is said
    state: str = ""  #: a RewardState value; an approved reward past its window reads "expired"
    amount_yuan: int | None = None
    window_ends_at: datetime | None = None
    method: str = ""
    paid_on: date | None = None
    needs_code: bool = False
    counter: Department | None = None  #: where a reward is collected in person
    template: str = "citizen/_reward.html"


def reporter_part(deps: Deps, complaint: Complaint, now: datetime) -> ReporterReward | None:
    reward = mine(deps, complaint)
    if reward is None:
        shared = deps.repos.rewards.get(complaint.case_id)
        if shared is not None and shared.state != RewardState.WITHDRAWN and shared.complaint_id != complaint.id:
            return ReporterReward(mine=False)
        return None
    state = reward.state
    if state == RewardState.APPROVED and now > reward.window_ends_at:
        state = RewardState.EXPIRED  # the sweeper records it shortly
    shown = state in (RewardState.APPROVED, RewardState.CLAIMED, RewardState.HELD, RewardState.PAID)
    county = rewards.county_of(deps, reward)
    return ReporterReward(
        mine=True, state=state.value,
        amount_yuan=reward.proposal.amount_yuan if shown and reward.proposal else None,
        window_ends_at=reward.window_ends_at if state == RewardState.APPROVED else None,
        method=reward.claim.method.value if reward.claim else "",
        paid_on=reward.payment.paid_on if reward.payment else None,
        needs_code=_phone_on_file(complaint),
        counter=next((d for d in county.departments if d.kind == "finance"), None),
    )


# --- the claim code ---------------------------------------------------------------------------------
def _claimable(deps: Deps, complaint: Complaint, now: datetime) -> Reward:
    reward = mine(deps, complaint)
    if reward is None:
        raise Conflict(NO_REWARD)
    reward.require_claimable(now)
    return reward


def send_code(deps: Deps, complaint: Complaint, client: str, now: datetime) -> None:
    """A 6-digit claim code to the reporter's verified phone."""
    reward = _claimable(deps, complaint, now)
    if not _phone_on_file(complaint):
        raise Conflict(N_("这件举报没有已验证的手机号码，申领时无需验证码。"))
    pk = K.complaint_pk(complaint.id)
    record = deps.repos.records.get(pk, CODE_SK)
    if record is not None and now < from_store(record.body["sent_at"]) + RESEND_AFTER:
        raise RateLimited(N_("领奖验证码刚刚发出，请一分钟后再重新获取。"))
    ratelimit.check(deps, "reward_code_client", client, now)
    phone_hash = complaint.contact.phone_hash
    if ratelimit.hit(deps, "reward_code_send", phone_hash, now) > ratelimit.allowed(deps, "reward_code_send"):
        raise RateLimited(N_("这个号码今天获取领奖验证码的次数已达上限，请明天再试。"))
    if record is None:
        envelope, counter, expect = deps.keyring.encrypt(pyotp.random_base32().encode(),
                                                         code_context(complaint.id)), 1, ABSENT
    else:
        envelope, counter, expect = record.body["secret"], record.body["counter"] + 1, record.version
    secret = deps.keyring.decrypt(envelope, code_context(complaint.id)).decode()
    county = rewards.county_of(deps, reward)
    message = OutboxMessage(
        pk=pk, sk=f"{K.sms_sk('reward_code')}#{counter:06d}", county=complaint.county, kind="reward_code",
        body=reward_code_text(pyotp.HOTP(secret).at(counter), county.sms_signature),
        to_envelope=complaint.contact.envelope, to_context=contact_context(complaint.id),
        complaint_id=complaint.id, created_at=now, next_attempt_at=now,
    )
    body = {"secret": envelope, "counter": counter, "sent_at": to_store(now), "tries": 0, "case": reward.case_id}
    try:
        deps.store.write([deps.repos.records.op(pk, CODE_SK, body, expect=expect), deps.repos.outbox.save_op(message)])
    except ConditionFailed:
        raise RateLimited(N_("领奖验证码刚刚发出，请一分钟后再重新获取。")) from None
    deps.repos.outbox.committed(message)
    deliver(deps, message.pk, message.sk, now)


def _check_code(deps: Deps, complaint: Complaint, reward: Reward, code, client: str, now: datetime,
                count: bool = True) -> Op:
    """The operation that spends a right code; a wrong one is counted and refused. ``count=False``
    when the claim retries its commit after a write conflict: the same code was already counted
    once, so contention never spends a reporter's tries."""
    pk = K.complaint_pk(complaint.id)
    record = deps.repos.records.get(pk, CODE_SK)
    if record is None or record.body.get("case") != reward.case_id:
        raise DomainError(N_("请先获取领奖验证码。"), field="code")
    body = dict(record.body)
    if body["tries"] >= MAX_TRIES:
        raise DomainError(N_("领奖验证码已失效（输错次数太多或已使用），请重新获取。"), field="code")
    if now > from_store(body["sent_at"]) + CODE_TTL:
        raise DomainError(N_("领奖验证码已过期，请重新获取。"), field="code")
    # counted atomically before the check: parallel guesses that read the same record each count
    tries = deps.repos.counters.code_try("reward_code", complaint.id, body["counter"],
                                         from_store(body["sent_at"]) + CODE_TTL + timedelta(days=1)) if count else 0
    if tries > MAX_TRIES:
        raise DomainError(N_("领奖验证码已失效（输错次数太多或已使用），请重新获取。"), field="code")
    code = (code or "").strip() if isinstance(code, str) else ""
    secret = deps.keyring.decrypt(body["secret"], code_context(complaint.id)).decode()
    if not (len(code) == 6 and code.isascii() and code.isdigit() and pyotp.HOTP(secret).verify(code, body["counter"])):
        ratelimit.hit(deps, "reward_code_miss", client, now)
        raise DomainError(N_("领奖验证码不正确，这个验证码还可以再试 %(n)s 次。"), field="code",
                          n=MAX_TRIES - tries)
    body["tries"] = MAX_TRIES  # spent
    return deps.repos.records.op(pk, CODE_SK, body, expect=record.version)


# --- the claim --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimInput:
    method: str | None
    code: str | None = None
    payee_name: str | None = None
    bank: str | None = None
    account: str | None = None


@dataclass(frozen=True)
class ClaimResult:
    method: ClaimMethod
    collection_code: str | None  #: in person: shown to the reporter (again only to a repeat, ``_repeated``)


def _parse(data: ClaimInput) -> tuple[ClaimMethod, dict | None]:
    """The method and, for a bank transfer, the payee details; every bad field at once."""
    errors: dict[str, list[DomainError]] = {}

    def bad(field: str, message: str, **params) -> None:
        errors.setdefault(field, []).append(DomainError(message, field=field, **params))

    try:
        method = ClaimMethod(data.method)
    except ValueError:
        raise DomainError(N_("请选择领取方式：银行转账或现场领取。"), field="method") from None
    if method == ClaimMethod.IN_PERSON:
        return method, None
    name = clean_text(data.payee_name, NAME_MAX)
    bank = clean_text(data.bank, BANK_MAX)
    account = "".join(ch for ch in clean_text(data.account, 64) if ch not in " -")
    if not name:
        bad("payee_name", N_("请填写收款人姓名。"))
    elif len(name) > NAME_MAX:
        bad("payee_name", N_("收款人姓名不能超过 %(n)s 个字。"), n=NAME_MAX)
    if not bank:
        bad("bank", N_("请填写开户银行。"))
    elif len(bank) > BANK_MAX:
        bad("bank", N_("开户银行不能超过 %(n)s 个字。"), n=BANK_MAX)
    low, high = ACCOUNT_DIGITS
    if not (account.isascii() and account.isdigit() and low <= len(account) <= high):
        bad("account", N_("银行账号应为 %(low)s 到 %(high)s 位数字。"), low=low, high=high)
    if errors:
        raise ValidationFailed(errors)
    return method, {"name": name, "bank": bank, "account": account}


def _repeated(deps: Deps, complaint: Complaint, data: ClaimInput, client: str, now: datetime) -> ClaimResult | None:
    """The same claim posted again (004 C20, L17: the code is the reporter's only way to the
    cash): in person, within ``REPEAT_WINDOW`` of the claim, before the code was checked at the
    counter, and, when a phone verified the claim, with the same claim code (checked without
    spending anything; a wrong one counts against the client). The code shown the first time;
    None when this is not such a repeat."""
    if data.method != ClaimMethod.IN_PERSON.value:
        return None
    reward = mine(deps, complaint)
    c = reward.claim if reward is not None else None
    if (reward is None or reward.state not in (RewardState.CLAIMED, RewardState.HELD) or c is None
            or c.method != ClaimMethod.IN_PERSON or c.collection_envelope is None
            or c.collection_checked_at is not None or now > c.at + REPEAT_WINDOW):
        return None
    if c.phone_checked:
        record = deps.repos.records.get(K.complaint_pk(complaint.id), CODE_SK)
        code = (data.code or "").strip() if isinstance(data.code, str) else ""
        ok = False
        well_formed = len(code) == 6 and code.isascii() and code.isdigit()
        if record is not None and record.body.get("case") == reward.case_id and well_formed:
            secret = deps.keyring.decrypt(record.body["secret"], code_context(complaint.id)).decode()
            ok = pyotp.HOTP(secret).verify(code, record.body["counter"])
        if not ok:
            ratelimit.hit(deps, "reward_code_miss", client, now)
            return None
    code = deps.keyring.decrypt(c.collection_envelope, collection_context(reward.case_id)).decode()
    return ClaimResult(method=ClaimMethod.IN_PERSON, collection_code=code)


def claim(deps: Deps, complaint: Complaint, data: ClaimInput, client: str, now: datetime) -> ClaimResult:
    """The first reporter claims an approved reward within its window (004 C20, L17). The same
    in-person claim posted again shortly after shows the same collection code (``_repeated``)."""
    if ratelimit.exceeded(deps, "reward_code_miss", client, now):
        raise RateLimited(N_("领奖验证码输错次数太多，请明天再试。"))
    try:
        return _claim(deps, complaint, data, client, now)
    except DomainError:
        # already claimed, the code already spent, a race lost: to the same claim posted twice?
        repeated = _repeated(deps, complaint, data, client, now)
        if repeated is not None:
            return repeated
        raise


def _staff_matching(deps: Deps, county: str, phone_hashes: list[str]) -> list[str]:
    """The usernames of the county's staff whose registered phone is this one (keyed hashes
    compared, under every hash key: a phone may have been registered before a rotation)."""
    return sorted(a.username for a in deps.repos.staff.in_county(county)
                  if a.phone_hash is not None and any(hmac.compare_digest(a.phone_hash, h) for h in phone_hashes))


def _claim(deps: Deps, complaint: Complaint, data: ClaimInput, client: str, now: datetime) -> ClaimResult:
    first = _claimable(deps, complaint, now)
    method, payee = _parse(data)
    # the staff accounts whose registered phone verified the claim: held, and recused from its review
    hashes = lookups.phone_hashes(deps, complaint) if _phone_on_file(complaint) else []
    staff_matches = _staff_matching(deps, first.county, hashes) if hashes else []
    for attempt in range(rewards.RETRIES):
        reward = _claimable(deps, complaint, now)
        county = rewards.county_of(deps, reward)
        ops: list[Op] = []
        phone_hash = None
        if _phone_on_file(complaint):
            ops.append(_check_code(deps, complaint, reward, data.code, client, now, count=attempt == 0))
            phone_hash = complaint.contact.phone_hash
        collection_code = None
        claim_record = Claim(method=method, at=now, phone_checked=phone_hash is not None, phone_hash=phone_hash)
        if payee is not None:
            claim_record.payee_envelope = deps.keyring.encrypt(json.dumps(payee, ensure_ascii=False).encode(),
                                                               rewards.payee_context(reward.case_id))
        else:
            collection_code = f"{secrets.randbelow(10 ** rewards.COLLECTION_CODE_DIGITS):0{rewards.COLLECTION_CODE_DIGITS}d}"
            claim_record.collection_hash = rewards.collection_hash(deps, reward.case_id, collection_code)
            claim_record.collection_envelope = deps.keyring.encrypt(collection_code.encode(),
                                                                    collection_context(reward.case_id))
        claim_record.staff_matches = staff_matches
        reward.record_claim(now, claim_record, bool(claim_record.staff_matches))
        if phone_hash is not None:
            rules = county.rewards
            since = now - timedelta(days=rules.flag_period_days)
            earlier = {case for h in hashes or [phone_hash] for case in deps.repos.rewards.phone_claims_since(h, since)}
            if len(earlier - {reward.case_id}) + 1 > rules.flag_after_rewards:
                reward.flag(now, "repeat_phone")
                ops.append(rewards.alert_op(deps, reward, "reward_flag", now))
            ops.append(deps.repos.rewards.phone_claim_op(phone_hash, now, reward.case_id,
                                                         now + timedelta(days=rules.flag_period_days)))
        if reward.state == RewardState.HELD:
            ops.append(rewards.alert_op(deps, reward, "reward_held", now))
        try:
            deps.store.write([deps.repos.rewards.save_op(reward), *ops])
        except ConditionFailed:
            continue
        deps.repos.rewards.committed(reward)
        return ClaimResult(method=method, collection_code=collection_code)
    raise Conflict(rewards.BUSY)
