"""The case workflow: one function per action a staff member takes on a ticket.

Each function loads the ticket, checks ``portal.domain.access.can`` for the actor (out of
view: not found; in view but not permitted: forbidden), parses and bounds every input,
calls the domain method (which appends the event), and commits the complaint, its events,
the SMS rows they call for and the audit entry in one transaction
(``notifications.commit_complaint``). A concurrent change makes the conditional write fail;
the action is then judged again on a fresh copy, a few times, before giving up.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Callable, Mapping

from portal.domain.access import Action, Actor, Role
from portal.domain.complaint import DECLINE_REASONS, Complaint, Finding, Measures
from portal.domain.county import County, Department
from portal.domain.measures import ACCEPTANCE_LEVELS
from portal.domain.referral import LAND_TYPES
from portal.domain.errors import Conflict, DomainError
from portal.evidence.sanitize import sanitize
from portal.i18n import N_
from portal.ids import new_id
from portal.ports import ABSENT, ConditionFailed, Op, Put
from portal.services import disclosure, rewards, scope, uploads
from portal.services.deps import Deps
from portal.services.intake import bounded_text
from portal.services.notifications import commit_complaint
from portal.timeutil import SHANGHAI, as_utc

RETRIES = 4
NOTE_MAX = 2000
SHORT_MAX = 200
BUSY = N_("这件举报刚刚被其他人办理过，请刷新页面后重试。")


# --- input parsing ------------------------------------------------------------------------
#: hostile text cleaned and bounded (NOTE_MAX characters unless told otherwise)
text = bounded_text


#: years a date or time typed on a staff form may fall in (a year 1 or 9999 is a typing error,
#: and converting it to UTC can overflow)
YEAR_MIN, YEAR_MAX = 1950, 2100


def _sane_year(value: date, field: str) -> None:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise DomainError(N_("年份应在 %(min)s 到 %(max)s 年之间，请检查填写的日期。"), field=field,
                          min=YEAR_MIN, max=YEAR_MAX)


def local_instant(value, field: str) -> datetime:
    """A ``datetime-local`` form value (``YYYY-MM-DDTHH:MM``), read in Asia/Shanghai."""
    raw = (value or "").strip() if isinstance(value, str) else ""
    try:
        if not raw or len(raw) > 32:
            raise ValueError
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise DomainError(N_("时间格式不正确，请按“年-月-日 时:分”填写。"), field=field) from None
    _sane_year(parsed, field)
    try:
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=SHANGHAI)
        return as_utc(parsed)
    except (ValueError, OverflowError):  # an offset that takes the instant out of range
        raise DomainError(N_("时间格式不正确，请按“年-月-日 时:分”填写。"), field=field) from None


#: full-width digits (and the full-width point and minus) typed with a Chinese input method,
#: read as their ASCII forms in numbers and dates alike; no other script's digits are accepted
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
NOT_A_NUMBER = N_("请填写数字。")
OUT_OF_RANGE = N_("数值应在 0 到 %(max)s 之间。")


def _number(form: Mapping, name: str, kind: type, upper: float, out_of_range: str = OUT_OF_RANGE
            ) -> float | int | None:
    """An optional number from 0 to ``upper``: plain decimal digits (full-width ones read as
    ASCII), a point for a ``float``; no other digits, separators, exponents or words. A number
    that is not one is refused with 请填写数字, one outside the range with ``out_of_range``."""
    raw = (form.get(name) or "").strip().translate(_FULL_WIDTH)
    if not raw:
        return None
    pattern = _DECIMAL if kind is float else _INTEGER
    if len(raw) > 64 or not pattern.fullmatch(raw):
        raise DomainError(NOT_A_NUMBER, field=name)
    value = kind(raw)
    if value == 0:
        value = kind(0)  # "-0" is 0, never -0.0
    if not (0 <= value <= upper):  # also a float that overflowed to infinity
        raise DomainError(out_of_range, field=name, max=upper)
    return value


def _flag(form: Mapping, name: str) -> bool:
    return (form.get(name) or "") in ("1", "on", "true", "yes")


def _answer(form: Mapping, name: str) -> bool | None:
    """是 / 否 / not recorded (a select with an empty choice): None when nothing was chosen, so the
    ledger leaves the cell blank instead of saying 否 (``portal.domain.measures``)."""
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    if raw in ("1", "on", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    raise DomainError(N_("请选择“是”或“否”，未知的留空。"), field=name)


def form_date(value, field: str) -> date | None:
    """A ``date`` form value, exactly ``YYYY-MM-DD`` (full-width digits read as ASCII); empty is None."""
    raw = (value or "").strip().translate(_FULL_WIDTH) if isinstance(value, str) else ""
    if not raw:
        return None
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        parsed = date.fromisoformat(raw)
    except ValueError:
        raise DomainError(N_("日期格式不正确，请按“年-月-日”填写。"), field=field) from None
    _sane_year(parsed, field)
    return parsed


def parse_measures(form: Mapping) -> Measures:
    """The ledger columns (台账, 003 Annex 2 and 3; RULES.md §5) from a form. Fines in 万元. A count
    left empty or a 是/否 left unchosen stays unknown (None), never 0 or 否. The acceptance check and
    the write-off come later (``record_acceptance_check``, ``write_off``)."""
    filing_date = form_date(form.get("filing_date"), "filing_date")
    return Measures(
        summary=text(form.get("summary"), "summary", 1000),
        area_mu=_number(form, "area_mu", float, 1_000_000),
        method=text(form.get("method"), "method", SHORT_MAX),
        filing_authority=text(form.get("filing_authority"), "filing_authority", SHORT_MAX),
        filing_date=filing_date,
        penalty_decision=text(form.get("penalty_decision"), "penalty_decision", 500),
        penalty_executed=_answer(form, "penalty_executed"),
        fine_wan_yuan=_number(form, "fine_wan_yuan", float, 1_000_000),
        criminal_referrals=_number(form, "criminal_referrals", int, 10_000),
        persons_accountable=_number(form, "persons_accountable", int, 10_000),
        court_enforcement=_answer(form, "court_enforcement"),
        notes=text(form.get("notes"), "notes", 1000),
        mineral_type=text(form.get("mineral_type"), "mineral_type", 100),
        products_confiscated=_answer(form, "products_confiscated"),
        equipment_seized=_answer(form, "equipment_seized"),
        **_transfer_facts(form),
    )


#: sane maxima of the 000 §4(3)1 facts: the county's whole area is far below a million mu, and
#: a million 万元 is ten billion yuan
TRANSFER_AREA_MAX_MU = 1_000_000
GAINS_MAX_WAN_YUAN = 1_000_000


def _fact_number(form: Mapping, name: str, upper: float, message: str) -> float | None:
    """An optional non-negative number up to ``upper``; out of range is refused with ``message``,
    what is not a number with 请填写数字."""
    return _number(form, name, float, upper, message)


def _transfer_facts(form: Mapping) -> dict:
    """000 §4(3)1: the facts of an illegal transfer or resale of land (all optional): land type,
    area in mu, illegal gains in 万元 (as the ledger keeps money), a repeat after an earlier
    administrative penalty, and whether the case was referred to public security."""
    land_type = (form.get("transfer_land_type") or "").strip()
    if land_type and land_type not in LAND_TYPES:
        raise DomainError(N_("请从列表中选择非法转让、倒卖土地的地类。"), field="transfer_land_type")
    area = _fact_number(form, "transfer_area_mu", TRANSFER_AREA_MAX_MU,
                        N_("非法转让、倒卖土地面积应填写 0 到 %(max)s 之间的亩数。"))
    if area is not None and not land_type:
        raise DomainError(N_("填写了非法转让、倒卖土地面积，请同时选择该土地的地类。"), field="transfer_land_type")
    gains = _fact_number(form, "illegal_gains_wan_yuan", GAINS_MAX_WAN_YUAN,
                         N_("违法所得应填写 0 到 %(max)s 之间的数额（万元）。"))
    return {"transfer_land_type": land_type, "transfer_area_mu": area, "illegal_gains_wan_yuan": gains,
            "repeat_after_penalty": _flag(form, "repeat_after_penalty"),
            "referred_to_police": _flag(form, "referred_to_police")}


def parse_finding(value) -> Finding:
    try:
        return Finding(value)
    except ValueError:
        raise DomainError(N_("请选择核查结论。"), field="finding") from None


# --- the transaction ----------------------------------------------------------------------
def _act(deps: Deps, actor: Actor, complaint_id: str, action: Action, now: datetime,
         apply: Callable[[Complaint, County], None], detail: dict | None = None,
         extra_ops: Callable[[], list[Op]] | None = None) -> Complaint:
    for _ in range(RETRIES):
        complaint = scope.load(deps, actor, complaint_id)
        scope.require(actor, action, complaint)
        apply(complaint, scope.county_of(deps, complaint))
        ops = [deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                                   action=action.value, county=complaint.county, complaint_id=complaint.id,
                                   detail=detail)]
        if extra_ops is not None:
            ops += extra_ops()
        try:
            commit_complaint(deps, complaint, now, extra_ops=ops)
        except ConditionFailed:
            continue
        return complaint
    raise Conflict(BUSY)


# --- actions ------------------------------------------------------------------------------
def accept(deps: Deps, actor: Actor, complaint_id: str, note: str | None, now: datetime) -> Complaint:
    """004 C20, L17: accept within 3 working days of receipt."""
    note = text(note, "note")
    return _act(deps, actor, complaint_id, Action.ACCEPT, now,
                lambda c, _: c.accept(now, actor.username, actor.unit, note))


def decline(deps: Deps, actor: Actor, complaint_id: str, reason: str | None, explanation: str | None,
            now: datetime) -> Complaint:
    """004 C20, L17: not eligible; the reporter is told why within 3 working days."""
    reason = reason if reason in DECLINE_REASONS else ""
    if not reason:
        raise DomainError(N_("请选择不予受理的理由。"), field="reason")
    explanation = text(explanation, "text", required=True, missing=N_("请写明告知举报人的不予受理理由。"))
    return _act(deps, actor, complaint_id, Action.DECLINE, now,
                lambda c, _: c.decline(now, actor.username, actor.unit, reason, explanation), {"reason": reason})


def transfer_targets(county: County, complaint: Complaint) -> list[Department]:
    """Departments a ticket can move to: the handling bureaus and the discipline commission.
    A discipline-only ticket stays with the commission (000 §2(3), §4(2)4; 004 C36)."""
    targets = [d for d in county.handling_departments if d.code != complaint.lead]
    if complaint.discipline_only:
        targets = [d for d in targets if d.kind == "discipline"]
    return targets


def transfer(deps: Deps, actor: Actor, complaint_id: str, to: str | None, reason: str | None,
             now: datetime) -> Complaint:
    """Hand the ticket to another department; its clocks keep running (004 C20: the reporter's
    3 working days do not restart). Transferring to the discipline commission makes the ticket
    discipline-only (the domain cancels the township's clocks and removes it from every other view).
    Open requests to see the reporter's phone are withdrawn in the same transaction."""
    reason = text(reason, "reason", required=True, missing=N_("请写明移交理由。"))
    case_ops: list[Op] = []
    disclosure_ops: list[Op] = []

    def apply(c: Complaint, county: County) -> None:
        target = next((d for d in transfer_targets(county, c) if d.code == to), None)
        if target is None:
            raise DomainError(N_("请选择要移交的部门。"), field="to")
        was_discipline_only = c.discipline_only
        c.transfer(now, actor.username, actor.unit, target.code, target.name, reason,
                   to_is_discipline=target.kind == "discipline")
        # requests to see the reporter's phone belong to the unit that handled the ticket
        disclosure_ops[:] = disclosure.withdraw_ops(deps, actor, c, now)
        case_ops[:] = []
        if c.discipline_only and not was_discipline_only:
            case_ops[:] = _leave_shared_case(deps, actor, c, now)

    return _act(deps, actor, complaint_id, Action.TRANSFER, now, apply, {"to": to},
                extra_ops=lambda: [*disclosure_ops, *case_ops])


def _leave_shared_case(deps: Deps, actor: Actor, complaint: Complaint, now: datetime) -> list[Op]:
    """A ticket that becomes discipline-only leaves a case it shares with other tickets: the
    departments handling those must not learn, from the case, that a report about officials
    exists (000 §2(3), §4(2)4; 004 C36). The split is the system's (no actor, no note), and a
    reward the ticket held stays with its reporter, under the commission
    (``rewards.leave_case_ops``): no alert, no entry naming anyone, nothing retargeted."""
    case = deps.repos.cases.get(complaint.case_id)
    if case is None or len(case.members) < 2:
        return []
    own = case.split_out(complaint.id, new_id(now), now, "system", "")
    complaint.mark_case(now, actor.username, actor.unit, own.id, own.kind, "", own.stock_registered_on)
    others = [c for c in (deps.repos.complaints.get(cid) for cid in case.member_ids()) if c is not None]
    return [deps.repos.cases.save_op(case), Put(deps.repos.cases.save_op(own).item, expect=ABSENT),
            *rewards.leave_case_ops(deps, case, others, own, complaint, now)]


def ask_information(deps: Deps, actor: Actor, complaint_id: str, question: str | None, now: datetime) -> Complaint:
    """The question reaches the reporter anonymously through the status page (and by SMS if a
    verified phone is on file)."""
    question = text(question, "question", required=True, missing=N_("请写明需要举报人补充的内容。"))
    return _act(deps, actor, complaint_id, Action.ASK_INFO, now,
                lambda c, _: c.ask_information(now, actor.username, actor.unit, question))


def record_onsite(deps: Deps, actor: Actor, complaint_id: str, arrived_at: str | None, findings: str | None,
                  photos: list[bytes], now: datetime) -> Complaint:
    """004 C17(2), L15(2): the on-site check, with its photos. Every input and every photo is
    checked before anything is stored; the photos are sanitised like the reporter's, staged
    for this staff member, and taken by the ticket in the same transaction as the record."""
    arrived = local_instant(arrived_at, "arrived_at")
    findings = text(findings, "findings", required=True, missing=N_("请填写现场核查情况。"))
    if len(photos) > uploads.MAX_PHOTOS:
        raise DomainError(N_("最多只能上传 %(n)s 张照片。"), field="photos", n=uploads.MAX_PHOTOS)
    # scope, state and times are judged (on a throwaway copy) before any photo is kept
    trial = scope.load(deps, actor, complaint_id)
    scope.require(actor, Action.ONSITE, trial)
    trial.record_onsite(now, actor.username, actor.unit, arrived, findings, [])
    cleans = [sanitize(raw, deps.settings.photo_limit) for raw in photos]
    owner = f"staff:{actor.username}"
    staged = [uploads.keep_clean(deps, owner, clean, now).upload_id for clean in cleans]
    upload_ops: list[Op] = []

    def apply(c: Complaint, _: County) -> None:
        evidence, ops = uploads.take(deps, owner, staged, confirmed=set(staged), source="onsite")
        upload_ops[:] = ops
        if evidence:
            c.add_evidence(now, actor.username, actor.unit, evidence)
        c.record_onsite(now, actor.username, actor.unit, arrived, findings, [e.key for e in evidence])

    return _act(deps, actor, complaint_id, Action.ONSITE, now, apply, {"photos": len(staged)},
                extra_ops=lambda: list(upload_ops))


def issue_stop_order(deps: Deps, actor: Actor, complaint_id: str, note: str | None, now: datetime) -> Complaint:
    """004 C17(2), L15(2), C23: stop the work; rectification is due within 5 days."""
    note = text(note, "note")
    return _act(deps, actor, complaint_id, Action.STOP_ORDER, now,
                lambda c, _: c.issue_stop_order(now, actor.username, actor.unit, note))


def record_rectified(deps: Deps, actor: Actor, complaint_id: str, note: str | None, now: datetime) -> Complaint:
    """Stopped and rectified: meets the rectification clock and the 004 C34 / L30 ladder."""
    note = text(note, "note")
    return _act(deps, actor, complaint_id, Action.RECTIFIED, now,
                lambda c, _: c.record_rectified(now, actor.username, actor.unit, note))


def hand_over_demolition(deps: Deps, actor: Actor, complaint_id: str, handed_over_at: str | None,
                         decision: str | None, note: str | None, now: datetime) -> Complaint:
    """004 C25: the penalty decision and the request for forced demolition handed over to urban
    management (inside the county built-up area); its 3-working-day clock for the demolition
    plan starts at the handover, and urban management sees the ticket from then on."""
    handed_over = local_instant(handed_over_at, "handed_over_at")
    decision = text(decision, "decision", SHORT_MAX, required=True,
                    missing=N_("请填写责令限期拆除的行政处罚决定书（文号）。"))
    note = text(note, "note")

    def apply(c: Complaint, county: County) -> None:
        c.hand_over_demolition(now, actor.username, actor.unit, handed_over, decision, note,
                               county.demolition_department, deps.calendar())

    return _act(deps, actor, complaint_id, Action.DEMOLITION_HANDOVER, now, apply)


def record_demolition_plan(deps: Deps, actor: Actor, complaint_id: str, drafted_at: str | None, note: str | None,
                           now: datetime) -> Complaint:
    """004 C25: urban management records the forced-demolition plan (date and gist, no
    attachment); meets the 3-working-day clock. The reporter reads only that a plan was made."""
    drafted = local_instant(drafted_at, "drafted_at")
    note = text(note, "note", required=True, missing=N_("请填写拆除方案的要点。"))
    return _act(deps, actor, complaint_id, Action.DEMOLITION_PLAN, now,
                lambda c, _: c.record_demolition_plan(now, actor.username, actor.unit, drafted, note))


def conclude(deps: Deps, actor: Actor, complaint_id: str, finding: str | None, result_text: str | None,
             measures: Mapping, now: datetime) -> Complaint:
    """Handling ends (办结) with a finding, the result for the reporter and the ledger measures
    (RULES.md §5); the 7-working-day result-notice clock starts (004 C20, L17)."""
    finding_value = parse_finding(finding)
    result_text = text(result_text, "result_text", required=True, missing=N_("请填写告知举报人的处理结果。"))
    parsed = parse_measures(measures)
    reward_ops: list[Op] = []

    def apply(c: Complaint, _: County) -> None:
        c.conclude(now, actor.username, actor.unit, finding_value, parsed, result_text, deps.calendar())
        # 004 C20, L17: a case found true makes its first reporter eligible for the reward
        reward_ops[:] = rewards.ticket_changed_ops(deps, c, now, actor.username)

    return _act(deps, actor, complaint_id, Action.CONCLUDE, now, apply, {"finding": finding_value.value},
                extra_ops=lambda: list(reward_ops))


def record_written_notice(deps: Deps, actor: Actor, complaint_id: str, note: str | None,
                          now: datetime) -> Complaint:
    """The result was told in writing (004 C20, L17: "in writing or by SMS")."""
    note = text(note, "note", required=True, missing=N_("请写明书面告知的方式和时间。"))
    return _act(deps, actor, complaint_id, Action.WRITTEN_NOTICE, now,
                lambda c, _: c.record_written_notice(now, actor.username, actor.unit, note))


def reopen(deps: Deps, actor: Actor, complaint_id: str, reason: str | None, now: datetime) -> Complaint:
    reason = text(reason, "reason", required=True, missing=N_("请写明重新办理的理由。"))
    reward_ops: list[Op] = []

    def apply(c: Complaint, _: County) -> None:
        c.reopen(now, actor.username, actor.unit, reason, deps.calendar())
        # the finding is open again: a reward not yet paid follows (004 C20, L17)
        reward_ops[:] = rewards.ticket_changed_ops(deps, c, now, actor.username)

    return _act(deps, actor, complaint_id, Action.REOPEN, now, apply, extra_ops=lambda: list(reward_ops))


def record_acceptance_check(deps: Deps, actor: Actor, complaint_id: str, level: str | None,
                            meets_standard: str | None, checked_on: str | None, note: str | None,
                            now: datetime, extra_ops: Callable[[], list[Op]] | None = None) -> Complaint:
    """003 §2(3), Annex 2 and 3: the acceptance check (验收) of a concluded, substantiated item at
    the county, city or province level, with whether it meets the standard (是否达标).
    ``extra_ops``: records committed with it (a campaign item's history)."""
    level = level if level in ACCEPTANCE_LEVELS else ""
    if not level:
        raise DomainError(N_("请选择验收层级。"), field="level")
    meets = _answer({"meets_standard": meets_standard}, "meets_standard")
    if meets is None:
        raise DomainError(N_("请选择验收是否达标。"), field="meets_standard")
    day = form_date(checked_on, "checked_on")
    if day is None:
        raise DomainError(N_("请填写验收日期。"), field="checked_on")
    note = text(note, "note")
    return _act(deps, actor, complaint_id, Action.ACCEPTANCE_CHECK, now,
                lambda c, _: c.record_acceptance_check(now, actor.username, actor.unit, level, meets, day, note),
                {"level": level, "meets_standard": meets}, extra_ops=extra_ops)


def write_off(deps: Deps, actor: Actor, complaint_id: str, note: str | None, now: datetime,
              extra_ops: Callable[[], list[Op]] | None = None) -> Complaint:
    """003 §2(3): the item is written off (销号) once its acceptance check is recorded and met the
    standard; the domain refuses it before (``portal.domain.measures.LedgerSteps``).
    ``extra_ops``: records committed with it (a campaign item's history)."""
    note = text(note, "note")
    return _act(deps, actor, complaint_id, Action.WRITE_OFF, now,
                lambda c, _: c.record_write_off(now, actor.username, actor.unit, note), extra_ops=extra_ops)


ASSIGNABLE_ROLES = (Role.OFFICER, Role.HEAD, Role.DISCIPLINE)


def assignees(deps: Deps, complaint: Complaint) -> list:
    """Active case workers of the lead unit."""
    return [a for a in deps.repos.staff.in_county(complaint.county)
            if a.unit == complaint.lead and a.active and a.role in ASSIGNABLE_ROLES]


def assign(deps: Deps, actor: Actor, complaint_id: str, assignee: str | None, now: datetime) -> Complaint:
    """The head of the lead unit names the case worker."""
    wanted = (assignee or "").strip().lower()

    def apply(c: Complaint, _: County) -> None:
        if wanted not in {a.username for a in assignees(deps, c)}:
            raise DomainError(N_("请选择本单位的经办人。"), field="assignee")
        c.assign(now, actor.username, actor.unit, wanted)

    return _act(deps, actor, complaint_id, Action.ASSIGN, now, apply, {"to": wanted})
