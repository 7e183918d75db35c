"""How a report reaches the portal: its channel, its source, and the rules of registering it.

Pure Python, ``now`` passed in. 004 C20 / L17 make every township and the four county bureaus
publish a mailbox, an email address and a phone for reports, and C9, C11, C14 and L8 speak of
clues handed down by higher levels (上级交办) and transferred by other departments (相关部门移交).
A report that arrives any of those ways is registered by an officer of the receiving unit and
then lives exactly like a web filing: same validation, routing, clocks, ledger and rewards.

The model (``Intake`` on every complaint):

- **channel**: how it arrived (``CHANNELS``): the reporter's own web form (also the JSON API
  and Open311), a phone call, a letter, an email, a visit, a hand-over from a higher level
  (上级交办) or a transfer from another department (相关部门移交);
- **source**: who sent it (``SOURCES``): a citizen, the 12345 or 12336 hotline, the city, the
  province, another department; a source may need an external reference number (a 12345 work
  order) and may owe feedback to the sender within working days the county file sets per
  source (``County.feedback_working_days``);
- **received**: the instant the receiving unit received it, entered by the officer; the
  clocks count from it (004 C20, L17: 接到投诉、举报后……3个工作日内); a day in the future or
  before the county's go-live is refused, and a day before the registration is marked
  backdated in the history and the audit trail.

**Adding a source** (e.g. village grid patrols, ``patrol``): one ``Source`` entry (and a
``Channel`` entry if it arrives a new way), its msgid translated, and, if it owes feedback,
a deadline in the county file. Nothing else changes: registration, the ticket page, the
ledger and the oversight figures read these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint_values import Status
from portal.domain.deadlines import ClockKind, feedback_clock
from portal.domain.errors import Conflict, DomainError
from portal.i18n import N_
from portal.timeutil import SHANGHAI, as_utc, end_of_local_day, local_date

if TYPE_CHECKING:  # pragma: no cover
    from portal.domain.complaint import Complaint


# --------------------------------------------------------------------------------------
# The registry: channels, sources, contact kinds
# --------------------------------------------------------------------------------------

#: the reporter's contact (004 C20: results told 书面或手机短信): a phone (SMS), a postal address
#: (a written notice), an email address (replies by mail), or nothing (the status page only)
CONTACT_KINDS = ("none", "phone", "postal", "email")
CONTACT_KIND_TITLES = {
    "none": N_("不留联系方式（凭回执号查询）"),
    "phone": N_("手机号码（短信告知）"),
    "postal": N_("通信地址（书面告知）"),
    "email": N_("电子邮箱（邮件告知）"),
}


@dataclass(frozen=True)
class Source:
    code: str
    title: str  #: msgid
    reference: bool = False  #: an external reference number (work order, letter number) is required
    feedback: bool = False  #: the result is fed back to the sender (deadline: county file)
    from_unit: bool = False  #: the sending department is named


@dataclass(frozen=True)
class Channel:
    code: str
    title: str  #: msgid
    staff: bool  #: registered by staff (False: the reporter files it)
    sources: tuple[str, ...]
    contacts: tuple[str, ...]


SOURCES = {s.code: s for s in (
    Source("citizen", N_("群众举报")),
    # 004 C9, C14(1), L8: 上级交办
    Source("12345", N_("12345政务服务便民热线"), reference=True, feedback=True),
    Source("12336", N_("12336国土资源违法举报"), reference=True, feedback=True),
    Source("city", N_("市级交办"), reference=True, feedback=True),
    Source("province", N_("省级交办"), reference=True, feedback=True),
    # 004 C9, C11, C14(1), L8: 相关部门移交
    Source("department", N_("相关部门移交"), feedback=True, from_unit=True),
    # 003 §2(3): found by a responsible unit in a special campaign's survey (排查摸底); not a report
    Source("survey", N_("专项行动排查发现")),
)}

_CITIZEN_CONTACTS = ("none", "phone", "postal")
CHANNELS = {c.code: c for c in (
    Channel("web", N_("网上举报"), staff=False, sources=("citizen",), contacts=("none", "phone")),
    # 004 C20, L17: 向社会公布信箱、电子邮箱和电话
    Channel("phone", N_("电话举报"), staff=True, sources=("citizen",), contacts=_CITIZEN_CONTACTS),
    Channel("letter", N_("来信举报"), staff=True, sources=("citizen",), contacts=_CITIZEN_CONTACTS),
    Channel("email", N_("电子邮件举报"), staff=True, sources=("citizen",), contacts=("none", "email", "phone", "postal")),
    Channel("visit", N_("来访举报"), staff=True, sources=("citizen",), contacts=_CITIZEN_CONTACTS),
    Channel("assigned", N_("上级交办"), staff=True, sources=("12345", "12336", "city", "province"),
            contacts=_CITIZEN_CONTACTS),
    Channel("transferred", N_("相关部门移交"), staff=True, sources=("department",), contacts=_CITIZEN_CONTACTS),
    # entered on the campaign's survey page (portal.services.campaigns.survey), not the registration form
    Channel("survey", N_("专项行动排查"), staff=False, sources=("survey",), contacts=("none",)),
)}

#: the channels an officer may pick on the registration form, in order
STAFF_CHANNELS = tuple(code for code, c in CHANNELS.items() if c.staff)


def channel_title(code: str) -> str:
    found = CHANNELS.get(code)
    return found.title if found else code


def source_title(code: str) -> str:
    found = SOURCES.get(code)
    return found.title if found else code


@dataclass
class Intake:
    """How a complaint reached the portal. A web filing keeps the defaults."""

    channel: str = "web"
    source: str = "citizen"
    external_ref: str = ""  #: the 12345 / 12336 work order, the city's or province's letter number
    from_unit: str = ""  #: 相关部门移交: the department that transferred it
    received_by: str | None = None  #: the unit that received it (need not be the lead)
    registered_by: str | None = None  #: the officer who typed it in
    registered_at: datetime | None = None
    received_time_known: bool = True  #: False: only the day was entered (a letter's stamp)
    backdated: bool = False  #: received on a day before the registration
    fed_back_at: datetime | None = None  #: 上级交办 / 移交: the result fed back to the sender
    fed_back_by: str | None = None

    @property
    def staff_registered(self) -> bool:
        found = CHANNELS.get(self.channel)
        return found is not None and found.staff

    @property
    def owes_feedback(self) -> bool:
        found = SOURCES.get(self.source)
        return found is not None and found.feedback


# --------------------------------------------------------------------------------------
# The received day (004 C20, L17: the clocks run from receipt)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    at: datetime  #: the instant the clocks and the first-reporter order use
    time_known: bool
    backdated: bool


def received_instant(day: date, at_time: time | None, go_live: date, now: datetime) -> Received:
    """004 C20, L17: the clocks count from the day the unit received the report, which the
    officer enters. A day (or time) in the future is refused; so is a day before the county's
    go-live (nothing could have reached this portal then). A day before today is backdated.
    Without a time the instant is the end of that day (or now, today): an unknown hour never
    puts a report ahead of one received the same day (first reporter, 004 C20, L17)."""
    today = local_date(now)
    if day > today:
        raise DomainError(N_("收到日期不能晚于今天。"), field="received_on")
    if day < go_live:
        raise DomainError(N_("收到日期不能早于本县启用本平台的日期（%(date)s）。"), field="received_on",
                          date=go_live.isoformat())
    if at_time is not None:
        instant = as_utc(datetime.combine(day, at_time, tzinfo=SHANGHAI))
        if instant > now:
            raise DomainError(N_("收到时间不能晚于现在。"), field="received_time")
    else:
        instant = min(now, as_utc(end_of_local_day(day)))
    return Received(at=instant, time_known=at_time is not None, backdated=day < today)


# --------------------------------------------------------------------------------------
# The complaint's steps for registered reports (mixed into ``Complaint``)
# --------------------------------------------------------------------------------------

POSTED_PUBLIC = N_("处理结果已书面告知，告知书已寄往您留下的通信地址。")


class ChannelSteps:
    """Methods of ``Complaint`` (``portal.domain.complaint``) for reports registered by staff."""

    def _registered(self: "Complaint", at: datetime, calendar: WorkingCalendar, feedback_days: int | None) -> None:
        """The registration event (after ``filed``, which carries the received instant), and for a
        hand-over the clock of the feedback owed to the sender (004 C9, C14(1), L8)."""
        intake = self.intake
        if not intake.staff_registered:
            return
        data = {"channel": intake.channel, "source": intake.source, "received_at": self.received_at.isoformat(),
                "backdated": intake.backdated}
        if intake.external_ref:
            data["external_ref"] = intake.external_ref
        if intake.from_unit:
            data["from_unit"] = intake.from_unit
        self._record(at, "registered", intake.registered_by or "system", unit=intake.received_by,
                     public=N_("已登记您通过%(channel_msg)s反映的问题。"), params={"channel_msg": channel_title(intake.channel)},
                     data=data)
        if intake.owes_feedback and feedback_days:
            self._add_clock(feedback_clock(self.received_at, feedback_days, calendar))

    def record_notice_posted(self: "Complaint", now: datetime, actor: str, unit: str, posted_on: date,
                             note: str) -> None:
        """004 C20, L17 (书面或手机短信): the written notice (书面告知) to a reporter who left a postal
        address was posted. It meets the result-notice clock of 7 working days on the day posted;
        recorded after the clock's due instant it is late whatever day is typed."""
        if self.status != Status.CONCLUDED:
            raise Conflict(N_("只有已办结、尚未告知结果的举报才能登记书面告知已寄出。"))
        if self.contact is None or self.contact.kind != "postal" or self.contact.envelope is None:
            raise Conflict(N_("举报人没有留通信地址（或已按保存期限删除），不能登记邮寄书面告知。"))
        if posted_on > local_date(now):
            raise DomainError(N_("寄出日期不能晚于今天。"), field="posted_on")
        if self.concluded_at is not None and posted_on < local_date(self.concluded_at):
            raise DomainError(N_("寄出日期不能早于办结日期。"), field="posted_on")
        posted_at = min(now, as_utc(end_of_local_day(posted_on)))
        self._meet(ClockKind.RESULT_NOTICE, posted_at, actor, recorded_at=now)
        self.status = Status.CLOSED
        self.closed_at = now
        self._record(now, "written_notice_posted", actor, unit=unit, note=note.strip(), public=POSTED_PUBLIC,
                     data={"posted_on": posted_on.isoformat()})

    def record_feedback(self: "Complaint", now: datetime, actor: str, unit: str, fed_back_on: date,
                        note: str) -> None:
        """004 C9, C14(1), L8 (上级交办、相关部门移交): the result was fed back to the higher level or
        the transferring department, once there is one (concluded, closed or declined). It meets
        the feedback clock the county file sets per source; recorded after its due instant it is
        late whatever day is typed."""
        if not self.intake.owes_feedback:
            raise Conflict(N_("这件举报不是上级交办或相关部门移交的，无需反馈。"))
        if self.intake.fed_back_at is not None:
            raise Conflict(N_("已经登记过向交办（移交）单位反馈办理结果。"))
        if self.status not in (Status.CONCLUDED, Status.CLOSED, Status.DECLINED):
            raise Conflict(N_("办结或作出不予受理决定后，才能向交办（移交）单位反馈办理结果。"))
        if fed_back_on > local_date(now):
            raise DomainError(N_("反馈日期不能晚于今天。"), field="fed_back_on")
        if fed_back_on < local_date(self.received_at):
            raise DomainError(N_("反馈日期不能早于收到日期。"), field="fed_back_on")
        at = min(now, as_utc(end_of_local_day(fed_back_on)))
        self.intake.fed_back_at, self.intake.fed_back_by = at, actor
        self._meet(ClockKind.HANDOVER_FEEDBACK, at, actor, recorded_at=now)
        self._record(now, "handover_feedback", actor, unit=unit, note=note.strip(),
                     data={"fed_back_on": fed_back_on.isoformat(), "source": self.intake.source})
