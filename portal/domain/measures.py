"""The ledger (台账) facts of a ticket: the handling measures recorded when it concludes, then the
acceptance checks (验收) and the write-off (销号) recorded after it (003 Annex 2 and 3, §2(3);
RULES.md §5). Pure Python; ``now`` is passed in.

**Unknown is not "no".** A fact nobody has recorded is None and the ledger leaves its cell
blank; 否 and 0 are only ever what someone recorded. (Before, every unticked box and empty
count of a ticket not yet concluded was exported as 否 and 0.)

**Acceptance, then write-off** (003 §2(3): the ledger is kept dynamically, items investigated
and rectified are written off township by township, after the acceptance check of the fourth
stage): once a substantiated ticket is concluded, the acceptance check at a level (county,
city or province: the form's 县级 / 市级 / 省级) is recorded with whether it meets the standard
(是否达标); the item is written off (是否销号) only after a recorded check at some level met the
standard, and never twice. Both are events in the ticket's history. Reopening a ticket clears
its checks and write-off, which stay in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.domain.errors import Conflict, DomainError
from portal.domain.referral import THRESHOLD_TITLES, TransferFacts, thresholds_met
from portal.i18n import N_
from portal.timeutil import local_date


@dataclass
class Measures:
    """Handling measures in the ledger's columns (台账, 003 Annex 2 and 3; RULES.md §5).
    Fines are in units of 10,000 yuan (万元). None: not recorded (a blank cell)."""

    summary: str = ""
    area_mu: float | None = None
    method: str = ""
    filing_authority: str = ""
    filing_date: date | None = None
    penalty_decision: str = ""
    penalty_executed: bool | None = None
    fine_wan_yuan: float | None = None
    criminal_referrals: int | None = None
    persons_accountable: int | None = None
    court_enforcement: bool | None = None
    notes: str = ""
    mineral_type: str = ""
    products_confiscated: bool | None = None
    equipment_seized: bool | None = None
    #: 000 §4(3)1: facts of an illegal transfer or resale of land (``portal.domain.referral``)
    transfer_land_type: str = ""
    transfer_area_mu: float | None = None
    illegal_gains_wan_yuan: float | None = None
    repeat_after_penalty: bool = False
    referred_to_police: bool = False  #: 移送公安机关 (a case, whatever the number of persons)

    def transfer_facts(self) -> TransferFacts:
        return TransferFacts(land_type=self.transfer_land_type, area_mu=self.transfer_area_mu,
                             gains_wan_yuan=self.illegal_gains_wan_yuan,
                             repeat_after_penalty=self.repeat_after_penalty)

    @property
    def police_referral_recorded(self) -> bool:
        return self.referred_to_police or (self.criminal_referrals or 0) >= 1


def require_police_referral(measures: Measures) -> None:
    """000 §4(3)1 (also 004 C12, L27): facts at a criminal threshold (``referral.thresholds_met``)
    must be referred to public security: a conclusion that records no referral (移送公安机关, or
    persons referred for criminal liability) is refused, naming the threshold met."""
    met = thresholds_met(measures.transfer_facts())
    if met and not measures.police_referral_recorded:
        raise DomainError(N_("违法事实已达到移送公安机关的标准（%(threshold_msg)s），请勾选“已移送公安机关”"
                             "或填写移送追究刑事责任人数后再办结。"), field="referred_to_police",
                          threshold_msg=THRESHOLD_TITLES[met[0]])


#: the levels of the acceptance check, as the annex forms' columns name them (003 Annex 2, 3)
ACCEPTANCE_LEVELS = {"county": N_("县级"), "city": N_("市级"), "province": N_("省级")}


@dataclass
class AcceptanceCheck:
    level: str  #: county | city | province
    meets_standard: bool  #: 是否达标
    checked_on: date  #: the day of the check (Asia/Shanghai), as the report of the check dates it
    by: str
    at: datetime  #: when it was recorded
    note: str = ""


@dataclass
class WriteOff:
    """销号: the item leaves the ledger's open items (003 §2(3))."""

    at: datetime
    by: str
    note: str = ""


