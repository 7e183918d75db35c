"""The county's own layers drawn by the portal: land inside the outline, the outside dimmed,
the outline and township lines, names in the bundled font, and every name of every county
file covered by that font (scripts/label_font.py makes it)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont
from PIL import Image

from portal.config import DEMO_COUNTY_FILE
from portal.counties import load_county
from portal.domain.basemap import Tile, world_pixel
from portal.services.tiles import render
from scripts.label_font import names

COUNTY_FILES = sorted(DEMO_COUNTY_FILE.parent.glob("*.yaml"))


def tile_at(lng, lat, z) -> Tile:
    x, y = world_pixel(lng, lat, z)
    return Tile(z, int(x // 256), int(y // 256))


def image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


@pytest.fixture(scope="module")
def county():
    return load_county(DEMO_COUNTY_FILE)


@pytest.mark.parametrize("path", COUNTY_FILES, ids=lambda p: p.name)
def test_the_bundled_font_has_every_name_of_every_county_file(path):
    cmap = TTFont(render.FONT_FILE)["cmap"].getBestCmap()
    wanted = {ch for name in names(yaml.safe_load(path.read_text(encoding="utf-8"))) for ch in name}
    missing = sorted(ch for ch in wanted if ord(ch) not in cmap)
    assert not missing, f"run scripts/label_font.py: {''.join(missing)} missing"


def test_the_font_is_in_the_package_data():
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert '"services/tiles/*.otf"' in pyproject and render.FONT_FILE.is_file()


def test_inside_the_county_is_land_and_outside_is_dimmed(county):
    inside = image(render.county_tile(county, tile_at(113.95, 26.30, 13)))
    assert inside.getpixel((128, 128)) == pytest.approx(render.LAND, abs=3)
    outside = image(render.county_tile(county, tile_at(113.30, 26.40, 13)))
    assert [c for _, c in outside.getcolors()] == [render.OUTSIDE]


def test_the_outline_is_drawn_where_it_runs(county):
    edge = tile_at(113.55, 26.40, 12)  # the demo outline's western edge crosses this tile
    colours = {c for _, c in image(render.county_tile(county, edge)).getcolors()}
    assert any(sum(abs(a - b) for a, b in zip(c, render.OUTLINE)) < 60 for c in colours)
    assert any(sum(abs(a - b) for a, b in zip(c, render.OUTSIDE)) < 6 for c in colours)


def test_township_names_are_drawn_from_zoom_10_and_not_before(county, monkeypatch):
    def drawn_names(z) -> bool:
        tile = tile_at(113.770, 26.492, z)
        with_names = render.county_tile(county, tile)
        monkeypatch.setattr(render, "_font", lambda size: None)
        without = render.county_tile(county, tile)
        monkeypatch.undo()
        return with_names != without

    assert drawn_names(10) and drawn_names(11)
    assert not drawn_names(9)


def test_a_name_across_a_tile_edge_is_drawn_on_both_tiles(county):
    """Each tile draws every name it overlaps, so a name is whole on the map."""
    for z in range(10, 19):
        for name, point in render._labels(county, z):
            px, py = world_pixel(point.lng, point.lat, z)
            if 2 < px % 256 < 12:  # the name's centre just right of a tile edge: its left part is next door
                left = Tile(z, int(px // 256) - 1, int(py // 256))
                strip = image(render.county_tile(county, left)).crop((246, int(py % 256) - 6, 256, int(py % 256) + 6))
                assert any(sum(c) < 240 for _, c in strip.getcolors()), name
                return
    pytest.fail("no name lies next to a tile edge at any zoom")
