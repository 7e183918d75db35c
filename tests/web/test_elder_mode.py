"""The elder-friendly mode travels in the URL (citizens get no cookie): every citizen link and
form action carries it; a page that answered a POST switches by posting again what it needs
(the receipt page re-posts the receipt to /receipt); the typed receipt comes back after a
wrong entry and never reaches a log."""

from __future__ import annotations

import logging
import re

from tests.conftest import PUBLIC_URL, file_form, receipt_from


def test_every_citizen_link_and_form_keeps_the_mode(client):
    for path in ("/", "/report", "/status", "/grids"):
        html = client.get(path + "?elder=1", base_url=PUBLIC_URL).get_data(as_text=True)
        get_forms = re.findall(r'<form method="get".*?</form>', html, flags=re.S)
        for form in get_forms:  # a GET form drops its action's query
            assert '<input type="hidden" name="elder" value="1">' in form, (path, form)
        if path == "/grids":
            assert get_forms, html  # the pattern finds the page's GET form: the check above is not vacuous
        assert '<body class="elder">' in html
        switch_back = re.search(r'id="mode-switch" href="([^"]+)"', html).group(1)
        assert "elder" not in switch_back  # the one way out of the mode
        own = [u for u in re.findall(r'(?:href|action)="(/[^"]*)"', html)
               if not u.startswith("/static/") and u != switch_back]
        assert own and all("elder=1" in u for u in own if not u.startswith("/api/")), (path, own)
        standard = client.get(path, base_url=PUBLIC_URL).get_data(as_text=True)
        assert '<body class="standard">' in standard and "elder=1" in re.search(r'id="mode-switch" href="([^"]+)"',
                                                                                 standard).group(1)


def test_the_receipt_page_switches_mode_by_posting_the_receipt_again(client):
    filed = file_form(client).get_data(as_text=True)
    receipt = receipt_from(filed)
    switch = re.search(r'<form method="post" class="switch-form" action="([^"]+)">', filed).group(1)
    assert switch == "/receipt?elder=1"
    again = client.post(switch, base_url=PUBLIC_URL, data={"receipt": receipt})
    assert again.status_code == 200 and receipt_from(again.get_data(as_text=True)) == receipt
    assert '<body class="elder">' in again.get_data(as_text=True)
    wrong = client.post(switch, base_url=PUBLIC_URL, data={"receipt": "1111 2222 3333 4444"})
    assert wrong.status_code == 400 and 'value="1111 2222 3333 4444"' in wrong.get_data(as_text=True)


def test_a_wrong_receipt_comes_back_in_the_box_and_never_reaches_a_log(client, caplog):
    caplog.set_level(logging.DEBUG)
    typed = "1234 5678 9012 3457"
    page = client.post("/status", base_url=PUBLIC_URL, data={"receipt": typed})
    assert page.status_code == 400
    assert f'value="{typed}"' in page.get_data(as_text=True) and page.headers["Cache-Control"] == "no-store"
    assert "12345678" not in caplog.text and "5678 9012" not in caplog.text
    markup = client.post("/status", base_url=PUBLIC_URL, data={"receipt": '"><script>x</script>'})
    assert "<script>x" not in markup.get_data(as_text=True)  # shown inert


def test_colour_is_never_the_only_signal_on_the_step_bar_or_an_error(client):
    """MIIT 2021: a state or an error is said in words or a sign, not only in colour."""
    filed = file_form(client, "?elder=1").get_data(as_text=True)
    status = client.post("/status?elder=1", base_url=PUBLIC_URL, data={"receipt": receipt_from(filed)}).get_data(as_text=True)
    steps = re.findall(r'<li class="step (\w+)"[^>]*>(.*?)</li>', status, re.S)
    assert [state for state, _ in steps] == ["done", "current", "upcoming", "upcoming", "upcoming"]
    for state, body in steps:
        marker = re.search(r'<span class="marker"[^>]*>(.*?)</span>', body).group(1).strip()
        when = re.sub(r"<[^>]+>", "", re.search(r'<span class="when">(.*?)</span>', body, re.S).group(1)).strip()
        assert marker and when, (state, body)  # a sign (✓ or the step's number) and words (a date, 正在进行, 尚未开始)
    refused = file_form(client, "?elder=1", category="", description="", lat="", lng="").get_data(as_text=True)
    errors = re.findall(r'<ul class="errors" id="err-[^"]+">(.*?)</ul>', refused, re.S)
    assert errors and all('<span class="sign" aria-hidden="true">!</span>' in e and re.sub(r"<[^>]+>|!", "", e).strip()
                          for e in errors)
