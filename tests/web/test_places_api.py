"""The place endpoints and filing with a place (issue 19): the pin's preview comes from the
filing routing; coordinates tagged GCJ-02 are stored as WGS84 and route like their GPS twin;
a village chosen without coordinates places the report at its approximate point; the search
finds names, pinyin and initials; the layers carry every village; nearby reports show only
category, status, week and a grid cell."""

from __future__ import annotations

import dataclasses

import pytest

from portal.domain import datum
from portal.domain.geo import Point, distance_m
from tests.conftest import form_token

SEAT = Point(113.770, 26.492)  # 霞阳镇, inside the built-up area
FIELD = Point(113.850, 26.460)  # 霞阳镇, outside it


def places(client, point: Point, **extra):
    answer = client.post("/api/v1/places", json={"lat": point.lat, "lng": point.lng, **extra}).json
    assert client.get("/api/v1/places", query_string={"lat": point.lat, "lng": point.lng, **extra}).json == answer
    return answer


def test_the_preview_names_place_lead_and_township_team_as_filing_routes(client):
    p = places(client, FIELD, category="l5-villager-house-without-approval")
    assert p["township_name"] == "霞阳镇" and p["village_name"]
    assert p["text"] == f"霞阳镇 {p['village_name']}附近：由县农业农村局办理，霞阳镇执法队 2 小时内到现场。"
    inside = places(client, SEAT, category="c8-outdoor-signs")  # 004 C10: urban management inside
    assert "（县城建成区内）" in inside["text"] and "由县城市管理和综合执法局办理" in inside["text"]
    outside = places(client, FIELD, category="c8-outdoor-signs")  # the township outside
    assert "由霞阳镇办理" in outside["text"]


def test_a_discipline_only_preview_names_the_commission_alone_and_no_township_team(client):
    """000 §2(3), §4(2)4; 004 C36: a report about an official goes to the discipline commission
    alone; the preview promises no township visit and names no other unit."""
    p = places(client, FIELD, category="o1-public-official")
    assert "县纪委监委" in p["text"] and "执法队" not in p["text"] and "到现场" not in p["text"]
    assert p["lead_name"] == "县纪委监委"


def test_without_a_category_the_preview_names_the_township_only_and_outside_the_county_says_so(client):
    p = places(client, FIELD)
    assert "霞阳镇执法队 2 小时内到现场" in p["text"] and p["lead_name"] is None
    far = places(client, Point(113.68, 26.59), category="l1-occupy-land")
    assert far["in_county"] is False and "不在炎陵县范围内" in far["text"] and far["township"] is None


def test_a_gcj02_point_is_converted_and_routes_like_its_gps_twin(client, deps):
    on_map = datum.from_wgs84(FIELD, datum.GCJ02)
    p = places(client, on_map, datum="gcj02", category="l1-occupy-land")
    assert distance_m(Point(p["lng"], p["lat"]), FIELD) < 0.05
    assert (p["map_lat"], p["map_lng"]) == pytest.approx((on_map.lat, on_map.lng), abs=1e-6)
    assert p["township"] == places(client, FIELD)["township"]
    token = client.post("/api/v1/filing-tokens").json["token"]
    filed = client.post("/api/v1/complaints", json={
        "token": token, "category": "l1-occupy-land", "description": "农田里正在打地基建房。",
        "lat": on_map.lat, "lng": on_map.lng, "datum": "gcj02"})
    assert filed.status_code == 201, filed.json
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", filed.json["receipt"]))
    assert distance_m(complaint.point, FIELD) < 0.05  # stored in WGS84
    assert complaint.township == "xiayang"
    refused = client.post("/api/v1/complaints", json={
        "token": client.post("/api/v1/filing-tokens").json["token"], "category": "l1-occupy-land",
        "description": "农田里正在打地基建房。", "lat": 26.46, "lng": 113.85, "datum": "bd09"})
    assert refused.status_code == 400


def test_the_form_places_a_report_at_a_chosen_villages_approximate_point(client, deps):
    county = deps.counties.default
    village = next(v for v in county.villages if v.township == "zhongcun")
    page = client.get("/report").get_data(as_text=True)
    assert f'value="{village.code}"' in page and "大致位置" in page
    answer = client.post("/report", data={
        "token": form_token(page), "category": "l1-occupy-land", "description": "村口有人占用耕地建房。",
        "township": "zhongcun", "village": village.code})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:2000]
    [complaint] = deps.repos.complaints.recent_in_category("430225", "l1-occupy-land", deps.clock.now().replace(year=2000))
    assert complaint.point == village.point and complaint.township == "zhongcun"
    routed = next(e for e in deps.repos.complaints.history(complaint.id) if e.kind == "routed")
    assert routed.data["place"] == {"village": village.code, "approximate": True}


