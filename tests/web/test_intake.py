"""Citizen intake on the embedded default, through the HTML form with plain HTTP (no
JavaScript): file anonymously, get a receipt, follow the complaint with it. Every bad
input is answered in Chinese and stores nothing."""

from __future__ import annotations

import io
from pathlib import Path
from datetime import datetime, timezone

import pytest

from portal.store import keys as K
from tests.conftest import form_token, receipt_from
from tests.fakes import images

SEAT = {"lat": "26.492", "lng": "113.770"}
GOOD = {"category": "c8-outdoor-signs", "description": "主街路口有人没经批准立起了一块大广告牌。", **SEAT}


def count_complaints(deps) -> int:
    since = datetime(2000, 1, 1, tzinfo=timezone.utc)
    county = deps.counties.default
    return sum(len(deps.repos.complaints.recent_in_category(county.code, c.code, since)) for c in county.categories)


def stored_blobs(settings) -> list:
    root = settings.blob_path
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def file_form(client, **fields):
    token = form_token(client.get("/report").text)
    return client.post("/report", data={"token": token, **fields}, content_type="multipart/form-data")


def test_home_page_promises_and_directory(client):
    """004 C20, L17: the clocks promised, and every department's mailbox, email and phone published."""
    page = client.get("/").text
    assert "3个工作日内决定是否受理" in page and "办结后7个工作日内告知结果" in page  # 004 C20, L17
    assert "县自然资源局" in page and "zrzy-report@example.invalid" in page and "示例" in page
    assert "乡镇执法队2小时内到场" in page  # 004 C17(2)


def test_file_with_plain_http_then_follow_with_the_receipt(client, deps):
    """004 C20, L17: any person may report: no account, no cookie, only the receipt."""
    response = file_form(client, **GOOD)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # citizens get no cookie
    receipt = receipt_from(response.text)
    assert len(receipt) == 16 and receipt.isdigit()
    assert "<svg" in response.text  # the printable QR code
    assert count_complaints(deps) == 1  # durable before the receipt was shown
    status = client.post("/status", data={"receipt": receipt})
    assert status.status_code == 200
    assert 'id="lead-department">县城市管理和综合执法局<' in status.text
    assert "已收到，等待受理" in status.text


def test_a_form_submitted_twice_files_once_and_shows_the_same_receipt(client, deps):
    token = form_token(client.get("/report").text)
    first = client.post("/report", data={"token": token, **GOOD})
    second = client.post("/report", data={"token": token, **GOOD})
    assert receipt_from(first.text) == receipt_from(second.text)
    assert count_complaints(deps) == 1


def test_within_the_grace_period_the_same_form_shows_the_same_receipt(client, deps, clock):
    """A lost answer or a double tap: the retry, minutes later, still gets the receipt."""
    token = form_token(client.get("/report").text)
    first = client.post("/report", data={"token": token, **GOOD})
    clock.advance(minutes=14)
    again = client.post("/report", data={"token": token, **GOOD})
    assert again.status_code == 200 and receipt_from(again.text) == receipt_from(first.text)
    assert again.headers["Cache-Control"] == "no-store"
    assert count_complaints(deps) == 1


def test_after_the_grace_period_a_replayed_form_is_refused_without_the_receipt(client, deps, clock):
    """The token stays valid for 24 hours and rests in the browser (the form page, the saved
    post): whoever takes the phone or sits at the same computer later must not read the
    receipt with it (threat model 4)."""
    from portal.services.intake import RECEIPT_GRACE

    token = form_token(client.get("/report").text)
    receipt = receipt_from(client.post("/report", data={"token": token, **GOOD, "phone": "13800138000"}).text)
    clock.advance(seconds=RECEIPT_GRACE.total_seconds() + 1)
    for replay in ({"token": token}, {"token": token, **GOOD, "phone": "13800138000"}):
        response = client.post("/report", data=replay)
        assert response.status_code == 409
        assert "这份举报已经提交过了" in response.text and "不会再次显示" in response.text
        assert receipt not in response.text.replace(" ", "")
        assert 'id="receipt-number"' not in response.text and 'name="receipt"' not in response.text
        assert "验证手机号码" not in response.text
        assert response.headers["Cache-Control"] == "no-store"
    english = client.post("/report?lang=en", data={"token": token})
    assert english.status_code == 409 and "This report has already been submitted" in english.text
    assert count_complaints(deps) == 1


def test_the_filing_form_is_never_cached(client):
    """It carries the filing token: back/forward or a shared computer must not bring it back."""
    form = client.get("/report")
    assert form.status_code == 200 and form_token(form.text)
    assert form.headers["Cache-Control"] == "no-store" and form.headers["Pragma"] == "no-cache"


def test_the_receipt_is_stored_only_as_a_keyed_hash(client, deps, settings):
    receipt = receipt_from(file_form(client, **GOOD).text)
    raw = settings.sqlite_file.read_bytes()
    for path in settings.sqlite_file.parent.glob("portal.sqlite3*"):
        raw += path.read_bytes()
    assert receipt.encode() not in raw
    assert deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt)) is not None


