"""Errors reach people through the portal's own handlers (portal.web.errors), in Chinese:
an HTML page on the citizen side, ``{"code", "message"}`` on the JSON API. flask-smorest's
handler, which used to replace them app-wide, must not answer."""

from __future__ import annotations


def test_a_missing_citizen_page_is_a_chinese_html_page(client, county):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    page = response.get_data(as_text=True)
    assert "页面不存在。" in page and county.name in page


def test_a_missing_api_path_is_chinese_json(client):
    response = client.get("/api/v1/no-such-path")
    assert response.status_code == 404
    assert response.get_json() == {"code": 404, "message": "页面不存在。"}


def test_a_body_the_schema_refuses_is_a_400_naming_the_fields(client):
    response = client.post("/api/v1/complaints", json={"category": 7})
    assert response.status_code == 400
    body = response.get_json()
    assert body["message"] == "请求有误，请检查后重试。"
    assert set(body["errors"]) == {"token", "category", "description"}
