"""Filing a complaint: validate everything, route on the server, store the complaint, its
history, its case, its receipt pointer and its uploads in one transaction, and only then
hand back the receipt. A form posted twice files once; within ``RECEIPT_GRACE`` of the
filing the second answer shows the same receipt, after that it only says the report was filed.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta


from portal.domain.cases import Case, CaseMember
from portal.domain.complaint import Complaint, Contact
from portal.domain import datum as datums
from portal.domain.county import County
from portal.domain.errors import Conflict, DomainError, ValidationFailed
from portal.domain.geo import Point
from portal.domain.routing import route
from portal.i18n import N_
from portal.ids import new_id
from portal.ports import ConditionFailed
from portal.services import filing_tokens, ratelimit, uploads, verification
from portal.services.deps import Deps
from portal.services.keys import lookups
from portal.services.notifications import contact_context
from portal.services.patrols import violations

log = logging.getLogger(__name__)

DESCRIPTION_MIN = 5
DESCRIPTION_MAX = 2000
ADDRESS_MAX = 200

#: How long after a complaint is filed posting its form (its filing token) again still shows
#: the receipt. The repeat answer exists for the reporter whose first answer was lost (a
#: dropped connection, a crash after the commit) or who tapped "submit" twice; those retries
#: come within minutes. The token itself lives 24 hours and stays in the browser (the form
#: page, the saved post behind "confirm form resubmission"), so without this bound anyone
#: who later takes the phone or sits at the same computer could replay it and read the
#: receipt that is shown once (threat model 4). After the grace the answer is
#: ``AlreadyFiled``: no receipt, nothing about the report.
RECEIPT_GRACE = timedelta(minutes=15)


class AlreadyFiled(Conflict):
    """The form was filed more than ``RECEIPT_GRACE`` ago: the receipt is not shown again."""


@dataclass
class FilingInput:
    token: str | None
    category: str | None
    description: str | None
    address: str | None = None
    lat: str | float | None = None
    lng: str | float | None = None
    township: str | None = None
    phone: str | None = None
    #: the datum of lat/lng: the basemap's when the pin was tapped on a map (default WGS84)
    datum: str | None = None
    #: a village's division code: without coordinates, the report is placed at its (approximate) point
    village: str | None = None
    upload_ids: list[str] = field(default_factory=list)
    confirmed_exif: set[str] = field(default_factory=set)
    honeypot: str | None = None


@dataclass(frozen=True)
class FilingResult:
    complaint_id: str
    receipt: str
    lead_name: str
    phone_pending: bool
    duplicate: bool = False


def clean_text(value, limit: int) -> str:
    """Normalise, drop control characters (newlines and tabs stay), trim. Markup is kept as
    text: templates escape it when rendering, so it is stored faithfully and shown inert."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()[: limit + 1]


def bounded_text(value, field: str, limit: int = 2000, required: bool = False,
                 missing: str = N_("请填写这一项。")) -> str:
    """Hostile text cleaned (``clean_text``) and bounded; DomainError naming ``field`` when it is
    too long, or empty though required (with the ``missing`` message)."""
    cleaned = clean_text(value, limit)
    if len(cleaned) > limit:
        raise DomainError(N_("内容太长了，请控制在 %(n)s 字以内。"), field=field, n=limit)
    if required and not cleaned:
        raise DomainError(missing, field=field)
    return cleaned


#: the form, the JSON API and Open311 take only this (a verification SMS abroad costs money and
#: invites SMS pumping)
NOT_A_MAINLAND_MOBILE = N_("手机号码格式不正确，请填写11位中国大陆手机号码。")


