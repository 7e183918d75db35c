"""Time to a map tile from the cache against from the upstream, as a ratio, beside the floor
(the same route refusing a tile, which touches neither) and the county's own layers drawn by
the portal (the demo's basemap, and every source's stand-in while the upstream is down).

    .venv/bin/python bench/tiles.py [--tiles 200] [--cache files|s3]

Needs the test install (`bash scripts/setup.sh --test`): the fake upstream lives with the
tests, and `--cache s3` uses moto. The app runs in this process (Flask's test client, no HTTP
in front of it); the upstream is the tests' fake Tianditu on loopback, reached by the portal's
real HTTP client, answering at once: a real upstream adds its network round trip (tens of
milliseconds from a Lambda in cn-north-1) to the miss path only, so the ratio printed here is
the smallest the cache can win by. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fake upstream lives with the tests

from portal import create_app  # noqa: E402
from portal.config import Settings  # noqa: E402
from portal.domain.basemap import world_pixel  # noqa: E402
from portal.services.deps import CountyRegistry, build_deps  # noqa: E402
from tests.fakes.tile_upstream import FakeTileUpstream  # noqa: E402
from tests.web.test_tiles import KEY, county_with  # noqa: E402


def tiles_around(lng: float, lat: float, z: int, count: int) -> list[tuple[int, int, int]]:
    """``count`` distinct tiles in a square around the point, all inside the county."""
    x0, y0 = (int(v // 256) for v in world_pixel(lng, lat, z))
    side = int(count ** 0.5) + 1
    return [(z, x0 + i % side, y0 + i // side) for i in range(count)]


def time_each(client, paths: list[str]) -> list[float]:
    out = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        out.append(time.perf_counter() - start)
        assert response.status_code in (200, 404), response.status_code
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=200)
    parser.add_argument("--cache", choices=("files", "s3"), default="files")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    with ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        upstream = stack.enter_context(FakeTileUpstream(key=KEY))
        values = dict(data_dir=str(data_dir), tile_timeout_seconds="2")
        if args.cache == "s3":
            from moto import mock_aws

            from tests.aws import REGION, TILE_BUCKET, create_tile_bucket

            stack.enter_context(mock_aws())
            create_tile_bucket()
            values.update(tile_cache="s3", s3_tile_bucket=TILE_BUCKET, aws_region=REGION)
        settings = Settings.from_env({}, **values)
        (settings.key_path.parent).mkdir(parents=True, exist_ok=True)
        (settings.key_path.parent / "tianditu-key").write_text(KEY, encoding="utf-8")
        county = county_with(upstream)
        deps = build_deps(settings, counties=CountyRegistry([county]))
        stack.callback(deps.close)
        client = create_app(settings, deps).test_client()

        tiles = tiles_around(113.77, 26.49, 15, args.tiles)
        paths = [f"/tiles/tianditu/{z}/{x}/{y}.png" for z, x, y in tiles]
        refused = ["/tiles/tianditu/3/0/0.png"] * len(paths)
        drawn = [f"/tiles/county/{z}/{x}/{y}.png" for z, x, y in tiles]
        time_each(client, refused[:20] + drawn[:5])  # warm-up: imports, first connections

        floor = time_each(client, refused)
        miss = time_each(client, paths)  # two upstream layers each, composed, then kept
        fetched = upstream.tiles_served
        hit = time_each(client, paths)
        county_layers = time_each(client, drawn)
        assert upstream.tiles_served == fetched, "the second pass asked the upstream"

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:8.2f} ms"

    base = statistics.median(floor)
    print(f"tiles: {len(paths)} distinct tiles at zoom 15, cache: {args.cache}, upstream: local fake (2 layers each)")
    print(f"  floor (a refused tile)        median {ms(floor)}   1.0 x floor")
    print(f"  from the cache                median {ms(hit)}   {statistics.median(hit) / base:5.1f} x floor")
    print(f"  from the upstream (a miss)    median {ms(miss)}   {statistics.median(miss) / base:5.1f} x floor")
    print(f"  county layers, drawn          median {ms(county_layers)}   "
          f"{statistics.median(county_layers) / base:5.1f} x floor")
    print(f"  upstream / cache              {statistics.median(miss) / statistics.median(hit):.1f} x "
          f"(p90 {sorted(miss)[int(0.9 * len(miss))] / sorted(hit)[int(0.9 * len(hit))]:.1f} x)")
    print(f"  upstream requests: {fetched} for {len(paths)} tiles on the first pass, 0 on the second")


if __name__ == "__main__":
    main()
