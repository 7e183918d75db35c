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


def phone_jpeg(size=(640, 480), gps=True, when=True) -> bytes:
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
        sub[0x9003] = TAKEN  # DateTimeOriginal
        sub[0x9011] = "+08:00"  # OffsetTimeOriginal
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
    raw_row = b"\x00" + b"\x00" * (width // 8 + 1)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(raw_row) for _ in range(height)) + compressor.flush()

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
