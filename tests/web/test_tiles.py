"""The basemap on the portal's own origin (/tiles), against a local fake upstream driven by the
portal's real HTTP client: the cache, the refusals that keep it from being an open proxy, the
answers while the upstream is down, and the secrecy of the county's key and of the citizen."""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta

import pytest
import yaml
from PIL import Image

from portal import create_app
from portal.config import DEMO_COUNTY_FILE, Settings
from portal.counties import parse_county
from portal.domain.basemap import Tile, world_pixel
from portal.services.deps import CountyRegistry, build_deps
from portal.services.tiles import render
from portal.services.tiles.serve import STANDIN_SECONDS, UPSTREAM_PAUSE
from portal.store.sqlite import SqliteStore
from portal.tiles.http import USER_AGENT
from tests.conftest import PUBLIC_URL
from tests.fakes.tile_upstream import FakeTileUpstream, tile_png
from tests.web.staff_support import file, signed_in

KEY = "5f0c1e2d3a4b69788796a5b4c3d2e1f0"  # the shape of a Tianditu key (32 hex digits)
APPROVAL = "GS(2099)0001号"


def tile_at(lng: float, lat: float, z: int) -> tuple[int, int, int]:
    x, y = world_pixel(lng, lat, z)
    return z, int(x // 256), int(y // 256)


#: a tile over the county seat (霞阳镇), and one over Beijing
SEAT = tile_at(113.770, 26.492, 14)
BEIJING = tile_at(116.397, 39.909, 14)


def county_with(upstream: FakeTileUpstream, **source):
    """The demo county with one Tianditu-shaped source (map and labels) on the fake upstream."""
    raw = yaml.safe_load(DEMO_COUNTY_FILE.read_text(encoding="utf-8"))
    raw["basemap"] = [{"name": "tianditu", "kind": "xyz", "urls": [upstream.template("vec"), upstream.template("cva")],
                       "key_secret": "tianditu-key", "datum": "cgcs2000", "attribution": "天地图",
                       "approval_number": APPROVAL, "min_zoom": 8, "max_zoom": 17, **source}]
    return parse_county(raw)


@pytest.fixture
def upstream():
    with FakeTileUpstream(key=KEY) as fake:
        yield fake


def make_deps(settings, clock, county, key: str | None = KEY):
    if key is not None:
        folder = settings.key_path.parent
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "tianditu-key").write_text(key + "\n", encoding="utf-8")
    return build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch),
                      counties=CountyRegistry([county]))


@pytest.fixture
def tile_settings(tmp_path) -> Settings:
    return Settings.from_env({}, data_dir=str(tmp_path / "data"), public_url=PUBLIC_URL, demo="1",
                             tile_timeout_seconds="0.5")


@pytest.fixture
def tile_deps(tile_settings, clock, upstream):
    d = make_deps(tile_settings, clock, county_with(upstream))
    yield d
    d.close()


@pytest.fixture
def tile_app(tile_settings, tile_deps):
    application = create_app(tile_settings, tile_deps)
    application.config["TESTING"] = False
    return application


@pytest.fixture
def browser(tile_app):
    return tile_app.test_client()


def get_tile(client, z, x, y, source="tianditu", **kw):
    return client.get(f"/tiles/{source}/{z}/{x}/{y}.png", base_url=PUBLIC_URL, **kw)


def composed(z, x, y) -> Image.Image:
    """What the portal should serve for the fake's tile: its map with its labels drawn over it."""
    base = Image.open(io.BytesIO(tile_png("vec", z, x, y))).convert("RGBA")
    base.alpha_composite(Image.open(io.BytesIO(tile_png("cva", z, x, y))).convert("RGBA"))
    return base.convert("RGB")


def pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


# --- the cache ---------------------------------------------------------------------------


def test_a_second_request_is_served_from_the_cache_and_the_upstream_is_called_once(browser, upstream):
    first = get_tile(browser, *SEAT)
    assert first.status_code == 200 and first.content_type == "image/png"
    assert pixels(first.data) == composed(*SEAT).tobytes()  # the map and its labels, composed
    assert sorted(r.tile for r in upstream.requests) == [("cva", *SEAT), ("vec", *SEAT)]
    second = get_tile(browser, *SEAT)
    assert second.status_code == 200 and second.data == first.data
    assert upstream.tiles_served == 2  # one call per layer, for the first request only


