"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the county's categories as
services, filing through the intake service, and complaints as service requests.

What a caller sees depends on its API key (``portal.services.apikeys``):

- no key, or a ``public`` key: status, category, department, dates and a location rounded to
  0.01 degree (about 1 km); never the description, the address or media;
- a ``staff`` key (the county's own systems): the description, the address and the exact
  point as well. Evidence (``media_url``) stays inside the staff app for everyone;
- nobody: reports about public officials (``discipline_only``), which are not listed and
  answer 404 by id, since even their existence could expose the reporter (000 §2(3); RULES.md
  §2); nor the reporter's phone, receipt or anything else about the reporter.

Filing needs a key. The answer carries the new receipt as an extension field, ``receipt``:
a hotline passes it to the caller, whose only credential it is (004 C20, L17: the result
reaches the reporter). The receipt is shown this once and never again.

Texts a person reads are returned as ``Msg`` (a Chinese msgid and its values) for the web
layer to translate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.domain.complaint import STATUS_TITLES, Complaint, Status
from portal.domain.county import GROUP_TITLES, TOWNSHIP, County
from portal.domain.deadlines import ACCEPTANCE_WORKING_DAYS, ClockKind
from portal.domain.errors import DomainError, Forbidden, NotFound
from portal.i18n import N_
from portal.services import apikeys, filing_tokens, intake
from portal.services.deps import Deps
from portal.services.places import address as address_places
from portal.timeutil import iso_local, local, parse_iso, to_store

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: when this API last changed (discovery's ``changeset``)
CHANGESET = "2026-11-23T00:00:00+08:00"
FORMATS = ("application/json", "application/xml")
#: the most requests one query returns, and the most ids it takes
MAX_RESULTS = 1000
#: the default window of a query, and the longest it may span
WINDOW = timedelta(days=90)
#: the years a query date may name (first, last), both inclusive
YEARS = (2000, 2100)
#: decimal places of a location shown without a staff key (0.01 degree: about 1 km)
PUBLIC_PLACES = 2
_PUBLIC_ID = re.compile(r"^[0-9a-f]{20}$")

#: internal states Open311 calls ``open``: still running, or concluded with the result not yet
#: told to the reporter (its 7-working-day clock runs, 004 C20, L17); the rest are ``closed``
OPEN_STATES = frozenset({Status.RECEIVED, Status.ACCEPTED, Status.CONCLUDED})


@dataclass(frozen=True)
class Msg:
    """A Chinese msgid and its placeholder values, translated by the web layer."""

    text: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Words:
    """A comma-separated list for the web layer to render: each part a ``Msg`` (translated) or
    county data (kept as is)."""

    parts: tuple[Msg | str, ...]


@dataclass(frozen=True)
class Caller:
    """Who is asking: ``key`` is a keyed digest of the API key (None without one)."""

    scope: str  # anonymous | public | staff
    key: str | None = None

    @property
    def staff(self) -> bool:
        return self.scope == "staff"


ANONYMOUS = Caller("anonymous")


@dataclass(frozen=True)
class Submission:
    """The fields of ``POST requests``, as posted (strings or None)."""

    service_code: str | None
    description: str | None
    lat: str | None = None
    long: str | None = None
    address_string: str | None = None
    township: str | None = None  #: ``attribute[township]``
    phone: str | None = None
    media_url: str | None = None


@dataclass(frozen=True)
class Query:
    """The filters of ``GET requests``, as given (strings or None)."""

    service_request_id: str | None = None
    service_code: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    status: str | None = None


# --- who and where ------------------------------------------------------------------------
def jurisdiction(deps: Deps, default: County, jurisdiction_id: str | None) -> County:
    """The county asked about: ``jurisdiction_id`` (a division code) if given, else the host's."""
    if jurisdiction_id is None or not jurisdiction_id.strip():
        return default
    county = deps.counties.get(jurisdiction_id.strip())
    if county is None:
        raise NotFound(N_("没有这个辖区：jurisdiction_id 应为本平台服务的县的行政区划代码。"), field="jurisdiction_id")
    return county


def caller(deps: Deps, county: County, api_key: str | None, *, required: bool, in_url: bool = False) -> Caller:
    """The caller's scope. A key that is given must be active and belong to ``county``.

    ``in_url``: the key came in the query string, which proxies, browser histories and client
    tools write to their logs. GeoReport v2 puts keys there, so public keys stay welcome; a
    staff key, which opens descriptions, addresses and exact points, is refused there and must
    come in the ``X-Api-Key`` header."""
    if api_key is None or not api_key.strip():
        if required:
            raise Forbidden(N_("提交举报需要有效的 api_key，请向县查违控违领导小组办公室申请。"), field="api_key")
        return ANONYMOUS
    record = apikeys.authenticate(deps, api_key.strip())
    if record is None:
        raise Forbidden(N_("api_key 无效或已停用。"), field="api_key")
    if record.get("county") != county.code:
        raise Forbidden(N_("这个 api_key 不属于所查询的辖区。"), field="api_key")
    if in_url and record["scope"] == "staff":
        raise Forbidden(N_("工作人员权限的 api_key 不能放在网址里（网址会被记入日志），请改用 X-Api-Key 请求头发送。"),
                        field="api_key")
    return Caller(scope=record["scope"], key=deps.hasher.digest("open311-client", api_key.strip()))


# --- discovery and services ---------------------------------------------------------------
def discovery(county: County, base_url: str, demo: bool) -> dict:
    office = next((d for d in county.departments if d.kind == "oversight"), county.departments[0])
    contact = Msg(N_("%(office)s（%(county)s），电话 %(phone)s，邮箱 %(email)s"),
                  {"county": county.name, "office": office.name, "phone": office.phone, "email": office.email})
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": Msg(N_("提交举报需要 api_key，由%(office)s（%(county)s）发放：public 权限只能查看公开信息（不含描述、"
                              "地址和照片，位置约精确到 1 公里）；staff 权限供本县业务系统使用，可查看描述、地址和精确位置。"
                              "查询无需 api_key。"), {"county": county.name, "office": office.name}),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": base_url.rstrip("/") + "/open311/v2",
            "changeset": CHANGESET,
            "type": "test" if demo else "production",
            "formats": list(FORMATS),
        }],
        "extensions": [
            {"name": "receipt", "description": Msg(N_(
                "POST requests 的回答中另有 receipt 字段：16 位回执号，是举报人查询进展、补充材料和验证手机的唯一凭证。"
                "请当场告知举报人，本平台不会再次提供。"))},
            {"name": "attribute[township]", "description": Msg(N_(
                "问题所在的乡镇代码（见 services/{service_code} 的 township 属性）；没有经纬度时必须填写。"))},
            {"name": "phone", "description": Msg(N_(
                "可选：举报人的手机号码。平台会向该手机发送验证码，举报人在查询页面输入验证码后，办理进展以短信通知。"
                "平台不接收姓名和邮箱，也不会保存 first_name、last_name、email 等字段。"))},
            {"name": "media_url", "description": Msg(N_(
                "不接受：照片只能由举报人通过本平台网页上传，经过清除元数据等处理后才保存。"))},
        ],
    }


