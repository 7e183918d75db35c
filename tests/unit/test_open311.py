"""The Open311 mapping (portal.services.open311): internal states to open/closed, clocks to
expected_datetime, what each scope of caller sees, query windows and filters, and filing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from portal.domain.complaint import STATUS_TITLES, Finding, Measures, Status
from portal.domain.deadlines import ClockKind
from portal.domain.errors import DomainError, Forbidden, NotFound, RateLimited
from portal.services import apikeys, filing_tokens, intake, open311, ratelimit
from portal.services.deps import CountyRegistry, build_deps
from portal.services.notifications import commit_complaint
from portal.services.open311 import ANONYMOUS, Caller, Msg, Query, Submission, Words
from portal.timeutil import iso_local, parse_iso

STAFF = Caller("staff", key="k-staff")
PUBLIC = Caller("public", key="k-public")
SEAT = (26.49237, 113.77161)  # inside the built-up area of 霞阳镇


def file(deps, county, *, category="c1-no-planning-permit", lat=SEAT[0], lng=SEAT[1], township=None,
         address="霞阳镇示例街 8 号后院", description="后院新盖了一栋三层楼，没有看到规划许可公示。", phone=None):
    data = intake.FilingInput(token=filing_tokens.issue(deps, deps.clock.now()), category=category,
                              description=description, address=address, lat=lat, lng=lng, township=township,
                              phone=phone)
    result = intake.file_complaint(deps, county, data, "unit-test-client", deps.clock.now())
    return deps.repos.complaints.get(result.complaint_id)


def commit(deps, complaint):
    commit_complaint(deps, complaint, deps.clock.now())
    return deps.repos.complaints.get(complaint.id)


def accept(deps, c):
    c.accept(deps.clock.now(), "officer", c.lead)
    return commit(deps, c)


def conclude(deps, c):
    c.conclude(deps.clock.now(), "officer", c.lead, Finding.SUBSTANTIATED, Measures(), "已责令拆除。", deps.calendar())
    return commit(deps, c)


# --- states ------------------------------------------------------------------------------
def test_received_is_open_and_expected_when_the_acceptance_clock_is_due(deps, county):
    c = file(deps, county)
    rec = open311.record(county, c, STAFF)
    assert rec["status"] == "open"
    assert rec["status_notes"] == Msg(STATUS_TITLES[Status.RECEIVED])
    assert rec["expected_datetime"] == iso_local(c.clock(ClockKind.ACCEPTANCE).due_at.replace(microsecond=0))
    assert rec["requested_datetime"] == rec["updated_datetime"] == iso_local(c.received_at.replace(microsecond=0))
    assert rec["agency_responsible"] == "县自然资源局"
    assert rec["service_name"] == county.category("c1-no-planning-permit").title
    assert rec["service_notice"] is None and rec["media_url"] is None


def test_accepted_is_open_without_an_expected_instant(deps, county, clock):
    c = file(deps, county)
    clock.advance(hours=5)
    c = accept(deps, c)
    rec = open311.record(county, c, STAFF)
    assert (rec["status"], rec["status_notes"].text, rec["expected_datetime"]) == (
        "open", STATUS_TITLES[Status.ACCEPTED], None)
    assert parse_iso(rec["updated_datetime"]) == clock.now().replace(microsecond=0)


def test_concluded_stays_open_until_the_result_reaches_the_reporter(deps, county, clock):
    """004 C20, L17: the result-notice clock (7 working days) is what the caller can expect."""
    c = accept(deps, file(deps, county))
    clock.advance(days=2)
    c = conclude(deps, c)
    rec = open311.record(county, c, PUBLIC)
    assert rec["status"] == "open"
    assert rec["status_notes"].text == STATUS_TITLES[Status.CONCLUDED]
    assert rec["expected_datetime"] == iso_local(c.clock(ClockKind.RESULT_NOTICE).due_at.replace(microsecond=0))


def test_closed_after_the_written_notice_with_the_closing_instant(deps, county, clock):
    c = conclude(deps, accept(deps, file(deps, county)))
    clock.advance(days=1)
    c.record_written_notice(clock.now(), "officer", c.lead, "已邮寄书面告知。")
    c = commit(deps, c)
    rec = open311.record(county, c, STAFF)
    assert (rec["status"], rec["status_notes"].text, rec["expected_datetime"]) == (
        "closed", STATUS_TITLES[Status.CLOSED], None)
    assert parse_iso(rec["updated_datetime"]) == c.closed_at.replace(microsecond=0)


def test_declined_is_closed_with_the_decline_in_the_notes(deps, county, clock):
    c = file(deps, county)
    clock.advance(hours=3)
    c.decline(clock.now(), "officer", c.lead, "already_handled", "该处已于上月依法拆除。")
    c = commit(deps, c)
    rec = open311.record(county, c, STAFF)
    assert (rec["status"], rec["status_notes"].text, rec["expected_datetime"]) == (
        "closed", STATUS_TITLES[Status.DECLINED], None)
    assert parse_iso(rec["updated_datetime"]) == clock.now().replace(microsecond=0)


# --- privacy --------------------------------------------------------------------------------
@pytest.mark.parametrize("who", [ANONYMOUS, PUBLIC])
def test_without_a_staff_key_no_description_address_media_and_a_point_to_about_1_km(deps, county, who):
    c = file(deps, county, phone="13800138000")
    rec = open311.record(county, c, who)
    assert rec["description"] is None and rec["address"] is None and rec["media_url"] is None
    assert (rec["lat"], rec["long"]) == (26.49, 113.77)


def test_a_staff_key_sees_description_address_and_the_exact_point_but_no_media(deps, county):
    c = file(deps, county, phone="13800138000")
    rec = open311.record(county, c, STAFF)
    assert rec["description"] == "后院新盖了一栋三层楼，没有看到规划许可公示。"
    assert rec["address"] == "霞阳镇示例街 8 号后院"
    assert (rec["lat"], rec["long"]) == SEAT
    assert rec["media_url"] is None


def test_no_record_carries_the_reporter(deps, county):
    c = file(deps, county, phone="13800138000")
    text = repr(open311.record(county, c, STAFF))
    assert "13800138000" not in text and c.receipt_hash not in text and "contact" not in text


def test_a_complaint_without_a_point_has_no_coordinates(deps, county):
    c = file(deps, county, lat=None, lng=None, township="shidu")
    rec = open311.record(county, c, STAFF)
    assert rec["lat"] is None and rec["long"] is None


def test_reports_about_officials_are_not_found_by_id_or_listed(deps, county):
    """000 §2(3): only the discipline commission may know such a report exists."""
    hidden = file(deps, county, category="o1-public-official")
    with pytest.raises(NotFound):
        open311.get_request(deps, county, STAFF, hidden.public_id)
    assert open311.find_requests(deps, county, STAFF, Query(), deps.clock.now()) == []
    assert open311.find_requests(deps, county, STAFF, Query(service_request_id=hidden.public_id), deps.clock.now()) == []


def test_a_report_transferred_to_the_discipline_commission_disappears(deps, county):
    c = file(deps, county)
    assert open311.get_request(deps, county, STAFF, c.public_id)
    c.transfer(deps.clock.now(), "officer", c.lead, "discipline", "县纪委监委", "涉及村干部", to_is_discipline=True)
    commit(deps, c)
    with pytest.raises(NotFound):
        open311.get_request(deps, county, STAFF, c.public_id)
    assert open311.find_requests(deps, county, STAFF, Query(), deps.clock.now()) == []


@pytest.mark.parametrize("request_id", ["", "not-an-id", "01" * 13 + "'", "0" * 26])
def test_unknown_or_malformed_ids_are_not_found(deps, county, request_id):
    with pytest.raises(NotFound):
        open311.get_request(deps, county, PUBLIC, request_id)


# --- jurisdiction and keys --------------------------------------------------------------------
@pytest.fixture
def two_counties(settings, clock, county):
    from portal.store.sqlite import SqliteStore

    other = replace(county, code="430281", name="醴陵市", full_name="湖南省株洲市醴陵市")
    d = build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch),
                   counties=CountyRegistry([county, other]))
    yield d, county, other
    d.close()


def test_jurisdiction_is_the_host_county_unless_a_known_code_is_given(two_counties):
    d, home, other = two_counties
    assert open311.jurisdiction(d, home, None) is home
    assert open311.jurisdiction(d, home, " ") is home
    assert open311.jurisdiction(d, home, "430281") is other
    with pytest.raises(NotFound):
        open311.jurisdiction(d, home, "110000")


def test_a_key_counts_only_in_its_own_county(two_counties):
    d, home, other = two_counties
    key = apikeys.create(d, "hotline", "staff", home.code, d.clock.now())
    assert open311.caller(d, home, key, required=True).staff
    with pytest.raises(Forbidden):
        open311.caller(d, other, key, required=False)


def test_keys_scopes_and_missing_keys(deps, county):
    public = apikeys.create(deps, "map-site", "public", county.code, deps.clock.now())
    assert open311.caller(deps, county, public, required=False).scope == "public"
    assert open311.caller(deps, county, None, required=False) is ANONYMOUS
    for missing in (None, "", "  "):
        with pytest.raises(Forbidden):
            open311.caller(deps, county, missing, required=True)
    with pytest.raises(Forbidden):
        open311.caller(deps, county, "k_" + "x" * 43, required=False)


# --- services ---------------------------------------------------------------------------------
def test_one_service_per_category_with_group_and_handling_units(county):
    services = open311.services(county)
    assert [s["service_code"] for s in services] == [c.code for c in county.categories]
    signs = next(s for s in services if s["service_code"] == "c8-outdoor-signs")
    assert signs["group"] == Msg("盖房、建房")
    assert signs["keywords"] == Words((Msg("盖房、建房"), "县城市管理和综合执法局", Msg("乡镇人民政府")))
    assert signs["description"] == county.category("c8-outdoor-signs").example
    assert all(s["type"] == "realtime" and s["metadata"] is True for s in services)


def test_the_service_definition_offers_the_townships(county):
    definition = open311.service_definition(county, "l4-farmland-damage")
    (township,) = definition["attributes"]
    assert township["code"] == "township" and township["datatype"] == "singlevaluelist"
    assert township["required"] is False
    assert [v["key"] for v in township["values"]] == [t.code for t in county.townships]
    with pytest.raises(NotFound):
        open311.service_definition(county, "no-such-service")


# --- queries ----------------------------------------------------------------------------------
def test_default_window_is_the_last_90_days_newest_first(deps, county, clock):
    old = file(deps, county)
    clock.advance(days=91)
    first = file(deps, county)
    clock.advance(minutes=5)
    second = file(deps, county, category="l5-villager-house-without-approval")
    found = open311.find_requests(deps, county, PUBLIC, Query(), clock.now())
    assert [r["service_request_id"] for r in found] == [second.public_id, first.public_id]
    older = Query(start_date=iso_local(old.received_at - timedelta(hours=1)))
    assert [r["service_request_id"] for r in open311.find_requests(deps, county, PUBLIC, older, clock.now())] == [old.public_id]
    before = Query(end_date=iso_local(first.received_at - timedelta(days=1)))
    assert [r["service_request_id"] for r in open311.find_requests(deps, county, PUBLIC, before, clock.now())] == [old.public_id]


def test_status_and_service_code_filters(deps, county, clock):
    running = file(deps, county)
    declined = file(deps, county, category="l1-occupy-land")
    declined.decline(clock.now(), "officer", declined.lead, "out_of_scope", "不属于受理范围。")
    commit(deps, declined)
    concluded = conclude(deps, accept(deps, file(deps, county, category="l1-occupy-land")))

    def ids(**filters):
        return {r["service_request_id"] for r in open311.find_requests(deps, county, PUBLIC, Query(**filters), clock.now())}

    assert ids(status="open") == {running.public_id, concluded.public_id}
    assert ids(status="closed") == {declined.public_id}
    assert ids(status="open,closed") == ids() == {running.public_id, declined.public_id, concluded.public_id}
    assert ids(service_code="l1-occupy-land") == {declined.public_id, concluded.public_id}
    assert ids(service_code="l1-occupy-land", status="open") == {concluded.public_id}
    assert ids(service_code="c1-no-planning-permit,l1-occupy-land") == ids()


def test_ids_override_every_other_filter(deps, county, clock):
    a, b = file(deps, county), file(deps, county)
    clock.advance(days=200)
    query = Query(service_request_id=f" {b.public_id},{a.public_id},nonsense,{b.public_id}", status="closed",
                  start_date="2001-01-01T00:00:00Z")
    assert [r["service_request_id"] for r in open311.find_requests(deps, county, PUBLIC, query, clock.now())] == [b.public_id, a.public_id]


def test_at_most_max_results_the_newest(deps, county, clock, monkeypatch):
    made = []
    for _ in range(4):
        made.append(file(deps, county))
        clock.advance(minutes=1)
    monkeypatch.setattr(open311, "MAX_RESULTS", 3)
    found = open311.find_requests(deps, county, PUBLIC, Query(), deps.clock.now())
    assert len(found) == 3 and made[0].public_id not in {r["service_request_id"] for r in found}
    with pytest.raises(DomainError):
        open311.find_requests(deps, county, PUBLIC, Query(service_request_id=",".join(c.public_id for c in made)),
                              deps.clock.now())


@pytest.mark.parametrize("filters", [
    {"start_date": "yesterday"},
    {"start_date": "2026-11-01T00:00:00"},  # no offset: ambiguous
    {"end_date": "2026-13-01T00:00:00Z"},
    {"start_date": "2026-11-20T00:00:00Z", "end_date": "2026-11-19T00:00:00Z"},
    {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # more than 90 days
    {"status": "pending"},
    {"service_code": "c1-no-planning-permit,no-such-service"},
])
def test_bad_filters_are_refused_in_chinese(deps, county, filters):
    with pytest.raises(DomainError) as caught:
        open311.find_requests(deps, county, PUBLIC, Query(**filters), deps.clock.now())
    assert caught.value.status == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)


@pytest.mark.parametrize("filters", [
    {"start_date": "0001-01-01T00:00:00+14:00"},  # to UTC: before year 1
    {"start_date": "9999-12-30T00:00:00Z"},  # plus the 90-day window: after year 9999
    {"end_date": "0001-01-02T00:00:00Z"},  # minus the 90-day window: before year 1
    {"start_date": "1999-12-31T00:00:00Z"},
    {"end_date": "2101-01-01T00:00:00+08:00"},
])
def test_dates_outside_the_years_served_are_refused_not_an_overflow(deps, county, filters):
    with pytest.raises(DomainError) as caught:
        open311.find_requests(deps, county, PUBLIC, Query(**filters), deps.clock.now())
    assert caught.value.status == 400 and caught.value.field in filters


def test_the_first_and_last_years_served_are_accepted(deps, county):
    for filters in ({"start_date": "2000-01-01T00:00:00+14:00"}, {"end_date": "2000-01-01T00:00:00Z"},
                    {"start_date": "2100-12-31T23:59:59-12:00"}):
        assert open311.find_requests(deps, county, PUBLIC, Query(**filters), deps.clock.now()) == []


# --- filing -----------------------------------------------------------------------------------
def test_submit_files_through_intake_and_returns_the_receipt_once(deps, county):
    key = apikeys.create(deps, "hotline", "public", county.code, deps.clock.now())
    (created,) = open311.submit(deps, county, key, Submission(
        service_code="c4-no-work-permit", description="小区旁工地没有施工许可公示牌，夜里还在施工。", lat="26.49",
        long="113.77", address_string="霞阳镇某小区东侧"), deps.clock.now())
    complaint = deps.repos.complaints.get(deps.repos.complaints.id_for_public(created["service_request_id"]))
    assert complaint.lead == "housing" and complaint.co_handler == "xiayang"
    assert complaint.receipt_hash == deps.hasher.digest("receipt", created["receipt"])
    assert len(created["receipt"]) == 16 and created["receipt"].isdigit()
    assert created["account_id"] is None
    assert created["service_notice"].params == {"lead": "县住房和城乡建设局", "days": 3}


def test_media_urls_and_unknown_services_are_refused_before_anything_is_stored(deps, county):
    key = apikeys.create(deps, "hotline", "staff", county.code, deps.clock.now())
    good = Submission(service_code="c1-no-planning-permit", description="村口新盖了一栋三层楼。", lat="26.49", long="113.77")
    for bad in (replace(good, media_url="https://example.com/photo.jpg"), replace(good, service_code="c99"),
                replace(good, service_code=None)):
        with pytest.raises(DomainError) as caught:
            open311.submit(deps, county, key, bad, deps.clock.now())
        assert caught.value.status == 400
    assert open311.find_requests(deps, county, STAFF, Query(), deps.clock.now()) == []


def test_the_filing_limit_counts_per_key(deps, county):
    """A hotline files for many callers from one address: its limit follows its key."""
    first = apikeys.create(deps, "hotline-1", "public", county.code, deps.clock.now())
    second = apikeys.create(deps, "hotline-2", "public", county.code, deps.clock.now())
    form = Submission(service_code="c1-no-planning-permit", description="村口新盖了一栋三层楼。", township="luyuan")
    for _ in range(ratelimit.allowed(deps, "file")):
        open311.submit(deps, county, first, form, deps.clock.now())
    with pytest.raises(RateLimited):
        open311.submit(deps, county, first, form, deps.clock.now())
    assert open311.submit(deps, county, second, form, deps.clock.now())


def test_public_callers_get_dates_to_the_day_and_an_id_without_a_filing_time(deps, county, clock):
    """A reported party must not match a report to the minute someone was near the site."""
    clock.set(parse_iso("2026-11-23T15:47:12+08:00"))
    c = file(deps, county)
    public = open311.record(county, c, PUBLIC)
    staff = open311.record(county, c, STAFF)
    assert public["requested_datetime"] == "2026-11-23T00:00:00+08:00"
    assert staff["requested_datetime"] == "2026-11-23T15:47:12+08:00"
    assert public["service_request_id"] == staff["service_request_id"] == c.public_id != c.id
    assert len(c.public_id) == 20 and c.id[:10] not in c.public_id
