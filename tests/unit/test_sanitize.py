"""The photo sanitiser: every stored photo is a re-encoded JPEG with no metadata at all;
capture time and GPS are read out only to be offered to the reporter."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.evidence.sanitize import ImageRejected, sanitize
from portal.timeutil import iso_local
from tests.fakes import images

LIMIT = 10 * 1024 * 1024


def test_phone_photo_is_stored_with_no_metadata_at_all():
    raw = images.phone_jpeg()
    assert images.SERIAL.encode() in raw and images.MAKE.encode() in raw  # the input really carries them
    clean = sanitize(raw, LIMIT)
    stored = clean.data
    for secret in (images.SERIAL, images.MAKE, images.MODEL, "LENS-SERIAL-99", "owner"):
        assert secret.encode() not in stored
    assert images.OWNER.encode("utf-8") not in stored
    reopened = Image.open(io.BytesIO(stored))
    assert reopened.format == "JPEG"
    assert dict(reopened.getexif()) == {}
    assert "exif" not in reopened.info and "icc_profile" not in reopened.info and "comment" not in reopened.info
    assert b"Exif" not in stored[:4096] and b"http://ns.adobe.com/xap" not in stored
    assert (clean.width, clean.height) == (640, 480)


def test_capture_time_and_place_are_offered_not_kept():
    clean = sanitize(images.phone_jpeg(), LIMIT)
    assert iso_local(clean.taken_at) == "2026-11-20T14:03:07+08:00"
    assert clean.taken_lat == pytest.approx(26.492, abs=1e-3)
    assert clean.taken_lng == pytest.approx(113.77, abs=1e-3)
    plain = sanitize(images.phone_jpeg(gps=False, when=False), LIMIT)
    assert (plain.taken_at, plain.taken_lat, plain.taken_lng) == (None, None, None)


@pytest.mark.parametrize("fmt,mode", [("PNG", "RGB"), ("PNG", "RGBA"), ("WEBP", "RGB")])
def test_png_and_webp_become_clean_jpeg(fmt, mode):
    clean = sanitize(images.plain(fmt, mode=mode), LIMIT)
    assert Image.open(io.BytesIO(clean.data)).format == "JPEG"


def test_large_photos_are_scaled_down():
    clean = sanitize(images.plain("JPEG", size=(5000, 3000)), LIMIT)
    assert max(clean.width, clean.height) == 2560


@pytest.mark.parametrize("payload,expected", [
    (b"just some text, named photo.jpg", "不是有效的图片"),
    (b"", "空文件"),
    (images.plain("GIF"), "只能上传"),
    (images.plain("BMP"), "只能上传"),
    (images.png_bomb(), "像素尺寸过大"),
])
def test_hostile_files_are_refused_with_a_clear_message(payload, expected):
    with pytest.raises(ImageRejected) as refused:
        sanitize(payload, LIMIT)
    assert expected in str(refused.value)
    assert refused.value.field == "photos"


def test_files_over_the_size_limit_are_refused_before_decoding():
    with pytest.raises(ImageRejected) as refused:
        sanitize(b"\xff\xd8" + b"\x00" * (LIMIT + 1), LIMIT)
    assert "太大" in str(refused.value)


def test_truncated_jpeg_is_refused():
    raw = images.phone_jpeg()
    with pytest.raises(ImageRejected):
        sanitize(raw[: len(raw) // 3], LIMIT)
