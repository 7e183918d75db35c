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
import logging
import threading
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from portal.domain.errors import DomainError
from portal.i18n import N_
from portal.timeutil import SHANGHAI

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"
#: larger JPEGs are refused before decoding (decompression bombs). A JPEG bigger than the
#: stored size is decoded at 1/2, 1/4 or 1/8 scale (``draft``), so even 40 M pixels cost a
#: fraction of that in memory.
MAX_PIXELS = 40_000_000
#: PNG and WebP have no reduced-scale decoding: all their pixels are held at once, up to four
#: bytes each, and a few hundred kilobytes of PNG can claim tens of millions of them. 12 M
#: pixels (a 4000 x 3000 screenshot or export) is about 48 MB decoded.
MAX_PIXELS_LOSSLESS = 12_000_000
#: stored photos are scaled down to this long edge
MAX_EDGE = 2560
JPEG_QUALITY = 85
#: photos sanitised at once in one process: each may hold tens of megabytes while decoding,
#: and the embedded server runs eight threads (an 8-photo burst would otherwise need eight
#: times the memory); the others wait their turn
CONCURRENT_SANITIZE = 2
_slots = threading.BoundedSemaphore(CONCURRENT_SANITIZE)

_TAG_ORIENTATION = 0x0112
_TAG_EXIF_IFD = 0x8769
_TAG_GPS_IFD = 0x8825
_TAG_DATETIME_ORIGINAL = 0x9003
_TAG_OFFSET_TIME_ORIGINAL = 0x9011
_TAG_DATETIME = 0x0132
#: EXIF orientation -> the transposition that shows the photo upright
#: (names of ``PIL.Image.Transpose``; Pillow is imported at the first photo, not at start-up)
_UPRIGHT = {
    2: "FLIP_LEFT_RIGHT",
    3: "ROTATE_180",
    4: "FLIP_TOP_BOTTOM",
    5: "TRANSPOSE",
    6: "ROTATE_270",
    7: "TRANSVERSE",
    8: "ROTATE_90",
}

_NOT_AN_IMAGE = N_("文件不是有效的图片，请上传手机拍摄的照片。")
_TOO_LARGE = N_("照片的像素尺寸过大，无法处理。")


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
    """Decode, scale down, rotate upright and re-encode ``raw`` as a JPEG without metadata.

    Only pixels that cannot be decoded (or too many of them) refuse the photo. Whatever goes
    wrong while reading the capture facts or the orientation (phones and editing apps write
    damaged EXIF) only means there are none: the photo is kept, its facts are not offered."""
    from PIL import Image

    if len(raw) > max_bytes:
        raise ImageRejected(N_("照片太大：每张不能超过 %(mb)s MB。"), field="photos", mb=max_bytes // (1024 * 1024))
    if not raw:
        raise ImageRejected(N_("上传的照片是空文件。"), field="photos")
    with _slots:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = _decode(raw)
                taken_at, lat, lng = _capture_facts(image)
                orientation = _orientation(image)
                clean, (out_width, out_height) = _reencode(image, orientation)
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
            raise ImageRejected(_TOO_LARGE, field="photos") from None
        except Exception as exc:  # any decoder or encoder failure: not a photo we can keep
            log.info("photo refused: %s", type(exc).__name__)
            raise ImageRejected(_NOT_AN_IMAGE, field="photos") from None
    return CleanImage(data=clean.getvalue(), content_type="image/jpeg", width=out_width, height=out_height,
                      taken_at=taken_at, taken_lat=lat, taken_lng=lng)


def _stored_size(width: int, height: int) -> tuple[int, int]:
    """The size a photo is stored at: the long edge at most ``MAX_EDGE``, the aspect kept."""
    scale = min(1.0, MAX_EDGE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _decode(raw: bytes) -> Image.Image:
    """The photo's pixels, loaded; ImageRejected for a format or a size the portal does not take."""
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(raw))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise
    except Exception:  # UnidentifiedImageError, or a header the plugin chokes on
        raise ImageRejected(_NOT_AN_IMAGE, field="photos") from None
    if image.format not in ALLOWED_FORMATS:
        raise ImageRejected(N_("只能上传 JPEG、PNG 或 WebP 格式的照片。"), field="photos")
    width, height = image.size
    limit = MAX_PIXELS if image.format == "JPEG" else MAX_PIXELS_LOSSLESS
    if width <= 0 or height <= 0 or width * height > limit:
        raise ImageRejected(_TOO_LARGE, field="photos")
    if image.format == "JPEG":
        # decode at the smallest of 1, 1/2, 1/4, 1/8 scale that still covers the stored size
        image.draft(None, _stored_size(width, height))
    image.load()
    return image


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1 = upright), read directly; 1 when it is missing or unreadable."""
    try:
        value = image.getexif().get(_TAG_ORIENTATION)
        return value if isinstance(value, int) and value in _UPRIGHT else 1
    except Exception:  # damaged EXIF: show the photo as stored
        return 1


def _reencode(image: Image.Image, orientation: int = 1) -> tuple[io.BytesIO, tuple[int, int]]:
    """Scale down first, then rotate and flatten transparency onto white: every full-size copy
    is avoided but the one the resampling needs."""
    from PIL import Image

    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode == "PA":
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "RGBA", "LA", "L"):
        image = image.convert("RGB")  # CMYK, 1-bit, 16-bit and float pixels
    image.thumbnail((MAX_EDGE, MAX_EDGE))
    if orientation in _UPRIGHT:
        image = image.transpose(getattr(Image.Transpose, _UPRIGHT[orientation]))
    if image.mode in ("RGBA", "LA"):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    # A fresh image holds pixels only: nothing of the original's info dict comes along.
    pixels = Image.new("RGB", image.size)
    pixels.paste(image.convert("RGB") if image.mode != "RGB" else image)
    out = io.BytesIO()
    pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out, pixels.size


def _capture_facts(image: Image.Image) -> tuple[datetime | None, float | None, float | None]:
    """Capture time (UTC) and GPS position, each None when absent, implausible or unreadable:
    damaged EXIF is no reason to refuse the photo, so nothing here raises."""
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
    except Exception:  # ValueError, OverflowError (year 1 east of UTC), whatever a damaged IFD raises
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
    except Exception:  # ValueError, ZeroDivisionError, whatever a damaged IFD raises
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
