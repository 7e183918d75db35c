"""Defects a new user found on the citizen side (issue #18, item 7), each pinned by a test
that failed before its fix: the portal's own "received" entry shown as the reporter's words,
an error summary that listed nothing, and phone numbers outside mainland China accepted
(and a verification SMS sent abroad) through the form, the JSON API and Open311."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from portal.services import apikeys
from tests.conftest import PUBLIC_URL, file_form, receipt_from

FOREIGN_PHONES = ["+1 202 555 0143", "+12025550143", "+44 7911 123456", "+852 6123 4567"]
MAINLAND_REFUSAL = "请填写11位中国大陆手机号码"


def history_items(html: str) -> list[str]:
    section = html.split('class="history"', 1)[1]
    return re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)


def test_the_portals_received_entry_is_not_shown_as_the_reporters_words(client):
    receipt = receipt_from(file_form(client).get_data(as_text=True))
    page = client.post("/status", base_url=PUBLIC_URL, data={"receipt": receipt}).get_data(as_text=True)
    received = [item for item in history_items(page) if "您的举报已收到" in item]
    assert received and not any("您补充" in item for item in received)
    client.post("/status/reply", base_url=PUBLIC_URL, data={"receipt": receipt, "text": "在公路东侧，红色屋顶。"})
    page = client.post("/status", base_url=PUBLIC_URL, data={"receipt": receipt}).get_data(as_text=True)
    (reply,) = [item for item in history_items(page) if "红色屋顶" in item]
    assert "您补充" in reply  # the reporter's own words are still marked as such
    api = client.post("/api/v1/status", json={"receipt": receipt}).get_json()
    assert [h["by_reporter"] for h in api["history"]].count(True) == 1


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.by_id: dict[str, tuple[str, dict]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.by_id[attrs["id"]] = (tag, attrs)


def test_the_error_summary_lists_each_error_and_links_to_its_field(client):
    response = file_form(client, category="", description="", lat="", lng="", township="", phone="12345")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = re.search(r'<div[^>]*id="error-summary".*?</div>', html, re.S).group(0)
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    parsed = _Ids()
    parsed.feed(html)
    fields = set()
    for target, text in links:
        tag, attrs = parsed.by_id[target]  # the link leads to an element on the page
        assert tag in ("input", "select", "textarea"), target
        fields.add(attrs["name"])
        assert text.strip()
    assert {"category", "description", "phone"} <= fields and len(links) >= 3
    # each error beside a field is in the summary, once, as a link: no item without its link
    beside = [re.sub(r"<[^>]+>|!", "", item).strip()
              for ul in re.findall(r'<ul class="errors" id="err-[^"]+">(.*?)</ul>', html, re.S)
              for item in re.findall(r"<li>(.*?)</li>", ul, re.S)]
    assert sorted(text.strip() for _, text in links) == sorted(beside)
    assert summary.count("<li>") == len(links)
    where = [html.index(f'id="{target}"') for target, _ in links]
    assert where == sorted(where)  # listed in the form's order, top to bottom
    placeless = file_form(client, lat="", lng="", township="").get_data(as_text=True)
    summary = re.search(r'<div[^>]*id="error-summary".*?</div>', placeless, re.S).group(0)
    (target,) = re.findall(r'<a href="#([^"]+)">', summary)
    parsed = _Ids()
    parsed.feed(placeless)
    assert parsed.by_id[target][1]["name"] in ("lat", "township")  # the place's error leads to the place


@pytest.mark.parametrize("phone", FOREIGN_PHONES)
def test_the_form_refuses_a_phone_outside_mainland_china_and_sends_nothing(client, deps, phone):
    response = file_form(client, phone=phone)
    assert response.status_code == 400
    assert MAINLAND_REFUSAL in response.get_data(as_text=True)
    assert deps.repos.outbox.recent(deps.counties.default.code) == []  # no verification SMS went anywhere


def test_a_mainland_mobile_is_still_taken_in_every_usual_spelling(client, deps):
    for phone in ("13912345678", "139 1234 5678", "+86 139 1234 5678", "+8613912345678", "008613912345678"):
        response = file_form(client, phone=phone)
        assert response.status_code == 200, phone
        receipt = receipt_from(response.get_data(as_text=True))
        complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
        assert complaint.contact.phone_hash == deps.hasher.digest("phone", "+8613912345678")


@pytest.mark.parametrize("phone", ["02012345678", "0731-12345678", "1391234567"])
def test_a_landline_or_short_number_is_refused_with_the_same_message(client, phone):
    response = file_form(client, phone=phone)
    assert response.status_code == 400 and MAINLAND_REFUSAL in response.get_data(as_text=True)


@pytest.mark.parametrize("phone", FOREIGN_PHONES)
def test_the_json_api_refuses_a_phone_outside_mainland_china(client, deps, phone):
    token = client.post("/api/v1/filing-tokens").json["token"]
    response = client.post("/api/v1/complaints", json={
        "token": token, "category": "c1-no-planning-permit", "description": "村口农田里有人违法建房，已经砌到二层。",
        "lat": 26.46, "lng": 113.85, "phone": phone})
    assert response.status_code == 400
    assert MAINLAND_REFUSAL in str(response.get_json())


@pytest.mark.parametrize("phone", FOREIGN_PHONES)
def test_open311_refuses_a_phone_outside_mainland_china(client, deps, phone):
    county = deps.counties.default
    key = apikeys.create(deps, "county-hotline", "staff", county.code, deps.clock.now())
    response = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "c1-no-planning-permit", "description": "村口新盖了一栋三层楼，没有看到规划许可公示。",
        "lat": "26.49237", "long": "113.77161", "phone": phone})
    assert response.status_code == 400
    assert MAINLAND_REFUSAL in " ".join(e["description"] for e in response.get_json())
