"""Open311 GeoReport v2 at /open311/v2 (issue "Citizen intake", part 9).

Every ``/open311/v2/*.json`` answer a test receives through the ``api`` client is checked at
once: against the published GeoReport v2 JSON Schemas (draft 4) in ``shared/open311-schemas``
beside the repository (their sibling ``$ref``s resolved through a ``referencing`` registry),
or, where the standard publishes none (discovery, the filing answer, errors), against its
documented shape. Every ``.xml`` answer must parse and be served as ``application/xml``."""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from portal.domain.complaint import Finding, Measures
from portal.services import apikeys, ratelimit
from portal.services.notifications import commit_complaint

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "open311-schemas"
SHARED_SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "open311-schemas"
PHONE = "13912345678"
SEAT = {"lat": "26.49237", "long": "113.77161"}  # 霞阳镇, inside the county built-up area
CJK = re.compile("[\u4e00-\u9fff]")


# --- schema checking -------------------------------------------------------------------------
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    """RFC 3339: a 'T', seconds and an offset."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        raise ValueError(value)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


@FORMATS.checks("uri")
def _uri(value) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(value).netloc)


def _registry() -> Registry:
    resources = [(path.as_uri(), Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT4))
                 for path in sorted(SCHEMAS.glob("*.json"))]
    assert {uri.rsplit("/", 1)[1] for uri, _ in resources} >= {
        "services.json", "service.json", "service-definition.json", "requests.json", "request.json"}
    return Registry().with_resources(resources)


REGISTRY = _registry()


def test_the_schema_copy_equals_the_shared_originals():
    """The tests' copy of the published schemas; where the originals sit beside the clone
    (the development layout), the copy must not have drifted from them."""
    copies = {p.name: p.read_bytes() for p in SCHEMAS.glob("*.json")}
    assert len(copies) == 5
    if SHARED_SCHEMAS.is_dir():
        assert copies == {p.name: p.read_bytes() for p in SHARED_SCHEMAS.glob("*.json")}


def conform(payload, schema_file: str) -> None:
    validator = Draft4Validator({"$ref": (SCHEMAS / schema_file).as_uri()}, registry=REGISTRY, format_checker=FORMATS)
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(payload)]
    assert not problems, problems


def _property(name: str) -> dict:
    return json.loads((SCHEMAS / "request.json").read_text())["properties"][name]


def check_discovery(body) -> None:
    assert set(body) >= {"changeset", "contact", "key_service", "endpoints"}
    _date_time(body["changeset"])
    assert CJK.search(body["contact"]) and CJK.search(body["key_service"])
    for endpoint in body["endpoints"]:
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert urlsplit(endpoint["url"]).scheme == "https"
        _date_time(endpoint["changeset"])
        assert endpoint["type"] in ("production", "test")
        assert set(endpoint["formats"]) == {"application/json", "application/xml"}


def check_created(body) -> None:
    """The filing answer has no published schema: each field it shares with a request must
    satisfy request.json's definition; ``receipt`` is this portal's extension."""
    assert isinstance(body, list) and len(body) == 1
    (item,) = body
    assert set(item) == {"service_request_id", "service_notice", "account_id", "receipt"}
    for name in ("service_request_id", "service_notice"):
        validator = Draft4Validator(_property(name))
        assert not list(validator.iter_errors(item[name])), name
    assert item["account_id"] is None
    assert re.fullmatch(r"\d{16}", item["receipt"])


def check_errors(body, status: int) -> None:
    assert isinstance(body, list) and body
    for error in body:
        assert set(error) == {"code", "description"}
        assert error["code"] == status
        assert CJK.search(error["description"]), error


class Open311Client:
    """The test client, checking every Open311 answer it gets (see the module docstring)."""

    def __init__(self, client):
        self.client = client
        self.checked: list[str] = []

    def get(self, path, **kwargs):
        return self._check("GET", path, self.client.get(path, **kwargs))

    def post(self, path, **kwargs):
        return self._check("POST", path, self.client.post(path, **kwargs))

    def open(self, path, method, **kwargs):
        return self._check(method, path, self.client.open(path, method=method, **kwargs))

    def _check(self, method, path, response):
        if path.endswith(".xml"):
            assert response.content_type == "application/xml; charset=utf-8"
            ET.fromstring(response.data)
            return response
        if not path.startswith("/open311/v2/") or not path.endswith(".json"):
            return response
        assert response.content_type == "application/json"
        body = response.get_json()
        kind = "error"
        if response.status_code >= 400:
            check_errors(body, response.status_code)
        elif path.endswith("/discovery.json"):
            check_discovery(body)
            kind = "discovery"
        elif path.endswith("/services.json"):
            conform(body, "services.json")
            kind = "services.json"
        elif path.startswith("/open311/v2/services/"):
            conform(body, "service-definition.json")
            kind = "service-definition.json"
        elif method == "POST":
            check_created(body)
            kind = "created"
        else:
            conform(body, "requests.json")
            kind = "requests.json"
        self.checked.append(kind)
        return response


@pytest.fixture
def api(client):
    return Open311Client(client)


@pytest.fixture
def keys(deps, county):
    now = deps.clock.now()
    return {"public": apikeys.create(deps, "open-data-map", "public", county.code, now),
            "staff": apikeys.create(deps, "county-hotline", "staff", county.code, now)}


def stored_complaints(deps, county) -> int:
    """Complaints in the store, discipline-only ones included (the per-category index)."""
    return sum(len(deps.store.query(f"N#{county.code}#{c.code}", index="nearby", limit=1000).items)
               for c in county.categories)


def by_request_id(deps, request_id: str):
    """The complaint behind an Open311 service_request_id (the keyed public id)."""
    return deps.repos.complaints.get(deps.repos.complaints.id_for_public(request_id))


def file(api, key, **fields):
    data = {"api_key": key, "service_code": "c1-no-planning-permit",
            "description": "村口新盖了一栋三层楼，没有看到规划许可公示。", "address_string": "霞阳镇示例村 3 组", **SEAT}
    data.update(fields)
    response = api.post("/open311/v2/requests.json", data={k: v for k, v in data.items() if v is not None})
    assert response.status_code == 201, response.get_json()
    return response.get_json()[0]


def xml_records(response, item: str) -> list[dict]:
    return [{child.tag: child for child in node} for node in ET.fromstring(response.data).findall(item)]


# --- discovery, services ---------------------------------------------------------------------
def test_discovery_names_the_endpoint_and_documents_the_receipt_extension(api):
    body = api.get("/open311/v2/discovery.json").get_json()
    assert body["endpoints"][0]["url"] == "https://portal.test/open311/v2"
    assert body["endpoints"][0]["type"] == "test"  # the fixture runs the demo
    extensions = {e["name"]: e["description"] for e in body["extensions"]}
    assert "回执号" in extensions["receipt"] and "media_url" in extensions
    root = ET.fromstring(api.get("/open311/v2/discovery.xml").data)
    assert root.tag == "discovery"
    assert root.findtext("contact") == body["contact"]
    assert root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == body["endpoints"][0]["formats"]
    assert api.checked == ["discovery"]


def test_services_are_the_county_categories_in_json_and_xml(api, county):
    services = api.get("/open311/v2/services.json").get_json()
    assert [s["service_code"] for s in services] == [c.code for c in county.categories]
    first = services[0]
    assert first["service_name"] == county.categories[0].title and first["group"] == "违法建设"
    rows = xml_records(api.get("/open311/v2/services.xml"), "service")
    assert [r["service_code"].text for r in rows] == [s["service_code"] for s in services]
    for row, service in zip(rows, services):
        assert row["service_name"].text == service["service_name"]
        assert row["metadata"].text == ("true" if service["metadata"] else "false")
        assert row["keywords"].text == service["keywords"] and row["group"].text == service["group"]


def test_service_definition_offers_the_township_list(api, county):
    definition = api.get("/open311/v2/services/l5-villager-house-without-approval.json").get_json()
    values = definition["attributes"][0]["values"]
    assert {"key": "zhongcun", "name": "中村瑶族乡"} in values and len(values) == len(county.townships)
    root = ET.fromstring(api.get("/open311/v2/services/l5-villager-house-without-approval.xml").data)
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/code") == "township"
    assert root.findtext("attributes/attribute/variable") == "true"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [v["key"] for v in values]
    for fmt in ("json", "xml"):
        assert api.get(f"/open311/v2/services/no-such-service.{fmt}").status_code == 404
    assert api.checked == ["service-definition.json", "error"]


# --- filing ------------------------------------------------------------------------------------
def test_filing_needs_an_active_key_of_the_county(api, deps, county):
    form = {"service_code": "c1-no-planning-permit", "description": "村口新盖了一栋三层楼。", **SEAT}
    for data in (form, {**form, "api_key": ""}, {**form, "api_key": "k_not-a-key"}):
        for fmt in ("json", "xml"):
            response = api.post(f"/open311/v2/requests.{fmt}", data=data)
            assert response.status_code == 403
    xml_error = ET.fromstring(api.post("/open311/v2/requests.xml", data=form).data)
    assert xml_error.tag == "errors" and xml_error.findtext("error/code") == "403"
    assert "api_key" in xml_error.findtext("error/description")
    assert stored_complaints(deps, county) == 0


def test_the_receipt_in_the_answer_opens_the_citizen_status_page(api, client, keys):
    created = file(api, keys["public"])
    assert "县自然资源局" in created["service_notice"]
    page = client.post("/status", data={"receipt": created["receipt"]})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "县自然资源局" in text and "已收到，等待受理" in text


def test_a_phone_starts_the_verification_as_on_the_web_form(api, client, deps, keys):
    created = file(api, keys["staff"], phone=PHONE)
    assert "验证码" in created["service_notice"]
    complaint = by_request_id(deps, created["service_request_id"])
    assert complaint.contact.phone_hash == deps.hasher.digest("phone", "+86" + PHONE)
    assert complaint.contact.verified_at is None
    codes = deps.repos.outbox.for_record(f"CMP#{complaint.id}")
    assert [m.kind for m in codes] == ["code"]
    status = client.post("/api/v1/status", json={"receipt": created["receipt"]}).get_json()
    assert status["phone_on_file"] and not status["phone_verified"]


def test_the_xml_filing_answer_carries_the_same_fields(api, deps, keys):
    response = api.post("/open311/v2/requests.xml", data={
        "api_key": keys["public"], "service_code": "l1-occupy-land", "description": "有公司批了10亩地，实际圈了20多亩。",
        "attribute[township]": "shidu"})
    assert response.status_code == 201
    (row,) = xml_records(response, "request")
    assert set(row) == {"service_request_id", "service_notice", "account_id", "receipt"}
    assert row["account_id"].text is None and re.fullmatch(r"\d{16}", row["receipt"].text)
    complaint = by_request_id(deps, row["service_request_id"].text)
    assert complaint.township == "shidu" and complaint.lat is None
    assert complaint.receipt_hash == deps.hasher.digest("receipt", row["receipt"].text)


BAD_INPUTS = [
    pytest.param({"service_code": "no-such-service"}, 400, "service_code", id="unknown service_code"),
    pytest.param({"service_code": None}, 400, "service_code", id="missing service_code"),
    pytest.param({"lat": "39.9042", "long": "116.4074"}, 400, "炎陵县", id="point outside the county"),
    pytest.param({"lat": "26.4x", "long": "113.77"}, 400, "坐标", id="malformed lat"),
    pytest.param({"lat": "NaN", "long": "113.77"}, 400, "坐标", id="lat not a number"),
    pytest.param({"lat": "126.49", "long": "113.77"}, 400, "坐标", id="lat out of range"),
    pytest.param({"long": None}, 400, "经度和纬度", id="lat without long"),
    pytest.param({"lat": None, "long": None}, 400, "位置", id="no place at all"),
    pytest.param({"lat": None, "long": None, "attribute[township]": "atlantis"}, 400, "乡镇", id="unknown township"),
    pytest.param({"description": "楼" * 10_000}, 400, "2000", id="10 000-char description"),
    pytest.param({"description": None}, 400, "描述", id="missing description"),
    pytest.param({"address_string": "路" * 300}, 400, "地址", id="long address"),
    pytest.param({"phone": "12345"}, 400, "手机号码", id="malformed phone"),
    pytest.param({"media_url": "https://example.com/p.jpg"}, 400, "media_url", id="media_url"),
    pytest.param({"jurisdiction_id": "110101"}, 404, "jurisdiction_id", id="unknown jurisdiction"),
    pytest.param({"api_key": None}, 403, "api_key", id="missing api_key"),
]


@pytest.mark.parametrize("fields, status, hint", BAD_INPUTS)
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(api, deps, county, keys, fields, status, hint):
    data = {"api_key": keys["staff"], "service_code": "c1-no-planning-permit",
            "description": "村口新盖了一栋三层楼，没有看到规划许可公示。", **SEAT}
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    before = stored_complaints(deps, county)
    for fmt in ("json", "xml"):
        response = api.post(f"/open311/v2/requests.{fmt}", data=data)
        assert response.status_code == status
        if fmt == "json":
            descriptions = " ".join(e["description"] for e in response.get_json())
        else:
            descriptions = " ".join(e.text for e in ET.fromstring(response.data).iter("description"))
        assert hint in descriptions and CJK.search(descriptions)
    assert stored_complaints(deps, county) == before == 0


def test_markup_is_stored_as_text_and_served_inert(api, deps, keys):
    description = '<script>alert("x")</script> 河边 <b>违建</b> & 占道'
    address = "<img src=x onerror=alert(1)>沿河路"
    created = file(api, keys["staff"], description=description, address_string=address)
    complaint = by_request_id(deps, created["service_request_id"])
    assert (complaint.description, complaint.address) == (description, address)
    staff = {"X-Api-Key": keys["staff"]}
    (as_json,) = api.get(f"/open311/v2/requests/{complaint.public_id}.json", headers=staff).get_json()
    assert (as_json["description"], as_json["address"]) == (description, address)
    raw = api.get(f"/open311/v2/requests/{complaint.public_id}.xml", headers=staff).data
    assert b"<script>" not in raw and b"&lt;script&gt;" in raw
    (row,) = xml_records(api.get(f"/open311/v2/requests/{complaint.public_id}.xml", headers=staff), "request")
    assert (row["description"].text, row["address"].text) == (description, address)


# --- reading -----------------------------------------------------------------------------------
def test_public_callers_get_no_description_address_or_media_and_a_point_to_about_1_km(api, keys):
    created = file(api, keys["staff"], phone=PHONE)
    path = f"/open311/v2/requests/{created['service_request_id']}"
    for query in ({}, {"api_key": keys["public"]}):
        for listed in (api.get("/open311/v2/requests.json", query_string=query).get_json(),
                       api.get(f"{path}.json", query_string=query).get_json()):
            (record,) = listed
            assert record["description"] is None and record["address"] is None and record["media_url"] is None
            assert (record["lat"], record["long"]) == (26.49, 113.77)
            assert record["status"] == "open" and record["agency_responsible"] == "县自然资源局"
        (row,) = xml_records(api.get(f"{path}.xml", query_string=query), "request")
        assert row["description"].text is None and row["address"].text is None and row["media_url"].text is None
        assert (row["lat"].text, row["long"].text) == ("26.49", "113.77")


def test_staff_callers_get_description_address_and_the_exact_point(api, keys):
    created = file(api, keys["staff"])
    (record,) = api.get(f"/open311/v2/requests/{created['service_request_id']}.json",
                        headers={"X-Api-Key": keys["staff"]}).get_json()
    assert record["description"] == "村口新盖了一栋三层楼，没有看到规划许可公示。"
    assert record["address"] == "霞阳镇示例村 3 组"
    assert (record["lat"], record["long"]) == (26.49237, 113.77161)
    assert record["media_url"] is None


def test_a_staff_key_is_taken_in_the_x_api_key_header_and_refused_in_the_url(api, keys):
    """A staff key in a query string lands in proxy, history and client logs: on a GET it is
    refused there, with an answer saying to use the header; public keys stay in the query, as
    GeoReport v2 has them."""
    created = file(api, keys["staff"])
    path = f"/open311/v2/requests/{created['service_request_id']}"
    for url in (f"{path}.json", "/open311/v2/requests.json"):
        refused = api.get(url, query_string={"api_key": keys["staff"]})
        assert refused.status_code == 403
        (error,) = refused.get_json()
        assert "X-Api-Key" in error["description"] and keys["staff"] not in error["description"]
        assert "村口新盖" not in refused.get_data(as_text=True)
    xml = api.get(f"{path}.xml", query_string={"api_key": keys["staff"]})
    assert xml.status_code == 403 and "X-Api-Key" in ET.fromstring(xml.data).findtext("error/description")

    (record,) = api.get(f"{path}.json", headers={"X-Api-Key": keys["staff"]}).get_json()
    assert record["description"] == "村口新盖了一栋三层楼，没有看到规划许可公示。"
    for query, headers in (({"api_key": keys["public"]}, {}), ({}, {"X-Api-Key": keys["public"]})):
        (record,) = api.get(f"{path}.json", query_string=query, headers=headers).get_json()
        assert record["description"] is None  # a public key reads the public record, wherever it comes
    assert api.get(f"{path}.json", headers={"X-Api-Key": "k_not-a-key"}).status_code == 403
    # filing takes the header as well (the posted form is no URL: a key in it stays accepted)
    data = {"service_code": "c1-no-planning-permit", "description": "河边新搭了两层铁皮房。", **SEAT}
    assert api.post("/open311/v2/requests.json", data=data, headers={"X-Api-Key": keys["staff"]}).status_code == 201
    assert api.post("/open311/v2/requests.json", data=data).status_code == 403


def test_xml_carries_the_same_request_data_as_json(api, deps, keys):
    created = file(api, keys["staff"])
    complaint = by_request_id(deps, created["service_request_id"])
    complaint.accept(deps.clock.now(), "officer", complaint.lead)
    commit_complaint(deps, complaint, deps.clock.now())
    file(api, keys["staff"], service_code="c4-no-work-permit", lat=None, long=None, **{"attribute[township]": "miandu"})
    staff = {"X-Api-Key": keys["staff"]}
    records = api.get("/open311/v2/requests.json", headers=staff).get_json()
    rows = xml_records(api.get("/open311/v2/requests.xml", headers=staff), "request")
    assert len(records) == len(rows) == 2
    for record, row in zip(records, rows):
        assert set(row) == set(record)
        for name, value in record.items():
            text = row[name].text
            if value is None:
                assert text is None, name
            elif isinstance(value, float):
                assert float(text) == value, name
            else:
                assert text == value, name


def test_reports_about_officials_are_invisible_to_every_caller(api, deps, county, keys):
    """000 §2(3): even the existence of such a report could expose the reporter."""
    hidden = file(api, keys["staff"], service_code="o1-public-official",
                  description="村干部在基本农田上建别墅，乡里有人帮他压着不查。")
    assert "县纪委监委" in hidden["service_notice"]
    visible = file(api, keys["staff"])
    for query, headers in (({}, {}), ({"api_key": keys["public"]}, {}), ({}, {"X-Api-Key": keys["staff"]})):
        for fmt in ("json", "xml"):
            assert api.get(f"/open311/v2/requests/{hidden['service_request_id']}.{fmt}",
                           query_string=query, headers=headers).status_code == 404
        listed = api.get("/open311/v2/requests.json", query_string=query, headers=headers).get_json()
        assert [r["service_request_id"] for r in listed] == [visible["service_request_id"]]
        by_id = api.get("/open311/v2/requests.json", headers=headers, query_string={
            **query, "service_request_id": f"{hidden['service_request_id']},{visible['service_request_id']}"})
        assert [r["service_request_id"] for r in by_id.get_json()] == [visible["service_request_id"]]
        assert hidden["service_request_id"].encode() not in api.get("/open311/v2/requests.xml", query_string=query,
                                                                    headers=headers).data
    assert stored_complaints(deps, county) == 2


def test_status_maps_to_open_and_closed_with_the_detail_in_the_notes(api, deps, keys):
    running = file(api, keys["staff"])
    declined = file(api, keys["staff"])
    concluded = file(api, keys["staff"])
    now = deps.clock.now()
    c = by_request_id(deps, declined["service_request_id"])
    c.decline(now, "officer", c.lead, "already_handled", "该处已依法拆除。")
    commit_complaint(deps, c, now)
    c = by_request_id(deps, concluded["service_request_id"])
    c.accept(now, "officer", c.lead)
    c.conclude(now, "officer", c.lead, Finding.SUBSTANTIATED, Measures(), "已拆除。", deps.calendar())
    commit_complaint(deps, c, now)
    listed = {r["service_request_id"]: r for r in api.get("/open311/v2/requests.json").get_json()}
    assert (listed[running["service_request_id"]]["status"], listed[running["service_request_id"]]["status_notes"]) == (
        "open", "已收到，等待受理")
    assert (listed[declined["service_request_id"]]["status"], listed[declined["service_request_id"]]["status_notes"]) == (
        "closed", "不予受理")
    assert (listed[concluded["service_request_id"]]["status"],
            listed[concluded["service_request_id"]]["status_notes"]) == ("open", "已办结")
    closed = api.get("/open311/v2/requests.json", query_string={"status": "closed"}).get_json()
    assert [r["service_request_id"] for r in closed] == [declined["service_request_id"]]
    assert "已依法拆除" not in json.dumps(closed, ensure_ascii=False)  # staff notes stay inside


def test_query_window_and_filters_over_http(api, deps, clock, keys):
    old = file(api, keys["public"])
    clock.advance(days=100)
    new = file(api, keys["public"], service_code="c4-no-work-permit")
    ids = lambda response: [r["service_request_id"] for r in response.get_json()]  # noqa: E731
    assert ids(api.get("/open311/v2/requests.json")) == [new["service_request_id"]]
    since = (clock.now() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert ids(api.get("/open311/v2/requests.json", query_string={"start_date": since})) == [old["service_request_id"]]
    assert ids(api.get("/open311/v2/requests.json", query_string={"service_code": "c4-no-work-permit"})) == [
        new["service_request_id"]]
    assert ids(api.get("/open311/v2/requests.json", query_string={
        "service_request_id": f"{old['service_request_id']},{new['service_request_id']}"})) == [
        old["service_request_id"], new["service_request_id"]]
    for bad in ({"start_date": "last week"}, {"end_date": "2026-11-01"}, {"status": "pending"},
                {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-12-31T00:00:00Z"},
                {"service_code": "no-such-service"}):
        for fmt in ("json", "xml"):
            assert api.get(f"/open311/v2/requests.{fmt}", query_string=bad).status_code == 400, bad


@pytest.mark.parametrize("query", [
    {"start_date": "0001-01-01T00:00:00+14:00"},
    {"start_date": "9999-12-30T00:00:00Z"},
    {"end_date": "0001-01-02T00:00:00Z"},
])
def test_extreme_dates_answer_400_in_open311_format_not_a_server_error(api, query):
    assert api.get("/open311/v2/requests.json", query_string=query).status_code == 400  # checked: Open311 errors
    response = api.get("/open311/v2/requests.xml", query_string=query)
    assert response.status_code == 400 and ET.fromstring(response.data).findtext("error/code") == "400"


def test_jurisdiction_id_names_the_county(api, county, keys):
    assert api.get("/open311/v2/services.json", query_string={"jurisdiction_id": county.code}).status_code == 200
    for path in ("services.json", "services/c1-no-planning-permit.json", "requests.json", "requests.xml"):
        assert api.get(f"/open311/v2/{path}", query_string={"jurisdiction_id": "110101"}).status_code == 404


def test_unknown_paths_and_methods_answer_in_open311_format(api):
    assert api.get("/open311/v2/nothing-here.json").status_code == 404
    assert api.get("/open311/v2/services.yaml").status_code == 404
    assert api.open("/open311/v2/requests.json", "DELETE").status_code == 405
    assert api.open("/open311/v2/discovery.xml", "POST").status_code == 405
    response = api.get("/open311/v2/requests/01ARZ3NDEKTSV4RRFFQ69G5FAV.xml")
    assert response.status_code == 404 and ET.fromstring(response.data).tag == "errors"
    assert api.checked == ["error"] * 2  # the .yaml and .xml paths are not JSON answers


def test_the_api_rate_limit_covers_open311_and_answers_in_its_format(api, monkeypatch):
    monkeypatch.setitem(ratelimit.LIMITS, "api", ratelimit.Limit(3, "hour"))
    for _ in range(3):
        assert api.get("/open311/v2/services.json").status_code == 200
    assert api.get("/open311/v2/services.json").status_code == 429
    assert ET.fromstring(api.get("/open311/v2/services.xml").data).findtext("error/code") == "429"


def test_every_endpoint_was_validated_in_this_module(api, keys):
    """A guard on the guard: each schema really is applied to an answer of this app."""
    created = file(api, keys["staff"])
    api.get("/open311/v2/discovery.json")
    api.get("/open311/v2/services.json")
    api.get("/open311/v2/services/c1-no-planning-permit.json")
    api.get("/open311/v2/requests.json")
    api.get(f"/open311/v2/requests/{created['service_request_id']}.json", headers={"X-Api-Key": keys["staff"]})
    assert api.checked == ["created", "discovery", "services.json", "service-definition.json", "requests.json",
                           "requests.json"]
    with pytest.raises(AssertionError):
        conform([{"service_request_id": 42, "status": "open", "service_code": "x",
                  "requested_datetime": "2026-11-23T10:00:00+08:00"}], "requests.json")
    with pytest.raises(AssertionError):
        conform([{"service_request_id": "1", "status": "open", "service_code": "x",
                  "requested_datetime": "2026-11-23 10:00"}], "requests.json")


# --- what never leaves ---------------------------------------------------------------------------
def test_no_answer_or_log_line_carries_a_phone_receipt_or_address(api, client, keys, caplog, deps):
    caplog.set_level(logging.DEBUG)
    created = file(api, keys["staff"], phone=PHONE)
    receipt, request_id = created["receipt"], created["service_request_id"]
    answers = b""
    for path in ("requests.json", "requests.xml", f"requests/{request_id}.json", f"requests/{request_id}.xml"):
        for query, headers in (({}, {}), ({"api_key": keys["public"]}, {}), ({}, {"X-Api-Key": keys["staff"]})):
            answers += api.get(f"/open311/v2/{path}", query_string=query, headers=headers).data
    assert PHONE.encode() not in answers and receipt.encode() not in answers
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (PHONE, receipt, "127.0.0.1"):
        assert secret not in logged
    assert by_request_id(deps, request_id).id in caplog.text  # the log does record the filing itself


# --- address_string alone (issue 19) ------------------------------------------------------------
def test_an_address_naming_a_village_places_the_request_at_the_villages_point(api, deps, county, keys):
    village = next(v for v in county.villages if v.name == "石子坝村")
    created = file(api, keys["public"], lat=None, long=None, address_string="霞阳镇石子坝村三组，村口老樟树旁")
    complaint = by_request_id(deps, created["service_request_id"])
    assert complaint.point == village.point and (complaint.township, complaint.co_handler) == ("xiayang", "xiayang")
    routed = next(e for e in deps.repos.complaints.history(complaint.id) if e.kind == "routed")
    assert routed.data["place"] == {"village": village.code, "approximate": True}


def test_an_address_naming_only_a_township_routes_to_that_township_without_a_point(api, deps, keys):
    created = file(api, keys["public"], lat=None, long=None, address_string="十都镇政府往东两公里的山坡上")
    complaint = by_request_id(deps, created["service_request_id"])
    assert complaint.point is None and complaint.township == "shidu"


@pytest.mark.parametrize("address", ["北京市东城区王府井大街1号", "村口老樟树旁"])
def test_an_address_naming_no_place_of_the_county_is_refused_clearly(api, deps, county, keys, address):
    before = stored_complaints(deps, county)
    response = api.post("/open311/v2/requests.json", data={
        "api_key": keys["public"], "service_code": "c1-no-planning-permit",
        "description": "村口新盖了一栋三层楼，没有看到规划许可公示。", "address_string": address})
    assert response.status_code == 400
    [error] = response.get_json()
    assert "无法根据地址确定位置" in error["description"] and "经纬度" in error["description"]
    assert stored_complaints(deps, county) == before
