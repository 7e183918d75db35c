"""Adapters of the tile ports (``portal.ports.TileCache``, ``TileFetcher``): the cache in a
folder (``files``) or an S3 bucket (``s3``, so a Lambda reads the cache, not the upstream),
and the HTTP client that fetches upstream tiles (``http``)."""

PNG = b"\x89PNG\r\n\x1a\n"


def image_type(data: bytes) -> str | None:
    """The content type of a PNG, JPEG or WebP image, read from its first bytes; None otherwise."""
    if data.startswith(PNG):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