def _group(category) -> Msg:
    return Msg(GROUP_TITLES.get(category.group, category.group))


def _keywords(county: County, category) -> Words:
    leads = dict.fromkeys((category.lead_inside, category.lead_outside))
    names = [Msg(N_("乡镇人民政府")) if code == TOWNSHIP else county.unit_name(code) for code in leads]
    return Words((_group(category), *names))


def services(county: County) -> list[dict]:
    return [{
        "service_code": c.code,
        "service_name": c.title,
        "description": c.example,
        "metadata": True,  # the township attribute of the service definition
        "type": "realtime",
        "keywords": _keywords(county, c),
        "group": _group(c),
    } for c in county.categories]


def service_definition(county: County, service_code: str) -> dict:
    if county.category(service_code) is None:
        raise NotFound(N_("没有这个举报类型（service_code）。"), field="service_code")
    return {
        "service_code": service_code,
        "attributes": [{
            "variable": True,
            "code": "township",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": Msg(N_("没有经纬度（lat、long）时必须选择。")),
            "order": 1,
            "description": Msg(N_("问题所在的乡镇（或管理区）")),
            "values": [{"key": t.code, "name": t.name} for t in county.townships],
        }],
    }


# --- filing ---------------------------------------------------------------------------------
def submit(deps: Deps, county: County, api_key: str | None, form: Submission, now: datetime) -> list[dict]:
    """File through the intake service exactly as the web form does (server-side routing,
    validation of every field before anything is stored, phone verification). Any active
    key of the county may file."""
    who = caller(deps, county, api_key, required=True)
    if form.media_url is not None and form.media_url.strip():
        raise DomainError(N_("本平台不接受 media_url：照片只能由举报人在本平台网页上传，经过安全处理后才保存。"),
                          field="media_url")
    if county.category((form.service_code or "").strip()) is None:
        raise DomainError(N_("没有这个举报类型（service_code），请先查询 services 列表。"), field="service_code")
    township, village = form.township, None
    if _blank(form.lat) and _blank(form.long) and _blank(form.township) and not _blank(form.address_string):
        township, village = _placed_by_address(county, form.address_string)
    data = intake.FilingInput(
        token=filing_tokens.issue(deps, now), category=form.service_code.strip(), description=form.description,
        address=form.address_string, lat=form.lat, lng=form.long, township=township, village=village,
        phone=form.phone,
    )
    # An API client files for many people: its filing limit is counted per key, not per address.
    result = intake.file_complaint(deps, county, data, f"apikey:{who.key}", now)
    params = {"lead": result.lead_name, "days": ACCEPTANCE_WORKING_DAYS}
    if result.phone_pending:
        notice = Msg(N_("举报已收到，已转交%(lead)s办理，%(days)s个工作日内作出是否受理的决定。请把回执号告诉举报人，"
                        "凭回执号可在本平台“查询进展”页面查看办理情况。举报人的手机将收到验证码短信，在查询页面输入"
                        "验证码后，办理进展会以短信通知。"), params)
    else:
        notice = Msg(N_("举报已收到，已转交%(lead)s办理，%(days)s个工作日内作出是否受理的决定。请把回执号告诉举报人，"
                        "凭回执号可在本平台“查询进展”页面查看办理情况。"), params)
    return [{"service_request_id": intake.public_id_for(deps, result.complaint_id), "service_notice": notice,
             "account_id": None, "receipt": result.receipt}]