def parse_phone(raw: str | None) -> str | None:
    """An 11-digit mainland China mobile number in E.164 (+86 1xx xxxx xxxx), or None if none was
    given; DomainError for anything else: a number of another country or region (+1, +44, +852,
    ...), a landline, a malformed one."""
    if raw is None or not str(raw).strip():
        return None
    text = str(raw).strip()
    if len(text) > 32:
        raise DomainError(NOT_A_MAINLAND_MOBILE, field="phone")
    import phonenumbers  # on the first phone number: a tenth of a cold start, which needs none

    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise DomainError(NOT_A_MAINLAND_MOBILE, field="phone") from None
    national = str(number.national_number)
    if (number.country_code != 86 or len(national) != 11 or not national.startswith("1")
            or phonenumbers.region_code_for_number(number) != "CN" or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) not in (phonenumbers.PhoneNumberType.MOBILE,
                                                        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)):
        raise DomainError(NOT_A_MAINLAND_MOBILE, field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_point(lat, lng) -> Point | None:
    blank = lambda v: v is None or (isinstance(v, str) and not v.strip())  # noqa: E731
    if blank(lat) and blank(lng):
        return None
    if blank(lat) or blank(lng):
        raise DomainError(N_("经度和纬度要同时填写。"), field="location")
    try:
        lat_f, lng_f = float(str(lat).strip()), float(str(lng).strip())
        if not (math.isfinite(lat_f) and math.isfinite(lng_f)):
            raise ValueError
        return Point(lng=lng_f, lat=lat_f)
    except (ValueError, TypeError):
        raise DomainError(N_("坐标格式不正确，纬度在前、经度在后，例如 26.49 和 113.77。"), field="location") from None


def place_of(county: County, point: Point | None, datum: str | None, village: str | None,
             township: str | None) -> tuple[Point | None, str | None]:
    """(WGS84 point, township code): typed or tapped coordinates converted from the basemap's
    datum; without coordinates, a chosen village's point (approximate), checked against the
    chosen township."""
    try:
        datum = datums.check(clean_text(datum, 16) or None)
    except ValueError:
        raise DomainError(N_("坐标的基准不正确，请重新在地图上标出位置。"), field="location") from None
    if point is not None:
        return datums.to_wgs84(point, datum), township
    code = clean_text(village, 16)
    if not code:
        return None, township
    place = county.village(code)
    if place is None:
        raise DomainError(N_("所选村（社区）不存在。"), field="village")
    if township and township != place.township:
        raise DomainError(N_("所选村（社区）不在所选乡镇，请重新选择。"), field="village")
    return place.point, place.township


def county_of_filing(deps: Deps, chosen: County, data: FilingInput) -> County:
    """The county a report belongs to: the one whose outline holds its point (one deployment
    serves a province; the form's county, chosen by host or path, is only where it was filed
    from), else the chosen county (no point; or a point no county holds, which ``validate``
    refuses). A bad point is left for ``validate`` to report with the other fields."""
    try:
        point, _ = place_of(chosen, parse_point(data.lat, data.lng), data.datum, None, None)
    except DomainError:
        return chosen
    if point is None or chosen.contains(point):
        return chosen
    return deps.counties.county_at(point) or chosen


def validate(county: County, data: FilingInput, deployment_counties: int = 1):
    """Every field checked before anything is stored; all errors at once. ``deployment_counties``:
    how many counties the point could have been placed in (``county_of_filing``)."""
    errors: dict[str, list[DomainError]] = {}

    def fail(exc: DomainError):
        errors.setdefault(exc.field or "form", []).append(exc)

    description = clean_text(data.description, DESCRIPTION_MAX)
    if len(description) < DESCRIPTION_MIN:
        fail(DomainError(N_("请描述看到的情况（至少 %(n)s 个字）。"), field="description", n=DESCRIPTION_MIN))
    elif len(description) > DESCRIPTION_MAX:
        fail(DomainError(N_("情况描述太长了，请控制在 %(n)s 字以内。"), field="description", n=DESCRIPTION_MAX))
    address = clean_text(data.address, ADDRESS_MAX)
    if len(address) > ADDRESS_MAX:
        fail(DomainError(N_("地址太长了，请控制在 %(n)s 字以内。"), field="address", n=ADDRESS_MAX))
    category = clean_text(data.category, 64)
    point = routing = phone = None
    try:
        point = parse_point(data.lat, data.lng)
        point, township_code = place_of(county, point, data.datum, data.village, clean_text(data.township, 64) or None)
    except DomainError as exc:
        fail(exc)
        township_code = None
    try:
        phone = parse_phone(data.phone)
    except DomainError as exc:
        fail(exc)
    if "location" not in errors:
        try:
            if point is not None and deployment_counties > 1 and not county.contains(point):
                raise DomainError(N_("这个位置不在本平台受理的任何一个县（市、区）范围内，请核对后重新标出位置。"),
                                  field="location")
            routing = route(county, category, point, township_code)
        except DomainError as exc:
            fail(exc)
    if len(data.upload_ids) > uploads.MAX_PHOTOS:
        fail(DomainError(N_("最多只能上传 %(n)s 张照片。"), field="photos", n=uploads.MAX_PHOTOS))
    if errors:
        raise ValidationFailed(errors)
    placed_at_village = clean_text(data.village, 16) if point is not None and parse_point(data.lat, data.lng) is None \
        else None
    return description, address, category, point, routing, phone, placed_at_village


@dataclass(frozen=True)
class _Opened:
    """What ``submit_form`` already checked: the token, its submission and the fields."""

    token: filing_tokens.FilingToken
    submission: str
    county: County
    validated: tuple
    #: items read with the submission's pointer (``_submitted``), by key
    read_ahead: dict


def file_complaint(deps: Deps, county: County, data: FilingInput, client: str, now: datetime,
                   opened: _Opened | None = None, by_point: bool = True) -> FilingResult:
    """File a citizen's report. ``by_point``: a point in another county of the deployment
    files it there (``county_of_filing``); False keeps it to ``county`` (Open311, whose caller
    names its jurisdiction)."""
    if data.honeypot:
        # a field people never see was filled: a bot. Refuse without saying why.
        raise DomainError(N_("提交失败，请刷新页面后重试。"), field="form")
    if opened is None:
        token = filing_tokens.open_token(deps, data.token, now)
        if by_point:
            county = county_of_filing(deps, county, data)
        opened, existing = _submitted(deps, token, county, data, len(deps.counties) if by_point else 1, now)
        if existing:
            return _duplicate(deps, existing, token, now)
    token, submission, county = opened.token, opened.submission, opened.county
    description, address, category, point, routing, phone, village = opened.validated
    ratelimit.check(deps, "file", client, now)
    evidence, upload_ops = uploads.take(deps, token.submission_hashes(deps), data.upload_ids, data.confirmed_exif)

    def phone_contact(complaint_id: str) -> Contact | None:
        if not phone:
            return None
        return Contact(envelope=deps.keyring.encrypt(phone.encode(), contact_context(complaint_id)),
                       phone_hash=deps.hasher.digest("phone", phone))

    complaint, ops = new_filing(deps, county, category=category, description=description, address=address,
                                point=point, routing=routing, receipt=token.receipt, received_at=now,
                                evidence=evidence, contact=phone_contact, submission=submission, now=now,
                                place={"village": village, "approximate": True} if village else None,
                                read_ahead=opened.read_ahead)
    complaint_id, contact = complaint.id, complaint.contact
    ops += upload_ops
    code_message = None
    if contact is not None:
        code_ops, code_message = verification.start_ops(deps, complaint, county, now)
        ops += code_ops
    try:
        deps.store.write(ops)
    except ConditionFailed:
        # the same form, posted twice at once: the other post filed it
        existing = lookups.id_for_submission(deps, token.nonce)
        if existing:
            return _duplicate(deps, existing, token, now)
        raise
    deps.repos.complaints.committed(complaint)
    log.info("complaint %s filed (category %s)", complaint_id, category)
    if code_message is not None:
        verification.send_code(deps, code_message, now)
    return FilingResult(complaint_id=complaint_id, receipt=token.receipt, lead_name=county.unit_name(routing.lead),
                        phone_pending=contact is not None)


def new_filing(deps: Deps, county: County, *, category: str, description: str, address: str, point, routing,
               receipt: str, received_at: datetime, evidence: list, contact, submission: str | None,
               now: datetime, intake=None, place: dict | None = None, read_ahead: dict | None = None
               ) -> tuple[Complaint, list]:
    """A new complaint and its case, whatever the channel: the complaint, its first events, its
    receipt, public-id and submission pointers and its case, as operations for one transaction.
    ``received_at`` starts the clocks and orders the case's first reporter (004 C20, L17);
    ``contact(complaint_id)`` makes the contact bound to the new id; ``intake``: a report
    registered by staff (``portal.domain.channels``), routed at ``now``. With them, the
    concealment check's operations (004 C33, L29); ``read_ahead``: items already read, by key
    (the village's weekly report the check reads, ``_submitted``)."""
    complaint_id = new_id(now)
    seq = deps.repos.counters.next_sequence("complaint")
    case_id = new_id(now)
    feedback_days = county.feedback_working_days.get(intake.source) if intake is not None else None
    complaint = Complaint.file(
        id=complaint_id, seq=seq, county=county.code, category=category, description=description, address=address,
        point=point, routing=routing, received_at=received_at, receipt_hash=deps.hasher.digest("receipt", receipt),
        case_id=case_id, evidence=evidence, contact=contact(complaint_id), calendar=deps.calendar(),
        lead_name=county.unit_name(routing.lead), public_id=public_id_for(deps, complaint_id), intake=intake,
        routed_at=now, feedback_days=feedback_days, place=place,
    )
    case = Case.open_for(case_id, county.code, category, CaseMember(complaint_id, received_at, seq))
    ops = deps.repos.complaints.save_ops(complaint)
    ops += deps.repos.complaints.pointer_ops(complaint, submission, now + filing_tokens.TOKEN_TTL + timedelta(days=1),
                                             hash_key=deps.hasher.key_id)
    ops.append(deps.repos.cases.save_op(case))
    # 004 C33, L29: a new violation is noted in its village's week, and flagged if the village
    # reported zero that week (``portal.services.patrols.violations``), whatever the channel
    ops += violations.new_violation_ops(deps, county, complaint, now, read_ahead)
    return complaint, ops


def _submitted(deps: Deps, token: filing_tokens.FilingToken, county: County, data: FilingInput,
               deployment_counties: int, now: datetime) -> tuple[_Opened | None, str | None]:
    """(the form opened and validated, the complaint its submission already filed): the
    submission's pointer and the village report the concealment check will read (004 C33,
    L29) in one batched read. A form that already filed gets its duplicate answer even if its
    fields are now wrong (then the form is None); else a wrong field raises ``ValidationFailed``."""
    try:
        validated, refused = validate(county, data, deployment_counties), None
    except ValidationFailed as exc:
        validated, refused = None, exc
    report = violations.report_key(deps, county, validated[3], validated[4], now) if validated else None
    existing, read_ahead = lookups.id_for_submission_with(deps, token.nonce, [report] if report else [])
    if existing:
        return None, existing
    if refused is not None:
        raise refused
    return _Opened(token, token.submission_hash(deps), county, validated, read_ahead), None


def public_id_for(deps: Deps, complaint_id: str) -> str:
    """The id shown outside the portal (Open311): keyed, so it carries no filing time."""
    return deps.hasher.digest("public-id", complaint_id)[:20]


def _duplicate(deps: Deps, complaint_id: str, token, now: datetime) -> FilingResult:
    """The answer to a form posted again: the same receipt within ``RECEIPT_GRACE`` of the
    filing (a lost answer, a double tap), ``AlreadyFiled`` after it."""
    complaint = deps.repos.complaints.get(complaint_id)
    if complaint is None or now - complaint.received_at > RECEIPT_GRACE:
        raise AlreadyFiled(N_("这份举报已经提交过了。回执号在提交时已经显示过，不会再次显示；请用您记下的回执号查询办理进度。"),
                           field="form")
    county = deps.counties.get(complaint.county) or deps.counties.default
    return FilingResult(complaint_id=complaint_id, receipt=token.receipt, lead_name=county.unit_name(complaint.lead),
                        phone_pending=complaint.contact is not None and complaint.contact.verified_at is None,
                        duplicate=True)


@dataclass(frozen=True)
class NeedsConfirmation:
    """Some photos carry a capture time or place: the reporter decides whether to keep them."""

    staged: list  # list[uploads.StagedPhoto]
    upload_ids: list[str]


def submit_form(deps: Deps, county: County, data: FilingInput, photos: list[bytes], client: str,
                now: datetime, reviewed: bool) -> FilingResult | NeedsConfirmation:
    """The HTML form's single entry point: photos travel in the same post (JavaScript off) or
    were uploaded before (``data.upload_ids``). Every field and every photo is checked before
    anything is stored; photos whose capture facts the reporter has not yet reviewed send
    the reporter to a confirmation step first."""
    token = filing_tokens.open_token(deps, data.token, now)
    county = county_of_filing(deps, county, data)
    opened, existing = _submitted(deps, token, county, data, len(deps.counties), now)
    if existing:
        return _duplicate(deps, existing, token, now)
    submission = opened.submission
    if len(photos) + len(data.upload_ids) > uploads.MAX_PHOTOS:
        raise ValidationFailed({"photos": [DomainError(N_("最多只能上传 %(n)s 张照片。"), field="photos",
                                                        n=uploads.MAX_PHOTOS)]})
    from portal.evidence.sanitize import sanitize

    cleans = [sanitize(raw, deps.settings.photo_limit) for raw in photos]  # all or nothing
    staged = []
    for clean in cleans:
        ratelimit.check(deps, "upload", client, now)
        staged.append(uploads.keep_clean(deps, submission, clean, now))
    data.upload_ids = list(data.upload_ids) + [s.upload_id for s in staged]
    if not reviewed and any(s.taken_at or s.taken_lat is not None for s in staged):
        return NeedsConfirmation(staged=staged, upload_ids=data.upload_ids)
    return file_complaint(deps, county, data, client, now, opened=opened)