def test_markup_in_every_text_field_is_stored_then_rendered_inert(client, deps):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = file_form(client, category="l1-occupy-land", description="占地建房 " + attack, address=attack,
                         lat="26.12", lng="113.78")
    receipt = receipt_from(response.text)
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
    assert attack in complaint.description and complaint.address == attack  # stored faithfully
    client.post("/status/reply", data={"receipt": receipt, "text": attack})
    page = client.post("/status", data={"receipt": receipt}).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("fields,field,message", [
    ({"description": ""}, "description", "请描述看到的情况"),
    ({"description": "违" * 10_000}, "description", "情况描述太长了"),
    ({"category": "no-such-thing"}, "category", "请选择要举报的问题类型"),
    ({"lat": "39.90", "lng": "116.40"}, "location", "不在炎陵县范围内"),
    ({"lat": "abc", "lng": "113.77"}, "location", "坐标格式不正确"),
    ({"phone": "12345"}, "phone", "手机号码格式不正确"),
    ({"phone": "<script>alert(1)</script>"}, "phone", "手机号码格式不正确"),
    ({"lat": "", "lng": "", "township": ""}, "location", "请在地图上标出位置"),
])
def test_bad_fields_are_answered_in_chinese_and_nothing_is_stored(client, deps, settings, fields, field, message):
    response = file_form(client, **{**GOOD, **fields})
    assert response.status_code == 400
    assert message in response.text
    assert f'id="err-{field}"' in response.text
    assert count_complaints(deps) == 0
    assert stored_blobs(settings) == []


@pytest.mark.parametrize("payload,name,message", [
    (b"\xff\xd8" + b"\x00" * (30 * 1024 * 1024), "huge.jpg", "照片太大"),
    (b"this is a text file, not a photo", "photo.jpg", "不是有效的图片"),
    (images.png_bomb(), "bomb.png", "像素尺寸过大"),
])
def test_bad_photos_are_refused_and_nothing_is_stored(client, deps, settings, payload, name, message):
    token = form_token(client.get("/report").text)
    response = client.post("/report", data={"token": token, **GOOD, "photos": [
        (io.BytesIO(images.plain("JPEG")), "fine.jpg"), (io.BytesIO(payload), name)]})
    assert response.status_code == 400
    assert message in response.text
    assert count_complaints(deps) == 0
    assert stored_blobs(settings) == []  # not even the good photo


def test_an_expired_form_gets_a_fresh_token_and_keeps_the_input(client, deps, clock):
    token = form_token(client.get("/report").text)
    clock.advance(hours=25)
    response = client.post("/report", data={"token": token, **GOOD})
    assert response.status_code == 400
    assert "表单已过期" in response.text
    assert form_token(response.text) != token
    assert "主街路口有人没经批准" in response.text
    assert count_complaints(deps) == 0


def test_honeypot_field_refuses_bots(client, deps):
    response = file_form(client, **GOOD, website="http://spam.example")
    assert response.status_code == 400 and count_complaints(deps) == 0


def test_photo_with_exif_asks_the_reporter_and_stores_no_metadata(client, deps, settings):
    token = form_token(client.get("/report").text)
    response = client.post("/report", data={"token": token, **GOOD, "photos": [
        (io.BytesIO(images.phone_jpeg()), "IMG_0001.jpg")]})
    assert response.status_code == 200
    assert "确认照片信息" in response.text and "2026-11-20 14:03" in response.text
    upload_id = response.text.split('name="confirm_exif" value="')[1].split('"')[0]
    confirmed = client.post("/report", data={"token": token, **GOOD, "exif_reviewed": "1",
                                             "upload_ids": [upload_id], "confirm_exif": [upload_id]})
    receipt = receipt_from(confirmed.text)
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
    (evidence,) = complaint.evidence
    assert evidence.taken_at is not None and evidence.taken_lat == pytest.approx(26.492, abs=1e-3)
    stored = deps.blobs.get(evidence.key)
    assert images.SERIAL.encode() not in stored and images.MAKE.encode() not in stored
    assert images.OWNER.encode() not in stored and b"Exif" not in stored[:4096]


def test_capture_facts_start_unticked_and_the_place_is_explained(client):
    """The place is where the phone was, maybe the reporter's window: kept only if chosen."""
    token = form_token(client.get("/report").text)
    response = client.post("/report", data={"token": token, **GOOD, "photos": [
        (io.BytesIO(images.phone_jpeg()), "IMG_0003.jpg")]})
    box = response.text.split('name="confirm_exif"')[1].split(">")[0]
    assert "checked" not in box
    assert "拍摄地点是拍照时您的手机所在的位置" in response.text and "就是您家的位置" in response.text
    script = (Path(__file__).parents[2] / "static" / "js" / "report.js").read_text()
    assert "box.checked = false" in script and "box.checked = true" not in script
    assert "可能就是您的住处" in client.get("/report").text  # the script's note, from the template