def _blank(value: str | None) -> bool:
    return value is None or not str(value).strip()


def _placed_by_address(county: County, address: str) -> tuple[str | None, str | None]:
    """(township, village) an ``address_string`` names (the gazetteer): a village places the
    report at its approximate point, a township alone routes it to that township; an address
    naming neither is refused with a clear error."""
    placed = address_places.place_address(county, intake.clean_text(address, intake.ADDRESS_MAX))
    if placed.place.is_village:
        return placed.township, placed.place.code
    return placed.township, None


# --- service requests -------------------------------------------------------------------------
def _iso(instant: datetime) -> str:
    """ISO 8601 in the county's time (+08:00), to the second."""
    return iso_local(instant.replace(microsecond=0))


def _updated_at(c: Complaint) -> datetime:
    """When the handling last changed: every decision starts, meets or cancels a clock."""
    if c.status not in OPEN_STATES and c.closed_at is not None:
        return c.closed_at
    instants = [c.received_at, c.concluded_at]
    for clock in c.clocks.values():
        instants += [clock.started_at, clock.met_at, clock.cancelled_at]
    return max(i for i in instants if i is not None)


def _expected_at(c: Complaint) -> datetime | None:
    """The reporter's open clock: acceptance while received, the result notice once concluded."""
    kind = {Status.RECEIVED: ClockKind.ACCEPTANCE, Status.CONCLUDED: ClockKind.RESULT_NOTICE}.get(c.status)
    clock = c.clock(kind) if kind else None
    return clock.due_at if clock is not None and clock.is_open else None


def _day(instant: datetime) -> datetime:
    """Midnight (Asia/Shanghai) of the instant's day: what public callers get instead of the minute."""
    return local(instant).replace(hour=0, minute=0, second=0, microsecond=0)


def record(county: County, c: Complaint, who: Caller) -> dict:
    """A complaint as an Open311 service request, as far as ``who`` may see it. Public callers
    get the place to about 1 km and the dates to the day: a reported party must not be able to
    match a report to the minute someone was seen near the site. The id is the keyed
    ``public_id``, which (unlike the internal, time-sortable id) carries no filing time."""
    category = county.category(c.category)
    point = c.point
    if point is not None and not who.staff:
        point = point.rounded(PUBLIC_PLACES)
    expected = _expected_at(c)
    coarse = (lambda t: t) if who.staff else _day
    return {
        "service_request_id": c.public_id,
        "status": "open" if c.status in OPEN_STATES else "closed",
        "status_notes": Msg(STATUS_TITLES[c.status]),
        "service_name": category.title if category else c.category,
        "service_code": c.category,
        "description": c.description if who.staff else None,
        "agency_responsible": county.unit_name(c.lead),
        "service_notice": None,
        "requested_datetime": _iso(coarse(c.received_at)),
        "updated_datetime": _iso(coarse(_updated_at(c))),
        "expected_datetime": _iso(expected) if expected else None,
        "address": (c.address or None) if who.staff else None,
        "lat": point.lat if point else None,
        "long": point.lng if point else None,
        "media_url": None,
    }


