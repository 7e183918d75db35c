"""The photo sanitiser, shared by the embedded upload route and the S3-triggered function.

Every photo is decoded and re-encoded with Pillow as a JPEG that carries no metadata at
all: no EXIF, no XMP, no ICC profile, no comments. Before the metadata is dropped, the
capture time and GPS position are read out and *offered* to the reporter as evidence of
when and where (kept only if the reporter confirms); device make, model, serial numbers
and owner names never leave this function.

Accepted: JPEG, PNG, WebP. HEIC is not: its decoder (pillow-heif) would add some 26 MB of
native libraries to the Lambda package, and phones convert HEIC to JPEG when the file input
asks for ``image/jpeg,image/png,image/webp`` (as the filing form does).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from PIL import Image, ImageOps, UnidentifiedImageError

from portal.domain.errors import DomainError
from portal.i18n import N_
from portal.timeutil import SHANGHAI

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"
#: larger images are refused before decoding (decompression bombs)
MAX_PIXELS = 40_000_000
#: stored photos are scaled down to this long edge
MAX_EDGE = 2560
JPEG_QUALITY = 85

_TAG_EXIF_IFD = 0x8769
_TAG_GPS_IFD = 0x8825
_TAG_DATETIME_ORIGINAL = 0x9003
_TAG_OFFSET_TIME_ORIGINAL = 0x9011
_TAG_DATETIME = 0x0132


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int
    #: offered to the reporter; never stored unless confirmed
    taken_at: datetime | None
    taken_lat: float | None
    taken_lng: float | None


class ImageRejected(DomainError):
    pass


def sanitize(raw: bytes, max_bytes: int) -> CleanImage:
    if len(raw) > max_bytes:
        raise ImageRejected(N_("照片太大：每张不能超过 %(mb)s MB。"), field="photos", mb=max_bytes // (1024 * 1024))
    if not raw:
        raise ImageRejected(N_("上传的照片是空文件。"), field="photos")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.format not in ALLOWED_FORMATS:
                raise ImageRejected(N_("只能上传 JPEG、PNG 或 WebP 格式的照片。"), field="photos")
            width, height = image.size
            if width * height > MAX_PIXELS or width <= 0 or height <= 0:
                raise ImageRejected(N_("照片的像素尺寸过大，无法处理。"), field="photos")
            image.load()
            taken_at, lat, lng = _capture_facts(image)
            image = ImageOps.exif_transpose(image)
            clean, (out_width, out_height) = _reencode(image)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(N_("照片的像素尺寸过大，无法处理。"), field="photos") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected(N_("文件不是有效的图片，请上传手机拍摄的照片。"), field="photos") from None
    return CleanImage(data=clean.getvalue(), content_type="image/jpeg", width=out_width, height=out_height,
                      taken_at=taken_at, taken_lat=lat, taken_lng=lng)


def _reencode(image: Image.Image) -> tuple[io.BytesIO, tuple[int, int]]:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((MAX_EDGE, MAX_EDGE))
    # A fresh image holds pixels only: nothing of the original's info dict comes along.
    pixels = Image.new("RGB", image.size)
    pixels.paste(image)
    out = io.BytesIO()
    pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out, pixels.size


def _capture_facts(image: Image.Image) -> tuple[datetime | None, float | None, float | None]:
    try:
        exif = image.getexif()
    except Exception:  # malformed EXIF is no reason to refuse the photo
        return None, None, None
    taken_at = None
    try:
        sub = exif.get_ifd(_TAG_EXIF_IFD)
        text = sub.get(_TAG_DATETIME_ORIGINAL) or exif.get(_TAG_DATETIME)
        if text:
            naive = datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
            offset = sub.get(_TAG_OFFSET_TIME_ORIGINAL)
            tz = _parse_offset(offset) or SHANGHAI
            taken_at = naive.replace(tzinfo=tz).astimezone(timezone.utc)
    except (ValueError, TypeError, KeyError):
        taken_at = None
    lat = lng = None
    try:
        gps = exif.get_ifd(_TAG_GPS_IFD)
        if gps and 2 in gps and 4 in gps:
            lat = _dms(gps[2]) * (-1 if str(gps.get(1, "N")).upper().startswith("S") else 1)
            lng = _dms(gps[4]) * (-1 if str(gps.get(3, "E")).upper().startswith("W") else 1)
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                lat = lng = None
            else:
                lat, lng = round(lat, 6), round(lng, 6)
    except (ValueError, TypeError, ZeroDivisionError, KeyError, IndexError):
        lat = lng = None
    return taken_at, lat, lng


def _dms(values) -> float:
    d, m, s = (float(v) for v in values)
    return d + m / 60 + s / 3600


def _parse_offset(text) -> timezone | None:
    if not text:
        return None
    try:
        text = str(text).strip("\x00 ")
        sign = -1 if text.startswith("-") else 1
        hours, minutes = text.lstrip("+-").split(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    except (ValueError, TypeError):
        return None
