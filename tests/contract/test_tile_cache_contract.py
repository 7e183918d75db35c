"""The tile-cache contract: the files adapter and the S3 adapter pass it unchanged."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.fakes.tile_upstream import tile_png

FETCHED = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def test_a_kept_tile_comes_back_with_its_type_and_when_it_was_fetched(tile_cache):
    data = tile_png("vec", 14, 13369, 6940)
    tile_cache.put("430225/tianditu-0123abcd/14/13369/6940", data, "image/png", FETCHED)
    cached = tile_cache.get("430225/tianditu-0123abcd/14/13369/6940")
    assert (cached.data, cached.content_type) == (data, "image/png")
    assert abs(cached.stored_at - FETCHED) < timedelta(seconds=1)


def test_a_tile_never_kept_is_none(tile_cache):
    assert tile_cache.get("430225/tianditu-0123abcd/14/1/1") is None


def test_keeping_a_tile_again_replaces_it_and_its_time(tile_cache):
    key = "430225/tianditu-0123abcd/10/835/433"
    tile_cache.put(key, tile_png("vec", 10, 835, 433), "image/png", FETCHED)
    later = FETCHED + timedelta(days=40)
    tile_cache.put(key, tile_png("img", 10, 835, 433), "image/png", later)
    cached = tile_cache.get(key)
    assert cached.data == tile_png("img", 10, 835, 433)
    assert abs(cached.stored_at - later) < timedelta(seconds=1)


def test_jpeg_tiles_keep_their_type(tile_cache):
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    tile_cache.put("430225/img-0123abcd/12/3342/1735", jpeg, "image/jpeg", FETCHED)
    assert tile_cache.get("430225/img-0123abcd/12/3342/1735").content_type == "image/jpeg"


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "430225/../x", "", "a//b", "430225/x y"])
def test_unsafe_keys_are_refused(tile_cache, key):
    with pytest.raises(ValueError):
        tile_cache.put(key, tile_png("vec", 1, 1, 1), "image/png", FETCHED)