def test_a_new_process_reads_the_cache_not_the_upstream(tile_settings, clock, upstream, browser):
    """As a new Lambda container does: the cache outlives the process that filled it."""
    first = get_tile(browser, *SEAT)
    upstream.stop()
    other = make_deps(tile_settings, clock, county_with(upstream))
    try:
        again = get_tile(create_app(tile_settings, other).test_client(), *SEAT)
    finally:
        other.close()
    assert again.status_code == 200 and again.data == first.data
    assert upstream.tiles_served == 2


def test_tiles_carry_cache_headers_and_answer_304_when_unchanged(browser):
    first = get_tile(browser, *SEAT)
    assert first.cache_control.public and first.cache_control.max_age == 7 * 24 * 3600
    assert first.headers["ETag"]
    again = get_tile(browser, *SEAT, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_cached_tile_older_than_the_max_age_is_fetched_again(browser, upstream, clock):
    get_tile(browser, *SEAT)
    clock.advance(days=31)
    assert get_tile(browser, *SEAT).status_code == 200
    assert upstream.tiles_served == 4


def test_a_source_with_caching_off_passes_tiles_through_and_keeps_none(tile_settings, clock, upstream):
    deps = make_deps(tile_settings, clock, county_with(upstream, cache=False))
    try:
        client = create_app(tile_settings, deps).test_client()
        first, second = get_tile(client, *SEAT), get_tile(client, *SEAT)
    finally:
        deps.close()
    assert first.status_code == second.status_code == 200 and first.data == second.data
    assert upstream.tiles_served == 4  # every request goes to the upstream
    assert first.cache_control.private and not first.cache_control.public  # no shared cache keeps it
    cache_dir = tile_settings.tile_cache_path
    assert not cache_dir.exists() or not [p for p in cache_dir.rglob("*") if p.is_file()]


# --- not an open proxy -------------------------------------------------------------------


@pytest.mark.parametrize("z, x, y, source, why", [
    (*BEIJING, "tianditu", "outside the county's box"),
    (*tile_at(113.30, 26.40, 14), "tianditu", "west of the county, beyond the margin"),
    (*tile_at(113.77, 26.49, 7), "tianditu", "below the source's zoom range"),
    (*tile_at(113.77, 26.49, 18), "tianditu", "above the source's zoom range"),
    (14, 2 ** 14, 0, "tianditu", "no such tile"),
    (40, 0, 0, "tianditu", "no such zoom"),
    (*SEAT, "osm", "a source the county does not have"),
    (*BEIJING, "county", "the county's own layers, outside its box"),
    (*tile_at(113.77, 26.49, 19), "county", "the county's own layers, above their zoom range"),
])
def test_a_tile_outside_the_county_box_or_zoom_range_is_refused(browser, upstream, z, x, y, source, why):
    answer = get_tile(browser, z, x, y, source=source)
    assert answer.status_code == 404, why
    assert answer.data == b""  # no error page: a refusal a map shows as an empty square
    assert upstream.tiles_served == 0, why


def test_the_box_comes_from_the_county_outline_not_a_fixed_rectangle(tile_settings, clock, upstream):
    """A county whose outline is elsewhere serves its own tiles and refuses the demo county's."""
    county = county_with(upstream)
    shifted = county.__class__(**{**county.__dict__, "boundary": (
        (((116.30, 39.85), (116.50, 39.85), (116.50, 39.97), (116.30, 39.97), (116.30, 39.85)),),)})
    deps = make_deps(tile_settings, clock, shifted)
    try:
        client = create_app(tile_settings, deps).test_client()
        assert get_tile(client, *BEIJING).status_code == 200
        assert get_tile(client, *SEAT).status_code == 404
    finally:
        deps.close()


def test_tiles_at_the_edge_of_the_county_are_served(browser, tile_deps):
    """The county's box with its margin: the outline's westmost, eastmost, southmost and
    northmost points are on the map, at the source's closest zoom."""
    points = [p for polygon in tile_deps.counties.default.boundary for p in polygon[0]]
    for lng, lat in (min(points), max(points), min(points, key=lambda p: p[1]), max(points, key=lambda p: p[1])):
        assert get_tile(browser, *tile_at(lng, lat, 17)).status_code == 200


# --- the upstream down -------------------------------------------------------------------


def test_with_the_upstream_down_a_cached_tile_is_served(browser, upstream, clock):
    first = get_tile(browser, *SEAT)
    upstream.stop()
    assert get_tile(browser, *SEAT).data == first.data  # fresh in the cache
    clock.advance(days=31)  # older than the max age: the upstream is asked, is down, the old tile stays
    stale = get_tile(browser, *SEAT)
    assert stale.status_code == 200 and stale.data == first.data
    assert stale.cache_control.max_age == STANDIN_SECONDS


@pytest.mark.parametrize("fault", ["down", "timeout", "error", "not an image", "key refused"])
def test_with_the_upstream_down_an_uncached_tile_is_drawn_from_the_county_layers(
        tile_settings, clock, upstream, tile_deps, browser, fault):
    if fault == "down":
        upstream.stop()
    elif fault == "timeout":
        upstream.hang_next(1, seconds=1.5)  # the portal waits 0.5 s
    elif fault == "error":
        upstream.fail_next(1, 503)
    elif fault == "not an image":
        upstream.garbage_next(1)
    else:
        upstream.key = "another-key"
    answer = get_tile(browser, *SEAT)
    assert answer.status_code == 200 and answer.content_type == "image/png"
    assert answer.cache_control.max_age == STANDIN_SECONDS  # replaced by the real tile soon
    county = tile_deps.counties.default
    assert answer.data == render.county_tile(county, Tile(*SEAT), datum="cgcs2000")
    assert Image.open(io.BytesIO(answer.data)).size == (256, 256)
    cache_dir = tile_settings.tile_cache_path
    assert not cache_dir.exists() or not [p for p in cache_dir.rglob("*") if p.is_file()]  # nothing bad kept


def test_after_a_failure_the_upstream_is_left_alone_for_a_while_then_asked_again(browser, upstream, clock):
    upstream.fail_next(1, 503)
    get_tile(browser, *SEAT)
    asked = upstream.tiles_served
    other = (SEAT[0], SEAT[1] + 1, SEAT[2])
    assert get_tile(browser, *other).status_code == 200
    assert upstream.tiles_served == asked  # a map of many tiles waits for one failure, not for each
    clock.advance(seconds=UPSTREAM_PAUSE.total_seconds() + 1)
    real = get_tile(browser, *other)
    assert pixels(real.data) == composed(*other).tobytes()


def test_a_missing_tile_does_not_pause_the_upstream(browser, upstream):
    upstream.fail_next(1, 404)
    get_tile(browser, *SEAT)
    other = (SEAT[0], SEAT[1] + 1, SEAT[2])
    assert pixels(get_tile(browser, *other).data) == composed(*other).tobytes()


def test_a_failing_cache_is_a_miss_not_an_error(tile_deps, browser, upstream):
    class Broken:
        def get(self, key):
            raise OSError("disk gone")

        def put(self, key, data, content_type, stored_at):
            raise OSError("disk gone")

    tile_deps.tiles.cache = Broken()
    answer = get_tile(browser, *SEAT)
    assert answer.status_code == 200 and pixels(answer.data) == composed(*SEAT).tobytes()


# --- what pages show ---------------------------------------------------------------------


def map_element(html: str) -> dict[str, str]:
    element = re.search(r'<div id="map"[^>]*>', html).group(0)
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', element))


def test_the_map_names_the_source_its_datum_zoom_range_attribution_and_approval_number(browser):
    attrs = map_element(browser.get("/report", base_url=PUBLIC_URL).get_data(as_text=True))
    assert attrs["tiles"] == "/tiles/tianditu/{z}/{x}/{y}.png"  # the portal's own origin
    assert (attrs["datum"], attrs["min-zoom"], attrs["max-zoom"]) == ("cgcs2000", "8", "17")
    assert "天地图" in attrs["attribution"] and APPROVAL in attrs["attribution"]


def test_the_staff_ticket_map_uses_the_same_basemap(tile_app, tile_deps, clock):
    filed = file(tile_deps)
    staff = signed_in(tile_app, tile_deps, clock, "supervisor")
    attrs = map_element(staff.get(f"/staff/tickets/{filed.complaint_id}").get_data(as_text=True))
    assert attrs["tiles"] == "/tiles/tianditu/{z}/{x}/{y}.png" and APPROVAL in attrs["attribution"]


def test_without_its_key_a_source_is_not_shown_and_the_map_draws_the_county_layers(tile_settings, clock, upstream):
    deps = make_deps(tile_settings, clock, county_with(upstream), key=None)
    try:
        client = create_app(tile_settings, deps).test_client()
        attrs = map_element(client.get("/report", base_url=PUBLIC_URL).get_data(as_text=True))
        asked = get_tile(client, *SEAT)  # the keyless source still answers, with the county's layers
    finally:
        deps.close()
    assert "tiles" not in attrs and "attribution" not in attrs  # the map script draws the county's layers
    assert asked.status_code == 200 and asked.cache_control.max_age == STANDIN_SECONDS
    assert upstream.tiles_served == 0


def test_the_demo_county_asks_for_no_tiles_and_its_layers_can_still_be_drawn(client):
    """The demo has no upstream: its pages name no tile URL (the map script draws its layers and
    village names); the route still draws the county's layers on request."""
    attrs = map_element(client.get("/report").get_data(as_text=True))
    assert "tiles" not in attrs
    answer = client.get("/tiles/county/{}/{}/{}.png".format(*SEAT))
    assert answer.status_code == 200 and Image.open(io.BytesIO(answer.data)).size == (256, 256)


# --- secrecy -----------------------------------------------------------------------------


def test_the_upstream_never_sees_the_citizen(browser, upstream):
    citizen = {"X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.7", "Forwarded": "for=203.0.113.7",
               "Cookie": "lang=zh_CN; track=abc", "Referer": "https://portal.test/report?category=c1",
               "User-Agent": "Mozilla/5.0 (Linux; Android 13; 老人机) CitizenPhone/1.0",
               "Accept-Language": "zh-CN", "Origin": "https://portal.test"}
    assert get_tile(browser, *SEAT, headers=citizen, environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 200
    assert upstream.requests
    for seen in upstream.requests:
        names = {name.lower() for name in seen.headers}
        assert not names & {"x-forwarded-for", "x-real-ip", "forwarded", "cookie", "referer", "origin",
                            "accept-language"}
        assert seen.headers["User-Agent"] == USER_AGENT
        assert "203.0.113.7" not in repr(seen)


def test_the_key_never_appears_in_a_response_a_page_or_a_log(tmp_path, clock, upstream, caplog):
    settings = Settings.from_env({}, data_dir=str(tmp_path / "data"), public_url=PUBLIC_URL, demo="1",
                                 tile_timeout_seconds="0.5", log_level="DEBUG")
    deps = make_deps(settings, clock, county_with(upstream))
    caplog.set_level(logging.DEBUG)
    try:
        app = create_app(settings, deps)  # the portal's logging, at its most verbose
        client = app.test_client()
        filed = file(deps)
        staff = signed_in(app, deps, clock, "supervisor")
        answers = [client.get(path, base_url=PUBLIC_URL) for path in (
            "/", "/report", "/api/v1/map", "/api/v1/openapi.json", "/static/js/report.js", "/healthz")]
        answers.append(staff.get(f"/staff/tickets/{filed.complaint_id}"))
        answers += [get_tile(client, *SEAT), get_tile(client, *SEAT), get_tile(client, *BEIJING),
                    get_tile(client, *SEAT, source="county")]
        for fault in ("fail", "hang", "garbage", "key", "down"):
            clock.advance(seconds=UPSTREAM_PAUSE.total_seconds() + 1)
            tile = (SEAT[0], SEAT[1] + 1 + len(answers), SEAT[2])
            if fault == "fail":
                upstream.fail_next(1, 500)
            elif fault == "hang":
                upstream.hang_next(1, seconds=1.5)
            elif fault == "garbage":
                upstream.garbage_next(1)
            elif fault == "key":
                upstream.key = "another-key"
            else:
                upstream.stop()
            answers.append(get_tile(client, *tile))
    finally:
        deps.close()
    assert any(KEY in r.query.get("tk", "") for r in upstream.requests)  # the key was used, upstream only
    assert all(a.status_code in (200, 404) for a in answers)
    for answer in answers:
        assert KEY.encode() not in answer.data
        assert KEY not in str(answer.headers)
    assert any("basemap tianditu" in r.getMessage() for r in caplog.records)  # the failures were logged
    assert any(r.name.startswith("urllib3") and "tk=[secret]" in r.getMessage() for r in caplog.records)  # and heard
    assert KEY not in caplog.text
    assert not any(KEY in r.getMessage() or KEY in str(r.args) for r in caplog.records)
    assert KEY not in repr(deps) and KEY not in repr(deps.secrets) and KEY not in repr(deps.tiles)


def test_pages_and_tiles_ask_nothing_of_a_third_party(browser):
    """Every URL a page hands the browser for its map is on the portal's origin."""
    attrs = map_element(browser.get("/report", base_url=PUBLIC_URL).get_data(as_text=True))
    for name in ("tiles", "geojson", "places"):
        assert attrs[name].startswith("/") and not attrs[name].startswith("//"), name
    assert attrs["tiles"] == "/tiles/tianditu/{z}/{x}/{y}.png"
    csp = get_tile(browser, *SEAT).headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob:;" in csp  # a browser would refuse a tile from anywhere else


def test_one_client_cannot_make_the_portal_fetch_the_whole_county(browser, upstream, monkeypatch):
    """Walking the box tile by tile would spend the county's key quota: past its budget of
    upstream fetches a client gets the county's layers; cached tiles and other clients are unaffected."""
    from portal.services import ratelimit

    monkeypatch.setitem(ratelimit.LIMITS, "tile_fetch", ratelimit.Limit(3, "hour"))
    walker = {"REMOTE_ADDR": "198.51.100.9"}
    row = [(SEAT[0], SEAT[1] + i, SEAT[2]) for i in range(5)]
    answers = [get_tile(browser, *t, environ_base=walker) for t in row]
    assert upstream.tiles_served == 6  # three tiles of two layers, then no more
    assert [pixels(a.data) == composed(*t).tobytes() for a, t in zip(answers, row)] == [True] * 3 + [False] * 2
    assert all(a.status_code == 200 for a in answers)
    assert get_tile(browser, *row[0], environ_base=walker).data == answers[0].data  # the cache still serves
    other = get_tile(browser, *row[4], environ_base={"REMOTE_ADDR": "198.51.100.77"})
    assert pixels(other.data) == composed(*row[4]).tobytes()


def test_each_county_of_a_deployment_serves_its_own_box(tile_settings, clock, upstream):
    """Multi-county deployments choose the county by host; the box is the request's county's."""
    import dataclasses

    first = dataclasses.replace(county_with(upstream), hosts=("jubao.yanling.test",))
    second = dataclasses.replace(first, code="110101", name="东城区", hosts=("jubao.dongcheng.test",), boundary=(
        (((116.38, 39.86), (116.45, 39.86), (116.45, 39.97), (116.38, 39.97), (116.38, 39.86)),),))
    (tile_settings.key_path.parent).mkdir(parents=True, exist_ok=True)
    (tile_settings.key_path.parent / "tianditu-key").write_text(KEY, encoding="utf-8")
    deps = build_deps(tile_settings, clock=clock, store=SqliteStore(tile_settings.sqlite_file, epoch=clock.epoch),
                      counties=CountyRegistry([first, second]))
    try:
        client = create_app(tile_settings, deps).test_client()
        at = lambda host, tile: client.get("/tiles/tianditu/{}/{}/{}.png".format(*tile),  # noqa: E731
                                           base_url=f"https://{host}").status_code
        assert (at("jubao.yanling.test", SEAT), at("jubao.yanling.test", BEIJING)) == (200, 404)
        assert (at("jubao.dongcheng.test", BEIJING), at("jubao.dongcheng.test", SEAT)) == (200, 404)
        assert sorted({r.tile[1:] for r in upstream.requests}) == sorted([SEAT, BEIJING])
    finally:
        deps.close()


def test_whatever_fails_the_answer_is_a_tile_not_an_error_page(tile_deps, browser, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError(f"http://upstream/x?tk={KEY}")

    monkeypatch.setattr(render, "county_tile", broken)
    answer = get_tile(browser, *SEAT, source="county")
    assert answer.status_code == 200 and answer.content_type == "image/png"
    assert Image.open(io.BytesIO(answer.data)).size == (256, 256)
    assert KEY not in caplog.text  # the failure is logged by its kind, not its message
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)


def test_a_budget_that_cannot_be_counted_draws_the_tile(tile_deps, browser, upstream, monkeypatch):
    from portal.services import ratelimit

    def store_down(*args, **kwargs):
        raise OSError("store unreachable")

    monkeypatch.setattr(ratelimit, "check", store_down)
    answer = get_tile(browser, *SEAT)
    assert answer.status_code == 200 and upstream.tiles_served == 0
    assert answer.data == render.county_tile(tile_deps.counties.default, Tile(*SEAT), datum="cgcs2000")
