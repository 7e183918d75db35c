"""The blob-store contract: the files adapter and the S3 adapter pass it unchanged."""

from __future__ import annotations

import pytest

from portal.ports import BlobNotFound


def test_put_get_exists_delete(blobs):
    blobs.put("evidence/01ABC.jpg", b"\xff\xd8jpeg", "image/jpeg")
    assert blobs.exists("evidence/01ABC.jpg")
    assert blobs.get("evidence/01ABC.jpg") == b"\xff\xd8jpeg"
    blobs.delete("evidence/01ABC.jpg")
    assert not blobs.exists("evidence/01ABC.jpg")
    blobs.delete("evidence/01ABC.jpg")  # idempotent


def test_overwrite_replaces(blobs):
    blobs.put("evidence/a.jpg", b"one", "image/jpeg")
    blobs.put("evidence/a.jpg", b"two", "image/jpeg")
    assert blobs.get("evidence/a.jpg") == b"two"


def test_missing_blob_raises(blobs):
    with pytest.raises(BlobNotFound):
        blobs.get("evidence/none.jpg")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "evidence/../x", "", "a//b", "evidence/x y.jpg"])
def test_unsafe_keys_are_refused(blobs, key):
    with pytest.raises(ValueError):
        blobs.put(key, b"x", "image/jpeg")


def test_direct_urls_are_short_lived_links_or_none(blobs):
    blobs.put("evidence/b.jpg", b"x", "image/jpeg")
    url = blobs.url_for("evidence/b.jpg", expires_in=60)
    assert url is None or url.startswith(("https://", "http://"))
    form = blobs.presign_upload("incoming/01ABC", max_bytes=1024)
    assert form is None or (form["url"].startswith(("https://", "http://")) and "key" in form["fields"])