def _visible(county: County, c: Complaint | None) -> bool:
    return c is not None and c.county == county.code and not c.discipline_only


def _by_public_id(deps: Deps, public_id: str) -> Complaint | None:
    if not _PUBLIC_ID.match(public_id or ""):
        return None
    complaint_id = deps.repos.complaints.id_for_public(public_id)
    return deps.repos.complaints.get(complaint_id) if complaint_id else None


def get_request(deps: Deps, county: County, who: Caller, request_id: str) -> list[dict]:
    complaint = _by_public_id(deps, request_id)
    if not _visible(county, complaint):
        raise NotFound(N_("没有这件举报。"), field="service_request_id")
    return [record(county, complaint, who)]


def _instant(value: str | None, name: str) -> datetime | None:
    """A query date; years outside ``YEARS`` are refused before any arithmetic on them (near
    year 1 or 9999 an offset, the 90-day window or the stored form would overflow)."""
    if value is None or not value.strip():
        return None
    try:
        instant = parse_iso(value)
    except ValueError:
        raise DomainError(N_("%(name)s 不是有效的 ISO 8601 时间（要带时区），例如 2026-11-01T00:00:00+08:00。"),
                          field=name, name=name) from None
    if not YEARS[0] <= instant.year <= YEARS[1]:
        raise DomainError(N_("%(name)s 超出了可以查询的年份（%(first)s 年到 %(last)s 年）。"),
                          field=name, name=name, first=YEARS[0], last=YEARS[1])
    return instant


def _window(query: Query, now: datetime) -> tuple[datetime, datetime]:
    start, end = _instant(query.start_date, "start_date"), _instant(query.end_date, "end_date")
    if start is None and end is None:
        return now - WINDOW, now
    if start is None:
        return end - WINDOW, end
    if end is None:
        return start, start + WINDOW
    if end < start:
        raise DomainError(N_("end_date 不能早于 start_date。"), field="end_date")
    if end - start > WINDOW:
        raise DomainError(N_("查询的时间范围不能超过 %(days)s 天。"), field="end_date", days=WINDOW.days)
    return start, end


def _codes(county: County, value: str | None) -> set[str] | None:
    codes = {c.strip() for c in (value or "").split(",") if c.strip()}
    if any(county.category(c) is None for c in codes):
        raise DomainError(N_("service_code 中有本辖区没有的举报类型，请先查询 services 列表。"), field="service_code")
    return codes or None


def _buckets(value: str | None) -> list[str]:
    """The ``county`` index partitions to read: ``active`` holds exactly Open311's open states."""
    statuses = {s.strip().lower() for s in (value or "").split(",") if s.strip()}
    if not statuses <= {"open", "closed"}:
        raise DomainError(N_("status 只能是 open 或 closed。"), field="status")
    return [bucket for status, bucket in (("open", "active"), ("closed", "done"))
            if not statuses or status in statuses]


def find_requests(deps: Deps, county: County, who: Caller, query: Query, now: datetime) -> list[dict]:
    """``service_request_id`` (a comma list) overrides every other filter, as the standard says.
    Otherwise: requests received in the window (default: the last 90 days), newest first, at
    most ``MAX_RESULTS``."""
    if query.service_request_id is not None and query.service_request_id.strip():
        ids = list(dict.fromkeys(i.strip() for i in query.service_request_id.split(",") if i.strip()))
        if len(ids) > MAX_RESULTS:
            raise DomainError(N_("一次最多查询 %(n)s 件举报。"), field="service_request_id", n=MAX_RESULTS)
        found = (_by_public_id(deps, i) for i in ids)
        return [record(county, c, who) for c in found if _visible(county, c)]
    start, end = _window(query, now)
    codes = _codes(county, query.service_code)
    matches: list[Complaint] = []
    for bucket in _buckets(query.status):
        # Index order is a deadline or a closing instant, never earlier than the receipt: every
        # request received since ``start`` sorts at or after it.
        for c in deps.repos.complaints.iterate("county", f"K#{county.code}#{bucket}", sk_from=to_store(start)):
            if start <= c.received_at <= end and (codes is None or c.category in codes) and _visible(county, c):
                matches.append(c)
    matches.sort(key=lambda c: (c.received_at, c.id), reverse=True)
    return [record(county, c, who) for c in matches[:MAX_RESULTS]]
