"""The JSON API for filing and status (/api/v1), described by OpenAPI 3."""

from __future__ import annotations

import io

from tests.fakes import images


def token(client) -> str:
    response = client.post("/api/v1/filing-tokens")
    assert response.status_code == 201
    return response.json["token"]


def test_openapi_document_describes_every_route(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/complaints", "/api/v1/status", "/api/v1/uploads", "/api/v1/catalog", "/api/v1/places"):
        assert path in spec["paths"], path


def test_catalog_lists_categories_and_the_directory(client):
    catalog = client.get("/api/v1/catalog").json
    assert catalog["county"] == "炎陵县"
    assert len(catalog["categories"]) == 27
    assert any(d["code"] == "natural_resources" and d["placeholder"] for d in catalog["departments"])


def test_places_tell_township_and_built_up_area(client):
    place = client.get("/api/v1/places?lat=26.492&lng=113.770").json
    assert {k: place[k] for k in ("in_county", "township", "township_name", "in_built_up_area")} == {
        "in_county": True, "township": "xiayang", "township_name": "霞阳镇", "in_built_up_area": True}
    assert client.get("/api/v1/places?lat=39.9&lng=116.4").json["in_county"] is False
    assert client.get("/api/v1/places?lat=999&lng=1").status_code == 400


def test_file_with_an_uploaded_photo_then_follow_and_reply(client, deps):
    t = token(client)
    upload = client.post("/api/v1/uploads", data={"token": t, "photo": (io.BytesIO(images.phone_jpeg()), "a.jpg")},
                         content_type="multipart/form-data")
    assert upload.status_code == 201
    assert upload.json["taken_at"].startswith("2026-11-20T14:03:07")
    filed = client.post("/api/v1/complaints", json={
        "token": t, "category": "c4-no-work-permit", "description": "小区旁边的楼盘没有施工许可公示，夜里施工。",
        "lat": 26.12, "lng": 113.78, "upload_ids": [upload.json["upload_id"]]})
    assert filed.status_code == 201
    assert filed.json["lead_department"] == "县住房和城乡建设局"
    again = client.post("/api/v1/complaints", json={
        "token": t, "category": "c4-no-work-permit", "description": "小区旁边的楼盘没有施工许可公示，夜里施工。",
        "lat": 26.12, "lng": 113.78, "upload_ids": [upload.json["upload_id"]]})
    assert again.json["receipt"] == filed.json["receipt"] and again.json["duplicate"] is True
    receipt = filed.json["receipt"]
    status = client.post("/api/v1/status", json={"receipt": receipt})
    assert status.status_code == 200
    assert status.json["status"] == "received" and status.json["acceptance_due"].endswith("+08:00")
    replied = client.post("/api/v1/status/reply", json={"receipt": receipt, "text": "补充：每天晚上十点后还在施工。"})
    assert replied.json["history"][-1]["by_reporter"] is True


def test_errors_are_chinese_json_with_fields(client, deps):
    t = token(client)
    bad = client.post("/api/v1/complaints", json={"token": t, "category": "nope", "description": "", "lat": 39.9,
                                                  "lng": 116.4})
    assert bad.status_code == 400
    assert bad.json["message"] and "errors" in bad.json
    assert set(bad.json["errors"]) >= {"description", "category"}
    wrong = client.post("/api/v1/status", json={"receipt": "0000 0000 0000 0000"})
    assert wrong.status_code == 400 and "回执号不正确" in wrong.json["message"]
    malformed = client.post("/api/v1/status", json={"receipt": 12})
    assert malformed.status_code == 400
    no_token = client.post("/api/v1/complaints", json={"token": "forged", "category": "l1-occupy-land",
                                                       "description": "占用耕地建房。", "lat": 26.12, "lng": 113.78})
    assert no_token.status_code == 400 and "表单已过期" in no_token.json["message"]


def test_presign_is_refused_on_the_embedded_default(client):
    response = client.post("/api/v1/uploads/presign", json={"token": token(client)})
    assert response.status_code == 400 and "/api/v1/uploads" in response.json["message"]


def test_schema_errors_are_flattened_and_in_chinese(client):
    response = client.post("/api/v1/complaints", json={"token": 5, "surprise": True})
    assert response.status_code == 400
    errors = response.json["errors"]
    assert errors["category"] == ["必须填写。"]
    assert errors["token"] == ["应为文本。"]
    assert errors["surprise"] == ["不认识这个字段。"]


COMPLAINT = {"category": "c4-no-work-permit", "description": "小区旁边的楼盘没有施工许可公示，夜里施工。",
             "lat": 26.12, "lng": 113.78, "phone": "13800138000"}


def test_a_token_replayed_after_the_grace_period_gets_no_receipt(client, clock):
    from portal.services.intake import RECEIPT_GRACE

    t = token(client)
    filed = client.post("/api/v1/complaints", json={"token": t, **COMPLAINT})
    assert filed.status_code == 201 and filed.json["phone_verification_required"] is True
    clock.advance(minutes=10)
    retry = client.post("/api/v1/complaints", json={"token": t, **COMPLAINT})  # a lost answer, retried
    assert retry.status_code == 201 and retry.json["receipt"] == filed.json["receipt"]
    assert retry.json["duplicate"] is True and retry.json["phone_verification_required"] is True
    clock.advance(seconds=RECEIPT_GRACE.total_seconds())
    for body in ({"token": t, **COMPLAINT}, {"token": t, "category": "x", "description": "x"}):
        replay = client.post("/api/v1/complaints", json=body)
        assert replay.status_code == 409
        assert replay.json["code"] == 409 and "这份举报已经提交过了" in replay.json["message"]
        assert set(replay.json) <= {"code", "message", "errors"}  # no receipt, no phone_verification_required
        assert filed.json["receipt"] not in replay.text


def test_the_upload_state_takes_the_token_in_a_header_never_in_the_url(client):
    t = token(client)
    upload = client.post("/api/v1/uploads", data={"token": t, "photo": (io.BytesIO(images.phone_jpeg()), "a.jpg")},
                         content_type="multipart/form-data").json
    url = f"/api/v1/uploads/{upload['upload_id']}"
    state = client.get(url, headers={"X-Filing-Token": t})
    assert state.status_code == 200 and state.json["status"] == "ready"
    assert state.headers["Cache-Control"] == "no-store"
    in_the_url = client.get(url, query_string={"token": t})
    assert in_the_url.status_code == 400 and "X-Filing-Token" in in_the_url.json["errors"]
    assert client.get(url, headers={"X-Filing-Token": token(client)}).status_code == 404  # another filing's token

    operation = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/uploads/{upload_id}"]["get"]
    parameters = {(p["in"], p["name"]) for p in operation["parameters"]}
    assert ("header", "X-Filing-Token") in parameters
    assert not any(where == "query" for where, _ in parameters)
