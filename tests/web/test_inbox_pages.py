"""The unit's email inbox pages (004 C20, L17): the message as text only (its HTML, scripts and
markup never rendered), the refused attachments with their reasons, the sanitised photo, the
sender's address never shown; registering sends the receipt by reply (the demo's mail outbox
page lists it, the address masked); dismissing needs a reason."""

from __future__ import annotations

import re

import pytest

from portal.services.channels import inbox
from tests.conftest import PUBLIC_URL
from tests.fakes import images, mail
from tests.web.staff_support import fast_argon2, signed_in  # noqa: F401


@pytest.fixture
def message_id(deps, clock):
    stored = inbox.store_raw(deps, "natural_resources", mail.report_eml(big_mb=11), via="import", arrived_at=None,
                             now=clock.now())
    return stored.message_id


def test_004_c20_the_message_is_shown_as_text_with_the_reasons_for_what_was_refused(app, deps, clock, message_id):
    officer = signed_in(app, deps, clock, "officer")
    listing = officer.get("/staff/inbox").text
    assert mail.SUBJECT in listing and f"/staff/inbox/{message_id}" in listing
    page = officer.get(f"/staff/inbox/{message_id}").text
    body = re.search(r'<div class="prewrap" id="mail-text">(.*?)</div>', page, re.S).group(1)
    assert mail.TEXT in body and "&lt;b&gt;不是标签&lt;/b&gt;" in body and "<b>" not in body
    assert mail.SCRIPT not in page and "javascript:" not in page and "cid:" not in page
    assert mail.SENDER not in page and "wang.reporter" not in page and mail.SENDER_NAME not in page
    assert "只接收照片（JPEG、PNG 或 WebP）；这个附件（application/zip）未接收" in page
    assert "附件超过 10 MB，未接收。" in page
    photo = officer.get(f"/staff/inbox/{message_id}/photos/1")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert images.SERIAL.encode() not in photo.data and b"Exif" not in photo.data
    assert officer.get(f"/staff/inbox/{message_id}/photos/2").status_code == 404  # the zip was not kept
    other = signed_in(app, deps, clock, "officer_housing")
    assert other.get(f"/staff/inbox/{message_id}").status_code == 404


def test_004_c20_registering_an_email_sends_the_receipt_by_reply(app, deps, clock, client, message_id):
    officer = signed_in(app, deps, clock, "officer")
    page = officer.get(f"/staff/inbox/{message_id}").text
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert 'value="2026-11-23"' in page  # the day the mailbox received it
    bad = officer.post(f"/staff/inbox/{message_id}/register", {"token": token, "category": "", "description": "短",
                                                                "received_on": "2026-11-23"})
    assert bad.status_code == 400 and 'id="err-category"' in bad.text and 'id="err-location"' not in bad.text
    slip = officer.post(f"/staff/inbox/{message_id}/register", {
        "token": token, "category": "l1-occupy-land", "description": mail.TEXT, "township": "longxi",
        "received_on": "2026-11-23"})
    assert slip.status_code == 200 and 'id="receipt-mailed"' in slip.text and "receipt-number" not in slip.text
    outbox = client.get("/demo/mail-outbox", base_url=PUBLIC_URL).text
    assert "w***@example.cn" in outbox and mail.SENDER not in outbox and "回执号" in outbox
    assert "已登记为举报" in officer.get(f"/staff/inbox/{message_id}").text


def test_a_dismissal_needs_a_reason(app, deps, clock, message_id):
    officer = signed_in(app, deps, clock, "officer")
    refused = officer.post(f"/staff/inbox/{message_id}/dismiss", {"reason": " "})
    assert refused.status_code == 400 and "请写明不予登记的理由。" in refused.text
    assert officer.post(f"/staff/inbox/{message_id}/dismiss", {"reason": "广告"}).status_code == 303
    assert message_id not in officer.get("/staff/inbox").text
    assert message_id in officer.get("/staff/inbox?bucket=done").text


def test_the_mail_outbox_page_is_for_the_demo_only(deps, client, settings, app):
    assert client.get("/demo/mail-outbox", base_url=PUBLIC_URL).status_code == 200
    deps.settings = settings.__class__.from_env({}, data_dir=settings.data_dir, public_url=PUBLIC_URL)
    assert client.get("/demo/mail-outbox", base_url=PUBLIC_URL).status_code == 404