class LedgerSteps:
    """The acceptance check and the write-off, as steps of the ``Complaint`` (a mixin: the
    complaint holds ``acceptance_checks`` and ``write_off``, and records each step as an event)."""

    def _ledger_open(self, message: str) -> None:
        if self.status not in ("concluded", "closed"):  # Status is a StrEnum
            raise Conflict(message, status=self.status.value)
        if self.finding is None or not self.finding.substantiated:
            raise DomainError(N_("核查不属实的举报没有需要验收和销号的违法行为。"))

    def record_acceptance_check(self, now: datetime, actor: str, unit: str, level: str, meets_standard: bool,
                                checked_on: date, note: str = "") -> None:
        """003 §2(3), Annex 2 and 3: the acceptance check of a concluded, substantiated item at a
        level, with whether it meets the standard; refused once the item is written off."""
        self._ledger_open(N_("只有已办结的举报才能登记验收。"))
        if self.write_off is not None:
            raise Conflict(N_("这件举报已经销号，不能再登记验收。"))
        if level not in ACCEPTANCE_LEVELS:
            raise DomainError(N_("请选择验收层级。"), field="level")
        if checked_on > local_date(now):
            raise DomainError(N_("验收日期不能晚于今天。"), field="checked_on")
        if self.concluded_at is not None and checked_on < local_date(self.concluded_at):
            raise DomainError(N_("验收日期不能早于办结日期。"), field="checked_on")
        check = AcceptanceCheck(level=level, meets_standard=meets_standard, checked_on=checked_on, by=actor,
                                at=now, note=note.strip())
        self.acceptance_checks.append(check)
        self._record(now, "acceptance_checked", actor, unit=unit, note=check.note,
                     data={"level": level, "meets_standard": meets_standard, "checked_on": checked_on.isoformat()})

    def record_write_off(self, now: datetime, actor: str, unit: str, note: str = "") -> None:
        """003 §2(3): written off (销号) only after an acceptance check that met the standard is
        recorded; once."""
        self._ledger_open(N_("只有已办结的举报才能销号。"))
        if self.write_off is not None:
            raise Conflict(N_("这件举报已经销号。"))
        if not self.acceptance_checks:
            raise DomainError(N_("尚未登记验收，不能销号。请先登记验收情况。"))
        if not any(c.meets_standard for c in self.acceptance_checks):
            raise DomainError(N_("验收未达标，不能销号。"))
        self.write_off = WriteOff(at=now, by=actor, note=note.strip())
        self._record(now, "written_off", actor, unit=unit, note=note.strip())

    def clear_ledger_steps(self) -> dict:
        """On reopening: the checks and the write-off were of the earlier handling. Returns what
        was cleared, for the reopening event (the history keeps the steps themselves)."""
        cleared = {"acceptance_checks": len(self.acceptance_checks), "written_off": self.write_off is not None}
        self.acceptance_checks = []
        self.write_off = None
        return cleared

    # --- what the ledger's acceptance columns read ---------------------------------------
    def accepted_at(self, level: str) -> bool | None:
        """The latest check at ``level``: met the standard (是) or not (否); None if none (blank)."""
        checks = [c for c in self.acceptance_checks if c.level == level]
        return checks[-1].meets_standard if checks else None

    @property
    def meets_standard(self) -> bool | None:
        """是否达标: the latest check's answer, None before any check."""
        return self.acceptance_checks[-1].meets_standard if self.acceptance_checks else None

    @property
    def accepted(self) -> bool | None:
        """是否验收: a check met the standard (是), checks but none did (否), no check (None)."""
        if not self.acceptance_checks:
            return None
        return any(c.meets_standard for c in self.acceptance_checks)
