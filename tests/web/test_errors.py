"""Error pages in Chinese, from the portal's own layout, with nothing of the failure in them."""

from __future__ import annotations

import pytest

from portal.services import filing_tokens


def test_an_unknown_page_gets_the_portals_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.content_type == "text/html; charset=utf-8"
    assert "页面不存在。" in response.text and "炎陵县" in response.text  # the county's layout


@pytest.mark.parametrize(("path", "method"), [("/report", "get"), ("/api/v1/filing-tokens", "post")])
def test_an_unexpected_error_gets_the_500_page_without_a_trace(client, monkeypatch, path, method):
    def broken(*_args, **_kwargs):
        raise RuntimeError("store password hunter2 rejected")

    monkeypatch.setattr(filing_tokens, "issue", broken)
    response = getattr(client, method)(path)
    assert response.status_code == 500
    shown = response.get_json()["message"] if response.is_json else response.text
    assert "系统出错了，请稍后再试。" in shown
    assert "hunter2" not in response.text and "Traceback" not in response.text and "RuntimeError" not in response.text