def test_without_direct_uploads_the_form_posts_its_photos_itself(client, app, settings):
    """The embedded default takes photos in the form post (JavaScript off): the input is there
    for everyone and the body may hold six photos."""
    page = client.get("/report").text
    assert 'name="photos"' in page and "<noscript>" not in page and 'data-direct="0"' in page
    assert app.config["MAX_CONTENT_LENGTH"] == 6 * settings.photo_limit + 1024 * 1024


@pytest.mark.parametrize("raw", [images.damaged_exif_jpeg("make-as-rational"),
                                 images.phone_jpeg(taken="0001:01:01 00:00:00")],
                         ids=["damaged-exif", "year-one"])
def test_a_photo_with_broken_exif_is_filed_not_a_server_error(client, deps, raw):
    token = form_token(client.get("/report").text)
    response = client.post("/report", data={"token": token, **GOOD, "photos": [(io.BytesIO(raw), "IMG.jpg")]})
    assert response.status_code == 200
    upload_id = response.text.split('name="confirm_exif" value="')[1].split('"')[0]
    done = client.post("/report", data={"token": token, **GOOD, "exif_reviewed": "1", "upload_ids": [upload_id]})
    assert done.status_code == 200 and receipt_from(done.text)
    api = client.post("/api/v1/uploads", data={"token": form_token(client.get("/report").text),
                                               "photo": (io.BytesIO(raw), "IMG.jpg")}, content_type="multipart/form-data")
    assert api.status_code == 201 and api.json["status"] == "ready"
    assert count_complaints(deps) == 1


def test_unconfirmed_capture_facts_are_dropped(client, deps):
    token = form_token(client.get("/report").text)
    response = client.post("/report", data={"token": token, **GOOD, "photos": [
        (io.BytesIO(images.phone_jpeg()), "IMG_0002.jpg")]})
    upload_id = response.text.split('name="confirm_exif" value="')[1].split('"')[0]
    done = client.post("/report", data={"token": token, **GOOD, "exif_reviewed": "1", "upload_ids": [upload_id]})
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt_from(done.text)))
    assert (complaint.evidence[0].taken_at, complaint.evidence[0].taken_lat) == (None, None)


def test_someone_elses_upload_cannot_be_attached(client, deps):
    token_a = form_token(client.get("/report").text)
    staged = client.post("/report", data={"token": token_a, **GOOD, "photos": [
        (io.BytesIO(images.phone_jpeg()), "a.jpg")]})
    upload_id = staged.text.split('name="confirm_exif" value="')[1].split('"')[0]
    token_b = form_token(client.get("/report").text)
    response = client.post("/report", data={"token": token_b, **GOOD, "exif_reviewed": "1", "upload_ids": [upload_id]})
    assert response.status_code == 400 and "照片已失效" in response.text
    assert count_complaints(deps) == 0


def test_wrong_receipts_are_refused_and_guessing_is_rate_limited(client, deps):
    receipt = receipt_from(file_form(client, **GOOD).text)
    wrong = client.post("/status", data={"receipt": "1111 2222 3333 4444"})
    assert wrong.status_code == 400 and "回执号不正确" in wrong.text
    for n in range(9):
        client.post("/status", data={"receipt": f"{n:016d}"})
    blocked = client.post("/status", data={"receipt": receipt})
    assert blocked.status_code == 429 and "一小时后再试" in blocked.text
    deps.clock.advance(hours=1)
    assert client.post("/status", data={"receipt": receipt}).status_code == 200  # the next hour's window


def test_phone_is_verified_before_any_sms(client, deps):
    response = file_form(client, **GOOD, phone="138 0013 8000")
    receipt = receipt_from(response.text)
    assert "验证手机号码" in response.text
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
    kinds = [m.kind for m in deps.repos.outbox.for_record(K.complaint_pk(complaint.id))]
    assert kinds == ["code"]  # nothing but the code until the reporter proves the phone is theirs
    code = next(m for m in deps.repos.outbox.for_record(K.complaint_pk(complaint.id))).body.split("验证码")[1][:6]
    bad = client.post("/status/verify", data={"receipt": receipt, "code": "000000" if code != "000000" else "111111"})
    assert "验证码不正确" in bad.text
    ok = client.post("/status/verify", data={"receipt": receipt, "code": code})
    assert "手机号码已验证" in ok.text
    kinds = sorted(m.kind for m in deps.repos.outbox.for_record(K.complaint_pk(complaint.id)))
    assert kinds == ["code", "received"]
    assert complaint.contact.envelope and "13800138000" not in complaint.contact.envelope


def test_english_is_available_on_request(client):
    page = client.get("/?lang=en")
    assert page.status_code == 200
    assert "lang=en" in page.headers.get("Set-Cookie", "")
