"""The basemap's pure parts: the tile grid, which tiles the route serves, the sources a county
file declares (and the errors that name a bad one), the settings, and where the keys come from."""

from __future__ import annotations

import copy
import math

import boto3
import pytest
import yaml
from moto import mock_aws

from portal.config import DEMO_COUNTY_FILE, Settings, SettingsError
from portal.counties import CountyFileError, parse_county
from portal.crypto.envelope import b64e
from portal.crypto.secrets import load_secrets
from portal.domain.basemap import (
    BOX_MARGIN_M, Box, Tile, TileSource, serving_box, tianditu_templates, tile_served, world_pixel,
)
from portal.domain.geo import Point, distance_m
from tests.aws import REGION, SSM_PREFIX, aws_settings

RAW = yaml.safe_load(DEMO_COUNTY_FILE.read_text(encoding="utf-8"))
SOURCE = {"name": "tianditu", "kind": "tianditu", "layer": "vec", "key_secret": "tianditu-key", "datum": "cgcs2000",
          "attribution": "天地图", "approval_number": "GS(2099)0001号"}


def with_sources(*sources):
    raw = copy.deepcopy(RAW)
    raw["basemap"] = list(sources)
    return raw


# --- the grid --------------------------------------------------------------------------


def test_a_point_lies_in_the_tile_its_pixel_names():
    for lng, lat in ((113.77, 26.49), (-0.1276, 51.5072), (151.2093, -33.8688)):
        for z in (0, 8, 14, 18):
            x, y = world_pixel(lng, lat, z)
            west, south, east, north = Tile(z, int(x // 256), int(y // 256)).bounds()
            assert west <= lng < east and south < lat <= north


def test_tile_bounds_are_the_web_mercator_grid():
    assert Tile(0, 0, 0).bounds() == pytest.approx((-180, -85.0511287798, 180, 85.0511287798))
    assert Tile(1, 1, 0).bounds() == pytest.approx((0, 0, 180, 85.0511287798))


def test_the_serving_box_is_the_outline_box_grown_by_the_margin():
    box = serving_box((((( 113.55, 26.15), (114.05, 26.15), (114.05, 26.70), (113.55, 26.70), (113.55, 26.15)),),))
    assert distance_m(Point(113.55, 26.15), Point(113.55, box.south)) == pytest.approx(BOX_MARGIN_M, rel=0.01)
    assert distance_m(Point(box.west, 26.70), Point(113.55, 26.70)) == pytest.approx(BOX_MARGIN_M, rel=0.01)


def test_a_tile_is_served_only_inside_the_zoom_range_and_touching_the_box():
    box = Box(113.55, 26.15, 114.05, 26.70)
    inside = Tile(12, *[int(v // 256) for v in world_pixel(113.8, 26.4, 12)])
    assert tile_served(box, 8, 18, inside)
    assert not tile_served(box, 13, 18, inside) and not tile_served(box, 8, 11, inside)
    far = Tile(12, *[int(v // 256) for v in world_pixel(116.4, 39.9, 12)])
    assert not tile_served(box, 8, 18, far)
    assert not tile_served(box, 8, 18, Tile(12, 4096, 0)) and not tile_served(box, 0, 99, Tile(99, 0, 0))


# --- sources ---------------------------------------------------------------------------


def test_a_tianditu_source_fetches_its_map_and_labels_with_the_key():
    county = parse_county(with_sources(SOURCE))
    (source,) = county.basemap
    urls = source.urls(Tile(14, 13369, 6940), "KEY123")
    assert [u.split("/")[3] for u in urls] == ["vec_w", "cva_w"]
    for url in urls:
        assert url.startswith("https://t") and ".tianditu.gov.cn/" in url
        assert "TILEMATRIX=14&TILEROW=6940&TILECOL=13369&tk=KEY123" in url
    assert {u[len("https://t")] for u in source.urls(Tile(14, 13369, 6940), "k")} <= set("01234567")
    assert "KEY123" not in repr(source) and "{key}" in source.templates[0]


def test_the_cache_of_a_source_changes_with_its_templates():
    a = TileSource("t", tianditu_templates("vec"), "cgcs2000", "天地图", "GS(2099)0001号", 8, 18, subdomains="0")
    b = TileSource("t", tianditu_templates("img"), "cgcs2000", "天地图", "GS(2099)0001号", 8, 18, subdomains="0")
    assert a.fingerprint != b.fingerprint
    assert a.fingerprint == TileSource("t", a.templates, "wgs84", "x", "yyyy", 1, 2, subdomains="0").fingerprint


def test_an_xyz_source_lists_its_templates():
    county = parse_county(with_sources({"name": "amap", "kind": "xyz", "datum": "gcj02", "attribution": "高德地图",
                                        "approval_number": "GS(2099)0002号", "subdomains": "1234",
                                        "urls": ["https://webrd0{s}.example.cn/tile?x={x}&y={y}&z={z}"],
                                        "cache": False, "max_zoom": 16}))
    (source,) = county.basemap
    assert (source.datum, source.cache, source.min_zoom, source.max_zoom) == ("gcj02", False, 8, 16)
    assert source.urls(Tile(3, 1, 2), None) == ["https://webrd04.example.cn/tile?x=1&y=2&z=3"]


@pytest.mark.parametrize("change, field", [
    ({"name": "county"}, "basemap.0.name"),
    ({"name": "Tian Ditu"}, "basemap.0.name"),
    ({"datum": "bd09"}, "basemap.0.datum"),
    ({"key_secret": None}, "basemap.0.key_secret"),
    ({"key_secret": "hash-key"}, "basemap.0.key_secret"),
    ({"approval_number": ""}, "basemap.0.approval_number"),
    ({"attribution": None}, "basemap.0.attribution"),
    ({"min_zoom": 15, "max_zoom": 12}, "basemap.0.min_zoom"),
    ({"max_zoom": 23}, "basemap.0.max_zoom"),
    ({"layer": "satellite"}, "basemap.0.layer"),
    ({"kind": "xyz"}, "basemap.0.urls"),
    ({"kind": "xyz", "layer": None, "urls": ["ftp://x.example/{z}/{x}/{y}"]}, "basemap.0.urls.0"),
    ({"kind": "xyz", "layer": None, "urls": ["https://x.example/{z}/{x}.png"]}, "basemap.0.urls.0"),
    ({"kind": "xyz", "layer": None, "urls": ["https://x.example/{z}/{x}/{y}.png"]}, "basemap.0.urls.0"),  # no {key}
    ({"kind": "xyz", "layer": None, "urls": ["https://t{s}.x.example/{z}/{x}/{y}?k={key}"]}, "basemap.0.urls.0"),
    ({"kind": "xyz", "layer": None, "urls": ["https://x.example/{z}/{x}/{y}?k={key}&u={user}"]}, "basemap.0.urls.0"),
])
def test_errors_in_a_source_name_the_bad_field(change, field):
    source = {**SOURCE, **change}
    with pytest.raises(CountyFileError) as raised:
        parse_county(with_sources({k: v for k, v in source.items() if v is not None}))
    assert field in str(raised.value)


def test_two_sources_may_not_share_a_name():
    with pytest.raises(CountyFileError, match="basemap.1.name"):
        parse_county(with_sources(SOURCE, dict(SOURCE)))


def test_the_demo_county_declares_no_upstream():
    """The demo has no key and asks no third party: its map is the county's own layers."""
    assert parse_county(copy.deepcopy(RAW)).basemap == ()


# --- settings and keys -----------------------------------------------------------------


@pytest.mark.parametrize("values, variable", [
    ({"tile_cache": "redis"}, "PORTAL_TILE_CACHE"),
    ({"tile_cache": "s3"}, "PORTAL_S3_TILE_BUCKET"),
    ({"tile_timeout_seconds": "0"}, "PORTAL_TILE_TIMEOUT_SECONDS"),
    ({"tile_timeout_seconds": "60"}, "PORTAL_TILE_TIMEOUT_SECONDS"),
    ({"tile_timeout_seconds": "nan"}, "PORTAL_TILE_TIMEOUT_SECONDS"),
    ({"tile_max_age_days": "-1"}, "PORTAL_TILE_MAX_AGE_DAYS"),
])
def test_bad_tile_settings_are_named(values, variable):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({}, **values)


def test_the_tile_cache_folder_defaults_beside_the_data(tmp_path):
    assert Settings.from_env({}, data_dir=str(tmp_path)).tile_cache_path == tmp_path / "tiles"
    assert math.isclose(float(Settings.from_env({}).tile_timeout_seconds), 3.0)


def test_a_basemap_key_is_a_file_the_county_puts_beside_the_others_never_generated(tmp_path):
    settings = Settings.from_env({}, data_dir=str(tmp_path))
    assert load_secrets(settings, tile_key_names=["tianditu-key"]).tile_keys == {}
    assert not (tmp_path / "keys" / "tianditu-key").exists()
    (tmp_path / "keys" / "tianditu-key").write_text("abc123\n", encoding="utf-8")
    secrets = load_secrets(settings, tile_key_names=["tianditu-key"])
    assert secrets.tile_keys == {"tianditu-key": "abc123"} and "abc123" not in repr(secrets)


def test_basemap_keys_come_from_ssm_in_the_same_call_as_the_other_secrets(tmp_path):
    with mock_aws():
        ssm = boto3.client("ssm", region_name=REGION)
        for name, value in (("secret-key", b64e(b"s" * 32)), ("hash-key", b64e(b"h" * 32)), ("tianditu-key", "k1")):
            ssm.put_parameter(Name=SSM_PREFIX + name, Value=value, Type="SecureString")
        calls = []
        ssm.meta.events.register("provide-client-params.ssm.GetParameters", lambda params, **kw: calls.append(params))
        secrets = load_secrets(aws_settings(tmp_path, secrets="ssm", ssm_prefix=SSM_PREFIX), ssm,
                               tile_key_names=["tianditu-key", "other-key"])
    assert secrets.tile_keys == {"tianditu-key": "k1"}  # other-key is not set: that source is skipped
    assert len(calls) == 1 and SSM_PREFIX + "tianditu-key" in calls[0]["Names"]


# --- the edges (issue #16) -------------------------------------------------------------


def test_the_box_grows_by_the_metres_on_every_side():
    box = Box(113.55, 26.15, 114.05, 26.70).grown(1113.2)
    dlng = 0.01 / math.cos(math.radians(26.70))  # the wider side's latitude: the margin holds everywhere
    assert (box.west, box.south, box.east, box.north) == pytest.approx(
        (113.55 - dlng, 26.14, 114.05 + dlng, 26.71), abs=1e-12)


@pytest.mark.parametrize("other,touches", [
    ((0.5, 0.5, 2, 2), True), ((-1, -1, 2, 2), True),
    ((1, 0, 2, 1), False), ((-1, 0, 0, 1), False), ((0, 1, 1, 2), False), ((0, -1, 1, 0), False),  # an edge only
    ((0.2, 2, 0.8, 3), False), ((2, 0.2, 3, 0.8), False),  # beside it in one direction only
])
def test_a_tile_touching_the_box_only_along_an_edge_is_not_served(other, touches):
    assert Box(0, 0, 1, 1).intersects(*other) is touches


def test_a_tile_is_served_at_the_ends_of_the_zoom_range():
    box = Box(113.55, 26.15, 114.05, 26.70)
    for z in (8, 18):
        tile = Tile(z, *[int(v // 256) for v in world_pixel(113.8, 26.4, z)])
        assert tile_served(box, 8, 18, tile) and tile_served(box, z, z, tile)


def test_the_subdomain_is_chosen_by_the_tile_and_a_missing_key_or_subdomain_is_left_empty():
    source = TileSource("t", ("https://s{s}.example.cn/{z}/{x}/{y}?k={key}",), "wgs84", "a", "b", 8, 18,
                        subdomains="1234")
    assert source.urls(Tile(14, 13369, 6941), None) == ["https://s3.example.cn/14/13369/6941?k="]  # (x + y) % 4 = 2
    plain = TileSource("t", ("https://s{s}.example.cn/{z}/{x}/{y}?k={key}",), "wgs84", "a", "b", 8, 18)
    assert plain.urls(Tile(14, 13369, 6941), "K") == ["https://s.example.cn/14/13369/6941?k=K"]


def test_the_tianditu_urls_whole_and_an_unknown_layer_refused():
    (base, labels) = tianditu_templates("img")
    assert base == ("https://t{s}.tianditu.gov.cn/img_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=img"
                    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}")
    assert labels == base.replace("img", "cia")
    with pytest.raises(ValueError, match="^unknown Tianditu layer 'sat'$"):
        tianditu_templates("sat")
