"""The complaint (a ticket): its state machine, its clocks and its append-only history.

Pure Python; every method takes ``now`` (or an instant) as an argument. Each state change
appends an Event; the repository stores the complaint and its new events in one
transaction. Nothing is ever removed from the history.

States (the 12336 vocabulary, RULES.md §7): received (接收) -> accepted (受理, verified
and handled) -> concluded (办结) -> closed (结果已告知); or received -> declined (不予受理).
A supervisor may reopen a declined, concluded or closed ticket.

Forced demolition (004 C25), a step inside handling: the lead unit records that the penalty
decision and the request for forced demolition were handed over to urban management (only
inside the county built-up area), which starts a 3-working-day clock; urban management
records the demolition plan, which meets it. Urban management sees the ticket from the
handover on (``Complaint.demolition_unit``, ``portal.domain.access``).

The value types (statuses, findings, Event, Evidence, Contact, Onsite, Alert, ...) live in
``portal.domain.complaint_values`` and are re-exported here (``__all__``), so
``from portal.domain.complaint import Status`` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from portal.domain.calendar import WorkingCalendar
from portal.domain.campaigns.survey import SurveyOrigin, SurveySteps
from portal.domain.channels import ChannelSteps, Intake
from portal.domain.complaint_values import (
    DECLINE_REASONS, DISCLOSURE_STEPS, FINAL_STATUSES, FINDING_TITLES, OPEN_STATUSES, STATUS_TITLES, VERBATIM, Alert,
    Contact, Event, Evidence, Finding, Notify, Onsite, Status,
)
from portal.domain.deadlines import (
    LADDER_KINDS, REMINDER_KINDS, Clock, ClockKind, acceptance_clock, demolition_plan_clock, ladder_clocks,
    onsite_clock, rectification_clock, recompute, result_notice_clock,
)
from portal.domain.errors import Conflict, DomainError
from portal.domain.geo import Point
from portal.domain.demolition import DEMOLITION_PLAN_PUBLIC, Demolition, DemolitionSteps
from portal.domain.measures import AcceptanceCheck, LedgerSteps, Measures, WriteOff, require_police_referral
from portal.i18n import N_

__all__ = ["Complaint", "Status", "Finding", "Event", "Evidence", "Contact", "Onsite", "Measures", "Demolition",
           "AcceptanceCheck", "WriteOff", "Alert", "Notify", "STATUS_TITLES", "FINDING_TITLES", "DECLINE_REASONS",
           "DISCLOSURE_STEPS", "DEMOLITION_PLAN_PUBLIC", "VERBATIM", "require_police_referral", "OPEN_STATUSES",
           "FINAL_STATUSES", "Intake"]


@dataclass
class Complaint(DemolitionSteps, LedgerSteps, ChannelSteps, SurveySteps):
    id: str
    seq: int
    county: str
    category: str
    description: str
    address: str
    lat: float | None
    lng: float | None
    township: str
    in_built_up_area: bool
    lead: str
    co_handler: str | None
    discipline_only: bool
    received_at: datetime
    receipt_hash: str
    case_id: str
    status: Status = Status.RECEIVED
    evidence: list[Evidence] = field(default_factory=list)
    contact: Contact | None = None
    clocks: dict[str, Clock] = field(default_factory=dict)
    assigned_to: str | None = None
    info_pending: bool = False
    decline_reason: str | None = None
    decline_text: str = ""
    finding: Finding | None = None
    measures: Measures | None = None
    result_text: str = ""
    onsite: Onsite | None = None
    stop_order_at: datetime | None = None
    rectified_at: datetime | None = None
    concluded_at: datetime | None = None
    closed_at: datetime | None = None
    purge_at: datetime | None = None  #: when personal data is purged (retention), set when the ticket closes
    purged_at: datetime | None = None  #: when the last retention purge ran
    case_kind: str = "new"  #: new | stock (004 C22, L19), mirrored from the case for the ladder
    demolition: Demolition | None = None  #: 004 C25, set by the handover to urban management
    #: 004 C22, L19: the stock case's registration date (earlier register/ledger), mirrored for the ledger
    stock_registered_on: date | None = None
    #: 003 §2(3): acceptance checks and the write-off (销号), after the conclusion (``portal.domain.measures``)
    acceptance_checks: list[AcceptanceCheck] = field(default_factory=list)
    write_off: WriteOff | None = None
    #: how the report arrived: channel, source, external reference, receiving unit (portal.domain.channels)
    intake: Intake = field(default_factory=Intake)
    #: found by a responsible unit in a campaign's survey (排查摸底): no reporter (``domain.campaigns.survey``)
    survey: SurveyOrigin | None = None
    #: the id outsiders (Open311) see: a keyed hash, so it reveals neither the filing time nor the internal id
    public_id: str = ""
    event_count: int = 0
    version: int = 0
    #: events and notifications recorded since load; the repository writes and clears them
    new_events: list[Event] = field(default_factory=list, repr=False)
    #: (kind, number of the event that triggered it): the SMS idempotency key with the complaint id
    new_notifications: list[tuple[Notify, int]] = field(default_factory=list, repr=False)

    # --- creation ----------------------------------------------------------------------
    @classmethod
    def file(cls, *, id: str, seq: int, county: str, category: str, description: str, address: str,
             point: Point | None, routing, received_at: datetime, receipt_hash: str, case_id: str,
             evidence: list[Evidence], contact: Contact | None, calendar: WorkingCalendar,
             lead_name: str, public_id: str = "", place: dict | None = None, intake: Intake | None = None,
             routed_at: datetime | None = None, feedback_days: int | None = None) -> "Complaint":
        """A new ticket. ``received_at`` starts the clocks (004 C20, L17); for a report registered
        by staff (``intake``) it is the instant the unit received it, and ``routed_at`` (the
        registration) starts the township's 2 hours (004 C17(2), L15(2): from when it is told).
        ``place``: how the point was found when it is not the reporter's pin (a chosen village's
        approximate point), kept in the routing event for the staff."""
        c = cls(
            id=id, seq=seq, county=county, category=category, description=description, address=address,
            lat=point.lat if point else None, lng=point.lng if point else None, township=routing.township,
            in_built_up_area=routing.in_built_up_area, lead=routing.lead, co_handler=routing.co_handler,
            discipline_only=routing.discipline_only, received_at=received_at, receipt_hash=receipt_hash,
            case_id=case_id, evidence=list(evidence), contact=contact, public_id=public_id, intake=intake or Intake(),
        )
        routed_at = routed_at or received_at
        c._add_clock(acceptance_clock(received_at, calendar))
        if routing.co_handler:
            c._add_clock(onsite_clock(routed_at))
        if not routing.discipline_only:
            for clock in ladder_clocks(received_at):
                c._add_clock(clock)
        c._record(received_at, "filed", "reporter", public=N_("您的举报已收到。"),
                  data={"category": category})
        c._registered(routed_at, calendar, feedback_days)
        c._record(routed_at, "routed", "system",
                  public=N_("已转交%(lead)s办理。"), params={"lead": lead_name},
                  data={"lead": routing.lead, "co_handler": routing.co_handler,
                        "in_built_up_area": routing.in_built_up_area, **({"place": place} if place else {})})
        return c

    # --- helpers -----------------------------------------------------------------------
    @property
    def point(self) -> Point | None:
        return Point(self.lng, self.lat) if self.lat is not None and self.lng is not None else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def demolition_unit(self) -> str | None:
        """The department that co-handles the forced-demolition step (004 C25), once handed over."""
        return self.demolition.unit if self.demolition is not None else None

    def clock(self, kind: ClockKind) -> Clock | None:
        return self.clocks.get(kind.value)

    def _add_clock(self, clock: Clock) -> None:
        self.clocks[clock.kind.value] = clock

    def _record(self, at: datetime, kind: str, actor: str, *, unit: str | None = None, note: str = "",
                public: str | None = None, params: dict | None = None, data: dict | None = None) -> Event:
        self.event_count += 1
        event = Event(n=self.event_count, at=at, kind=kind, actor=actor, unit=unit, note=note, public=public,
                      params=params or {}, data=data or {})
        self.new_events.append(event)
        return event

    def _notify(self, kind: Notify) -> None:
        self.new_notifications.append((kind, self.event_count))

    def _require(self, allowed: set[Status] | frozenset[Status], message: str) -> None:
        if self.status not in allowed:
            raise Conflict(message, status=self.status.value)

    def wake_at(self) -> datetime | None:
        """The earliest instant the sweeper must look at this complaint (due index)."""
        times = [t for t in (c.wake_at() for c in self.clocks.values()) if t is not None]
        if self.purge_at is not None:
            times.append(self.purge_at)
        return min(times) if times else None

    def next_due(self) -> datetime | None:
        """Nearest open deadline (queue order)."""
        dues = [c.due_at for c in self.clocks.values() if c.is_open]
        return min(dues) if dues else None

    def is_overdue(self, now: datetime) -> bool:
        return any(c.is_open and now > c.due_at for c in self.clocks.values())

    def _meet(self, kind: ClockKind, at: datetime, actor: str, *, recorded_at: datetime | None = None) -> None:
        """Meet the clock at ``at``. ``recorded_at`` is when the step is entered, for a step whose
        time is typed in (an arrival, a plan): entered after the due instant, it is a breach
        whatever earlier time is typed, so a backdated entry cannot avoid one the sweeper has not
        yet recorded."""
        clock = self.clock(kind)
        if clock is None:
            return
        if clock.meet(at, recorded_at=recorded_at):
            self._record(max(at, recorded_at or at), "breach_recorded", "system",
                         data={"clock": kind.value, "late": True})

    def _cancel(self, kinds, at: datetime) -> None:
        for kind in kinds:
            clock = self.clocks.get(kind.value if isinstance(kind, ClockKind) else kind)
            if clock is not None:
                clock.cancel(at)

    # --- actions (who may take them is decided in portal.domain.access) ----------------
    def accept(self, now: datetime, actor: str, unit: str, note: str = "") -> None:
        """004 C20, L17: accept (受理) within 3 working days of receipt."""
        if self.status == Status.ACCEPTED:
            raise Conflict(N_("这件举报已经受理过了。"))
        self._require({Status.RECEIVED}, N_("当前状态不能受理。"))
        self.status = Status.ACCEPTED
        self._meet(ClockKind.ACCEPTANCE, now, actor)
        self._record(now, "accepted", actor, unit=unit, note=note, public=N_("您的举报已受理，正在核查处理。"))
        self._notify(Notify.ACCEPTED)

    def decline(self, now: datetime, actor: str, unit: str, reason: str, text: str) -> None:
        """004 C20, L17: a report that is not eligible is declined and the reporter told within
        3 working days. The acceptance clock is met when the notice goes out: at once on the
        status page, or when the SMS is sent if a verified phone is on file."""
        self._require({Status.RECEIVED}, N_("只有尚未受理的举报才能作不予受理决定。"))
        if reason not in DECLINE_REASONS:
            raise DomainError(N_("请选择不予受理的理由。"), field="reason")
        text = text.strip()
        if not text:
            raise DomainError(N_("请写明告知举报人的不予受理理由。"), field="text")
        self.status = Status.DECLINED
        self.decline_reason, self.decline_text = reason, text
        self.info_pending = False
        self._record(now, "declined", actor, unit=unit,
                     public=N_("不予受理。理由：%(reason_msg)s。%(text)s"),
                     params={"reason_msg": DECLINE_REASONS[reason], "text": text}, data={"reason": reason})
        for kind in self.clocks:  # the feedback owed to a higher level stays owed (004 C9, L8)
            if kind not in (ClockKind.ACCEPTANCE.value, ClockKind.HANDOVER_FEEDBACK.value):
                self.clocks[kind].cancel(now)
        if self.contact is not None and self.contact.reachable:
            self._notify(Notify.DECLINED)
        else:
            self._meet(ClockKind.ACCEPTANCE, now, actor)
        self.closed_at = now

    def transfer(self, now: datetime, actor: str, unit: str, to: str, to_name: str, reason: str,
                 to_is_discipline: bool) -> None:
        """Transfer to another department; the reporter's clocks do not restart."""
        self._require(OPEN_STATUSES, N_("已办结或不予受理的举报不能移交。"))
        if to == self.lead:
            raise DomainError(N_("不能移交给本部门。"), field="to")
        if self.discipline_only and not to_is_discipline:
            raise DomainError(N_("涉及公职人员的举报只能由纪委监委办理，不能移交其他部门。"), field="to")
        if not reason.strip():
            raise DomainError(N_("请写明移交理由。"), field="reason")
        previous = self.lead
        self.lead = to
        self.assigned_to = None
        if to_is_discipline and not self.discipline_only:
            # A report found to involve an official leaves every other department's view.
            self.discipline_only = True
            self.co_handler = None
            self._cancel(LADDER_KINDS | {ClockKind.ONSITE, ClockKind.DEMOLITION_PLAN}, now)
        self._record(now, "transferred", actor, unit=unit, note=reason.strip(),
                     public=N_("已移交%(to)s办理。"), params={"to": to_name}, data={"from": previous, "to": to})

    def ask_information(self, now: datetime, actor: str, unit: str, question: str) -> None:
        """Ask the reporter for more information, anonymously, through the status page."""
        self._require(OPEN_STATUSES, N_("已办结或不予受理的举报不能再请举报人补充信息。"))
        if not self.has_reporter:
            raise Conflict(N_("排查发现的问题没有举报人，不能请举报人补充信息。"))
        question = question.strip()
        if not question:
            raise DomainError(N_("请写明需要举报人补充的内容。"), field="question")
        self.info_pending = True
        self._record(now, "info_requested", actor, unit=unit, public=VERBATIM, params={"text": question})
        self._notify(Notify.INFO_REQUESTED)

    def reporter_reply(self, now: datetime, text: str) -> None:
        if self.status not in OPEN_STATUSES:
            raise Conflict(N_("这件举报已经办结，不能再补充信息。"))
        text = text.strip()
        if not text:
            raise DomainError(N_("请填写要补充的内容。"), field="text")
        self.info_pending = False
        self._record(now, "reporter_replied", "reporter", note=text, public=VERBATIM, params={"text": text})

    def record_onsite(self, now: datetime, actor: str, unit: str, arrived_at: datetime, findings: str,
                      photos: list[str]) -> None:
        """004 C17(2), L15(2): the township's team on site within 2 hours; met at the arrival time.
        Recorded after the 2 hours, it is a breach even if the arrival typed is earlier."""
        self._require(OPEN_STATUSES, N_("已办结或不予受理的举报不能再登记现场核查。"))
        if arrived_at > now:
            raise DomainError(N_("到场时间不能晚于现在。"), field="arrived_at")
        if arrived_at < self.received_at:
            raise DomainError(N_("到场时间不能早于收到举报的时间。"), field="arrived_at")
        if not findings.strip():
            raise DomainError(N_("请填写现场核查情况。"), field="findings")
        self.onsite = Onsite(arrived_at=arrived_at, findings=findings.strip(), recorded_by=actor, photos=list(photos))
        self._meet(ClockKind.ONSITE, arrived_at, actor, recorded_at=now)
        self._record(now, "onsite_recorded", actor, unit=unit, note=findings.strip(),
                     public=N_("属地执法人员已到现场核查。"),
                     data={"arrived_at": arrived_at.isoformat(), "photos": len(photos)})

    def issue_stop_order(self, now: datetime, actor: str, unit: str, note: str) -> None:
        """004 C17(2), L15(2), C23: stop the work and order rectification within 5 days."""
        self._require(OPEN_STATUSES, N_("已办结或不予受理的举报不能再下达停工通知。"))
        if self.stop_order_at is not None:
            raise Conflict(N_("已经下达过责令停止违法行为通知。"))
        self.stop_order_at = now
        self._add_clock(rectification_clock(now))
        self._record(now, "stop_order_issued", actor, unit=unit, note=note.strip(),
                     public=N_("已责令当事人停止违法行为并限期整改。"))

    def record_rectified(self, now: datetime, actor: str, unit: str, note: str) -> None:
        """Stopped and rectified (restored): meets the rectification clock and the ladder (004 C34, L30)."""
        self._require(OPEN_STATUSES, N_("已办结或不予受理的举报不能再登记整改。"))
        if self.rectified_at is not None:
            raise Conflict(N_("已经登记过整改完成。"))
        self.rectified_at = now
        self._meet(ClockKind.RECTIFICATION, now, actor)
        for kind in LADDER_KINDS:
            self._meet(kind, now, actor)
        self._record(now, "rectified", actor, unit=unit, note=note.strip(), public=N_("违法行为已制止并整改。"))

    def conclude(self, now: datetime, actor: str, unit: str, finding: Finding, measures: Measures,
                 result_text: str, calendar: WorkingCalendar) -> None:
        """Handling ends (办结): the result-notice clock of 7 working days starts (004 C20, L17).
        Refused while the forced-demolition plan is still owed (004 C25)."""
        if self.status == Status.RECEIVED:
            raise Conflict(N_("请先受理，再办结。"))
        self._require({Status.ACCEPTED}, N_("当前状态不能办结。"))
        result_text = result_text.strip()
        if not result_text:
            raise DomainError(N_("请填写告知举报人的处理结果。"), field="result_text")
        plan = self.clock(ClockKind.DEMOLITION_PLAN)
        if plan is not None and plan.is_open:
            # 004 C25: urban management owes the plan within 3 working days of the handover;
            # the ticket stays open (and the clock running) until the plan is recorded.
            raise Conflict(N_("城管执法局尚未制定强制拆除方案，请在登记拆除方案后再办结。"))
        require_police_referral(measures)
        self.status = Status.CONCLUDED
        self.finding, self.measures, self.result_text = finding, measures, result_text
        self.concluded_at = now
        self.info_pending = False
        # Handling has ended: the violation is either dealt with or not found. The ladder and
        # rectification clocks close with it; the on-site clock, if still open, is moot.
        for kind in LADDER_KINDS | {ClockKind.RECTIFICATION}:
            clock = self.clock(kind)
            if clock is not None and clock.is_open:
                if finding.substantiated:
                    self._meet(kind, now, actor)
                else:
                    clock.cancel(now)
        self._cancel({ClockKind.ONSITE}, now)
        self._record(now, "concluded", actor, unit=unit,
                     public=N_("已办结。核查结论：%(finding_msg)s。处理结果：%(result)s"),
                     params={"finding_msg": FINDING_TITLES[finding], "result": result_text},
                     data={"finding": finding.value})
        if not self.has_reporter:  # found in a campaign's survey: nobody to tell (domain.campaigns.survey)
            self.status, self.closed_at = Status.CLOSED, now
            return
        self._add_clock(result_notice_clock(now, calendar))
        self._notify(Notify.RESULT)

    def record_written_notice(self, now: datetime, actor: str, unit: str, note: str) -> None:
        """The result told in writing (a reporter without a phone): meets the result-notice clock."""
        self._require({Status.CONCLUDED}, N_("只有已办结、尚未告知结果的举报才能登记书面告知。"))
        self._meet(ClockKind.RESULT_NOTICE, now, actor)
        self.status = Status.CLOSED
        self.closed_at = now
        self._record(now, "written_notice_recorded", actor, unit=unit, note=note.strip())

    def result_read_on_status_page(self, now: datetime) -> bool:
        """A reporter without a phone reads the result on the status page: the written notice."""
        if self.status != Status.CONCLUDED or (self.contact is not None and self.contact.reachable):
            return False
        self._meet(ClockKind.RESULT_NOTICE, now, "reporter")
        self.status = Status.CLOSED
        self.closed_at = now
        self._record(now, "result_read", "reporter", public=N_("您已在查询页面看到处理结果。"))
        return True

    def notice_sent(self, kind: Notify, at: datetime) -> None:
        """The provider took the SMS. A decline notice then meets the acceptance clock."""
        if kind == Notify.DECLINED:
            self._meet(ClockKind.ACCEPTANCE, at, "system")
        self._record(at, "sms_sent", "system", data={"kind": kind.value})

    def notice_delivered(self, kind: Notify, at: datetime) -> None:
        """The provider reports delivery. The result SMS delivered meets the result-notice clock."""
        self._record(at, "sms_delivered", "system", data={"kind": kind.value})
        if kind == Notify.RESULT and self.status == Status.CONCLUDED:
            self._meet(ClockKind.RESULT_NOTICE, at, "system")
            self.status = Status.CLOSED
            self.closed_at = at

    def notice_failed(self, kind: Notify, at: datetime, permanent: bool) -> None:
        self._record(at, "sms_failed", "system", data={"kind": kind.value, "permanent": permanent})
        if permanent and kind == Notify.DECLINED:
            # the decision stands on the status page, the reporter's only other channel
            self._meet(ClockKind.ACCEPTANCE, at, "system")

    def reopen(self, now: datetime, actor: str, unit: str, reason: str, calendar: WorkingCalendar) -> None:
        """A supervisor reopens a declined or concluded ticket."""
        self._require(FINAL_STATUSES, N_("只有不予受理或已办结的举报才能重新办理。"))
        if not reason.strip():
            raise DomainError(N_("请写明重新办理的理由。"), field="reason")
        previous = self.status
        if previous == Status.DECLINED:
            self.status = Status.RECEIVED
            self.decline_reason, self.decline_text = None, ""
            self._add_clock(acceptance_clock(now, calendar))
        else:
            self.status = Status.ACCEPTED
            self.finding, self.result_text, self.concluded_at = None, "", None
            self._cancel({ClockKind.RESULT_NOTICE}, now)
        self.closed_at = None
        self.purge_at = None
        data: dict = {"from": previous.value}
        if self.acceptance_checks or self.write_off is not None:
            data["cleared"] = self.clear_ledger_steps()  # 003 §2(3): of the earlier handling
        self._record(now, "reopened", actor, unit=unit, note=reason.strip(),
                     public=N_("您的举报已重新办理。"), data=data)

    def assign(self, now: datetime, actor: str, unit: str, assignee: str) -> None:
        self._require(OPEN_STATUSES | {Status.CONCLUDED}, N_("这件举报已经结束，不能再分派。"))
        self.assigned_to = assignee
        self._record(now, "assigned", actor, unit=unit, data={"to": assignee})

    def mark_case(self, now: datetime, actor: str, unit: str, case_id: str, kind: str, note: str,
                  registered_on: date | None = None) -> None:
        """Record a case change (merged, split, stock/new) on this ticket's history; a stock
        case's registration date (004 C22, L19) is mirrored for the ledger."""
        self.case_id = case_id
        self.case_kind = kind
        self.stock_registered_on = registered_on if kind == "stock" else None
        if kind == "stock":
            # 004 C34 / L30 apply to new violations only
            self._cancel(LADDER_KINDS, now)
        data: dict = {"case": case_id, "kind": kind}
        if self.stock_registered_on is not None:
            data["registered_on"] = self.stock_registered_on.isoformat()
        self._record(now, "case_changed", actor, unit=unit, note=note, data=data)

    def add_evidence(self, now: datetime, actor: str, unit: str | None, items: list[Evidence]) -> None:
        self.evidence.extend(items)
        self._record(now, "evidence_added", actor, unit=unit, data={"count": len(items)})

    def verify_contact(self, now: datetime) -> None:
        if self.contact is None or not self.contact.is_phone:
            raise Conflict(N_("这件举报没有留手机号码。"))
        if self.contact.verified_at is not None:
            return
        self.contact.verified_at = now
        self._record(now, "phone_verified", "reporter", public=N_("手机号码已验证，处理进展将以短信通知您。"))
        self._notify(Notify.RECEIVED)

    def record_disclosure(self, now: datetime, step: str, actor: str, unit: str, request_n: int,
                          params: dict) -> None:
        """A step of a request to see the reporter's phone (``portal.domain.disclosure``):
        requested, approved, denied, viewed or withdrawn. The reporter reads every step."""
        self._record(now, f"disclosure_{step}", actor, unit=unit, public=DISCLOSURE_STEPS[step], params=params,
                     data={"request": request_n})

    # --- retention ----------------------------------------------------------------------
    def schedule_purge(self, now: datetime, retention: timedelta) -> bool:
        """A ticket that has closed (declined, or its result told) keeps the reporter's personal
        data for ``retention`` more, then the sweeper purges it (the due index wakes it at
        ``purge_at``). Reopening clears the date; closing again sets a new one."""
        if self.status not in (Status.DECLINED, Status.CLOSED) or self.closed_at is None or self.purge_at is not None:
            return False
        if self.purged_at is not None and self.purged_at >= self.closed_at:
            return False  # this closure's purge already ran
        self.purge_at = self.closed_at + retention
        self._record(now, "purge_scheduled", "system", data={"purge_at": self.purge_at.isoformat()})
        return True

    def purge_due(self, now: datetime) -> bool:
        return self.purge_at is not None and now >= self.purge_at

    def purge_contact(self, now: datetime, removed: dict[str, int] | None = None) -> None:
        """Retention ends: the contact envelope and its hash are removed (the purge steps of
        ``portal.services.retention`` removed the rest, counted in ``removed``); the complaint
        text, evidence and history stay. The purge is an event."""
        if self.purge_at is None:
            return
        had_contact = self.contact is not None and self.contact.purged_at is None
        if had_contact:
            self.contact = Contact(envelope=None, phone_hash=None, verified_at=self.contact.verified_at,
                                   purged_at=now, kind=self.contact.kind)
        removed = {k: v for k, v in (removed or {}).items() if v}
        if had_contact:
            removed["contact"] = 1
        self.purge_at = None
        self.purged_at = now
        self._record(now, "contact_purged", "system",
                     public=N_("按保存期限规定，您的联系方式已删除。") if had_contact else None,
                     data={"removed": removed})

    # --- sweeping ----------------------------------------------------------------------
    def sweep(self, now: datetime) -> list["Alert"]:
        """Act on every clock whose wake instant has come: remind, warn, record a breach and
        escalate it, each at most once (the flags are stored with the clock)."""
        alerts: list[Alert] = []
        for clock in self.clocks.values():
            if not clock.is_open:
                continue
            if clock.warn_at is not None and clock.warned_at is None and now >= clock.warn_at and now <= clock.due_at:
                clock.warned_at = now
                kind = "reminder" if clock.kind in REMINDER_KINDS else "at_risk"
                self._record(now, f"clock_{kind}", "system", data={"clock": clock.kind.value})
                alerts.append(Alert(kind=kind, clock=clock.kind, complaint_id=self.id, at=now, due_at=clock.due_at))
            if clock.breached_at is None and now > clock.due_at:
                clock.breached_at = clock.due_at
                if clock.warn_at is not None and clock.warned_at is None:
                    clock.warned_at = now  # too late to warn; the breach says it
                self._record(now, "breach_recorded", "system", data={"clock": clock.kind.value})
                alerts.append(Alert(kind="breach", clock=clock.kind, complaint_id=self.id, at=now, due_at=clock.due_at))
        return alerts

    def recompute_clocks(self, calendar: WorkingCalendar) -> list[str]:
        moved = [kind for kind, clock in self.clocks.items() if recompute(clock, calendar)]
        return moved
