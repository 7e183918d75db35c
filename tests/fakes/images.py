"""Test images: a phone photo with revealing EXIF, other formats, and hostile files."""

from __future__ import annotations

import io
import zlib
import struct

from PIL import Image

SERIAL = "SN-4471-2209-XK"
OWNER = "张三的手机"
MAKE, MODEL = "Huawei", "Mate 60 Pro"
TAKEN = "2026:11:20 14:03:07"


def phone_jpeg(size=(640, 480), gps=True, when=True, taken=TAKEN, offset="+08:00") -> bytes:
    image = Image.new("RGB", size, (120, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = MAKE
    exif[0x0110] = MODEL
    exif[0x013B] = OWNER  # Artist
    exif[0x8298] = OWNER  # Copyright
    sub = exif.get_ifd(0x8769)
    sub[0xA431] = SERIAL  # BodySerialNumber
    sub[0xA430] = OWNER  # CameraOwnerName
    sub[0xA435] = "LENS-SERIAL-99"  # LensSerialNumber
    if when:
        sub[0x9003] = taken  # DateTimeOriginal
        sub[0x9011] = offset  # OffsetTimeOriginal
    if gps:
        g = exif.get_ifd(0x8825)
        g[1] = "N"
        g[2] = (26.0, 29.0, 31.2)
        g[3] = "E"
        g[4] = (113.0, 46.0, 12.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"owner: " + OWNER.encode())
    return out.getvalue()


def plain(fmt: str, size=(320, 240), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 20, 30, 128) if mode == "RGBA" else (10, 20, 30)).save(out, format=fmt)
    return out.getvalue()


def png_bomb(width=12000, height=12000) -> bytes:
    """A tiny PNG that claims 144 megapixels: rows of zeros compress to almost nothing."""
    return blank_png(width, height, color_type=0, bit_depth=1)


def blank_png(width: int, height: int, color_type: int = 6, bit_depth: int = 8, fill: int = 0) -> bytes:
    """A valid PNG whose every sample byte is ``fill`` (0: transparent black when RGBA,
    ``color_type`` 6), built row by row so that no full-size image is ever held: a few hundred
    kilobytes for millions of pixels."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    raw_row = b"\x00" + bytes([fill]) * ((width * channels * bit_depth + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(raw_row) for _ in range(height)) + compressor.flush()

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _ifd(entries: list[tuple[int, int, int, bytes]], start: int) -> bytes:
    """A little-endian TIFF IFD at offset ``start``: (tag, type, count, value bytes) each;
    values longer than four bytes go after the directory."""
    head = struct.pack("<H", len(entries))
    tail = b""
    data_at = start + 2 + 12 * len(entries) + 4
    for tag, kind, count, value in entries:
        if len(value) <= 4:
            head += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00")
        else:
            head += struct.pack("<HHII", tag, kind, count, data_at + len(tail))
            tail += value + (b"\x00" if len(value) % 2 else b"")
    return head + struct.pack("<I", 0) + tail


#: EXIF damage as phones and editing apps write it (and byte-flip fuzzing finds): a tag whose
#: stored type is not the one the standard gives it. Reading such EXIF works; writing it back
#: (what ``ImageOps.exif_transpose`` does) raises.
DAMAGE = {
    # Make (ASCII) stored as a RATIONAL: AttributeError ('IFDRational' has no 'encode')
    "make-as-rational": (0x010F, 5, 1, struct.pack("<II", 7, 3)),
    # XResolution (RATIONAL) stored as text: TypeError (abs() of a str)
    "resolution-as-text": (0x011A, 2, 4, b"72x\x00"),
    # ResolutionUnit (SHORT) stored as a RATIONAL: struct.error (not an integer)
    "unit-as-rational": (0x0128, 5, 1, struct.pack("<II", 5, 2)),
}


def damaged_exif_jpeg(damage: str, size=(64, 48), orientation=6) -> bytes:
    """A JPEG whose EXIF (hand-built, little endian) holds an orientation, a capture time and
    one damaged tag (``DAMAGE``)."""
    taken = TAKEN.encode() + b"\x00"
    entries = [(0x0112, 3, 1, struct.pack("<H", orientation)), DAMAGE[damage]]
    ifd0_size = len(_ifd(entries + [(0x8769, 4, 1, b"\x00" * 4)], 8))
    sub = _ifd([(0x9003, 2, len(taken), taken)], 8 + ifd0_size)
    entries.append((0x8769, 4, 1, struct.pack("<I", 8 + ifd0_size)))
    entries.sort()
    tiff = b"II*\x00" + struct.pack("<I", 8) + _ifd(entries, 8) + sub
    out = io.BytesIO()
    Image.new("RGB", size, (120, 160, 90)).save(out, format="JPEG", exif=b"Exif\x00\x00" + tiff)
    return out.getvalue()
