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


# --- damaged EXIF: only undecodable pixels refuse a photo ---------------------------------


@pytest.mark.parametrize("damage", sorted(images.DAMAGE))
def test_a_photo_with_damaged_exif_is_kept_upright_not_refused(damage):
    """Phones and editing apps write EXIF whose tags have the wrong type; writing it back (what
    ``ImageOps.exif_transpose`` did) raised struct.error, TypeError or AttributeError: a 500 on
    the form, an upload stuck "awaiting" on AWS."""
    raw = images.damaged_exif_jpeg(damage, size=(64, 48), orientation=6)
    clean = sanitize(raw, LIMIT)
    assert (clean.width, clean.height) == (48, 64)  # orientation 6 read from the tag: turned upright
    assert iso_local(clean.taken_at) == "2026-11-20T14:03:07+08:00"  # the readable facts are still offered
    reopened = Image.open(io.BytesIO(clean.data))
    assert reopened.size == (48, 64) and dict(reopened.getexif()) == {}


@pytest.mark.parametrize("taken,offset", [("0001:01:01 00:00:00", "+08:00"), ("9999:12:31 23:59:59", "-08:00")])
def test_a_capture_time_outside_the_calendar_means_no_capture_time(taken, offset):
    """Year 1 east of UTC (or 9999 west of it) overflowed in ``astimezone``: a 500 on the form."""
    clean = sanitize(images.phone_jpeg(taken=taken, offset=offset), LIMIT)
    assert clean.taken_at is None
    assert clean.taken_lat == pytest.approx(26.492, abs=1e-3)  # the place is still offered
    assert (clean.width, clean.height) == (640, 480)


def quadrants(size=(80, 60)) -> Image.Image:
    """Four coloured quarters, to tell every rotation and flip apart."""
    image = Image.new("RGB", size)
    w, h = size
    for box, colour in (((0, 0, w // 2, h // 2), (220, 0, 0)), ((w // 2, 0, w, h // 2), (0, 200, 0)),
                        ((0, h // 2, w // 2, h), (0, 0, 220)), ((w // 2, h // 2, w, h), (240, 240, 0))):
        image.paste(colour, box)
    return image


def corner_colours(image: Image.Image) -> list[tuple[int, ...]]:
    w, h = image.size
    rgb = image.convert("RGB")
    return [rgb.getpixel((x, y)) for x, y in ((w // 8, h // 8), (w - w // 8, h // 8), (w // 8, h - h // 8),
                                               (w - w // 8, h - h // 8))]


def close(a, b, tolerance=40) -> bool:
    return all(abs(x - y) <= tolerance for pa, pb in zip(a, b) for x, y in zip(pa, pb))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_shown_upright(orientation):
    """The orientation tag is read and applied directly; the result is what Pillow's own
    ``exif_transpose`` shows for well-formed EXIF."""
    from PIL import ImageOps

    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    quadrants().save(out, format="JPEG", exif=exif.tobytes(), quality=95)
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(out.getvalue())))
    clean = Image.open(io.BytesIO(sanitize(out.getvalue(), LIMIT).data))
    assert clean.size == expected.size
    assert close(corner_colours(clean), corner_colours(expected))


# --- memory: budgets by format, flattening after scaling, a bounded number at once --------


def test_a_png_over_its_pixel_budget_is_refused_with_a_clear_message():
    """PNG and WebP cannot be decoded at reduced scale: a 47 KB RGBA PNG of 12 M pixels would
    hold 48 MB at once (the reviewer's 170 KB one, 6320 x 6320, about 500 MB with its copies)."""
    raw = images.blank_png(4000, 3001)
    assert len(raw) < 100_000 and 4000 * 3001 < 40_000_000  # small, and under the JPEG budget
    with pytest.raises(ImageRejected) as refused:
        sanitize(raw, LIMIT)
    assert str(refused.value) == "照片的像素尺寸过大，无法处理。" and refused.value.field == "photos"


def test_a_jpeg_of_the_same_size_is_decoded_at_reduced_scale_and_kept():
    out = io.BytesIO()
    Image.new("RGB", (4000, 3001), (30, 90, 150)).save(out, format="JPEG", quality=70)
    clean = sanitize(out.getvalue(), LIMIT)
    assert (clean.width, clean.height) == (2560, 1921)
    assert close([Image.open(io.BytesIO(clean.data)).getpixel((5, 5))], [(30, 90, 150)], 6)


def test_transparent_and_palette_images_are_flattened_on_white_after_scaling():
    rgba = Image.new("RGBA", (3000, 2000), (0, 0, 0, 0))
    rgba.paste((200, 0, 0, 255), (1500, 0, 3000, 2000))  # right half opaque red, left half transparent
    palette = Image.new("P", (300, 200), 0)
    palette.putpalette([0, 0, 0, 0, 0, 230] + [0] * 762)
    palette.paste(1, (150, 0, 300, 200))  # right half blue, left half index 0, declared transparent
    grey_alpha = Image.new("LA", (300, 200), (0, 0))
    grey_alpha.paste((60, 255), (150, 0, 300, 200))
    for image, size, right in ((rgba, (2560, 1707), (200, 0, 0)), (palette, (300, 200), (0, 0, 230)),
                               (grey_alpha, (300, 200), (60, 60, 60))):
        out = io.BytesIO()
        image.save(out, format="PNG", **({"transparency": 0} if image.mode == "P" else {}))
        clean = sanitize(out.getvalue(), LIMIT)
        stored = Image.open(io.BytesIO(clean.data))
        assert (clean.width, clean.height) == size and stored.mode == "RGB"
        w, h = stored.size
        assert close([stored.getpixel((w // 4, h // 2))], [(255, 255, 255)], 6), image.mode  # transparent: white
        assert close([stored.getpixel((3 * w // 4, h // 2))], [right], 12), image.mode


def test_at_most_two_photos_are_sanitised_at_once(monkeypatch):
    """Each sanitisation may hold tens of megabytes; the embedded server runs eight threads."""
    import threading

    from portal.evidence import sanitize as module

    decode, inside, release = module._decode, threading.Condition(), threading.Event()
    active = []

    def held(raw):
        with inside:
            active.append(1)
            inside.notify_all()
        release.wait(30)
        return decode(raw)

    monkeypatch.setattr(module, "_decode", held)
    results = []
    threads = [threading.Thread(target=lambda: results.append(sanitize(images.plain("JPEG"), LIMIT)))
               for _ in range(4)]
    for t in threads:
        t.start()
    with inside:
        assert inside.wait_for(lambda: len(active) >= module.CONCURRENT_SANITIZE, timeout=30)
    assert module.CONCURRENT_SANITIZE == 2
    assert not module._slots.acquire(blocking=False)  # both slots taken: the other two wait
    assert len(active) == 2
    release.set()
    for t in threads:
        t.join(30)
    assert len(results) == 4 and len(active) == 4