def test_a_village_of_another_township_or_an_unknown_village_is_refused_and_nothing_stored(client, deps):
    county = deps.counties.default
    village = next(v for v in county.villages if v.township == "zhongcun")
    for township, code, message in (("xiayang", village.code, "不在所选乡镇"), ("", "430225999999", "不存在")):
        page = client.get("/report").get_data(as_text=True)
        answer = client.post("/report", data={
            "token": form_token(page), "category": "l1-occupy-land", "description": "村口有人占用耕地建房。",
            "township": township, "village": code})
        assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert deps.repos.complaints.recent_in_category("430225", "l1-occupy-land", deps.clock.now().replace(year=2000)) == []


@pytest.mark.parametrize("query,expected", [
    ("石子坝", "石子坝村"), ("shiziba", "石子坝村"), ("szb", "石子坝村"), ("ＳＨＩＺＩＢＡ", "石子坝村"),
    ("十都", "十都镇"), ("shidu", "十都镇"), ("炎帝陵", "炎帝陵"), ("huojiaxu", "霍家圩社区"),
])
def test_the_search_finds_names_pinyin_and_initials(client, query, expected):
    found = client.get("/api/v1/places/search", query_string={"q": query}).json["places"]
    assert found and found[0]["name"] == expected, found
    assert {"kind", "name", "township_name", "demo", "map_lat", "map_lng"} == set(found[0])


def test_the_search_answers_nothing_for_nonsense_and_refuses_an_empty_query(client):
    assert client.get("/api/v1/places/search?q=zzzzqqq").json == {"places": []}
    assert client.get("/api/v1/places/search?q=").status_code == 400
    assert client.get("/api/v1/places/search?q=" + "a" * 41).status_code == 400


def test_the_layers_carry_every_village_and_follow_the_maps_datum(client, deps):
    geo = client.get("/api/v1/map").json
    villages = [f for f in geo["features"] if f["geometry"]["type"] == "Point" and f["properties"]["kind"] != "landmark"]
    assert len(villages) == 131 and all(f["properties"]["demo"] for f in villages)
    kinds = {f["properties"]["kind"] for f in geo["features"]}
    assert {"boundary", "township", "built_up_area", "village", "community", "landmark"} <= kinds
    shifted = client.get("/api/v1/map?map_datum=gcj02").json
    a, b = geo["features"][0]["geometry"]["coordinates"][0][0][0], shifted["features"][0]["geometry"]["coordinates"][0][0][0]
    moved = distance_m(Point(*a), Point(*b))
    assert 200 < moved < 800


def test_nearby_reports_show_only_category_status_week_and_cell(client, deps):
    from portal.domain.access import Actor, Role
    from portal.services import workflow
    from tests.services.helpers import file

    complaint, _ = file(deps, place=(f"{FIELD.lat}", f"{FIELD.lng}"), description="农田里有人盖房，晚上也在施工。")
    workflow.accept(deps, Actor("o", Role.OFFICER, "natural_resources", "430225"), complaint.id, "", deps.clock.now())
    answer = client.post("/api/v1/places/nearby", json={"lat": FIELD.lat, "lng": FIELD.lng}).json
    assert answer["enabled"] and answer["note"] == "可能已有人举报过——您仍然可以举报。"
    [shown] = answer["reports"]
    assert set(shown) == {"category", "status", "week", "map_lat", "map_lng"}
    assert shown["status"] == "已受理，正在核查处理" and "那一周" in shown["week"]
    assert (shown["map_lat"], shown["map_lng"]) != (FIELD.lat, FIELD.lng)
    text = str(answer)
    assert "农田里有人盖房" not in text and complaint.id not in text

    from portal.county_registry import CountyRegistry

    deps.counties = CountyRegistry([dataclasses.replace(deps.counties.default, nearby_reports=False)])
    assert client.post("/api/v1/places/nearby", json={"lat": FIELD.lat, "lng": FIELD.lng}).json == {
        "enabled": False, "note": "", "reports": []}
