"""On AWS the tile cache is an S3 bucket, so every Lambda container reads what one fetched:
the upstream is asked once per tile, whichever container serves it later."""

from __future__ import annotations

import pytest
from moto import mock_aws

from portal import create_app
from portal.services.deps import CountyRegistry, build_deps
from portal.store.sqlite import SqliteStore
from tests.aws import TILE_BUCKET, aws_settings, create_buckets, create_tile_bucket, objects
from tests.fakes.tile_upstream import FakeTileUpstream
from tests.web.test_tiles import KEY, SEAT, county_with, get_tile


@pytest.fixture
def upstream():
    with FakeTileUpstream(key=KEY) as fake:
        yield fake


def container(tmp_path, name, clock, county):
    """One Lambda container: its own process state and disk, the shared bucket."""
    settings = aws_settings(tmp_path / name, tile_cache="s3", s3_tile_bucket=TILE_BUCKET, tile_timeout_seconds="0.5")
    keys = settings.key_path.parent
    keys.mkdir(parents=True, exist_ok=True)
    (keys / "tianditu-key").write_text(KEY, encoding="utf-8")
    deps = build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch),
                      counties=CountyRegistry([county]))
    return deps, create_app(settings, deps).test_client()


def test_a_tile_fetched_by_one_container_is_read_from_s3_by_the_next(tmp_path, clock, upstream):
    county = county_with(upstream)
    with mock_aws():
        create_buckets()
        create_tile_bucket()
        first_deps, first = container(tmp_path, "a", clock, county)
        fetched = get_tile(first, *SEAT)
        assert fetched.status_code == 200 and upstream.tiles_served == 2
        stored = objects(TILE_BUCKET)
        assert len(stored) == 1 and stored[0].startswith("tiles/430225/tianditu-")
        upstream.stop()  # the next container could not reach the upstream at all
        second_deps, second = container(tmp_path, "b", clock, county)
        again = get_tile(second, *SEAT)
        first_deps.close()
        second_deps.close()
    assert again.status_code == 200 and again.data == fetched.data
    assert upstream.tiles_served == 2
