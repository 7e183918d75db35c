"""Every size of the citizen pages' own stylesheets is in rem or em (issue #18, item 1: the
MIIT 2021 guideline asks that the phone's own text-size setting work), and no text is set
under 0.875rem (14 px at the default size), the map's place names and Leaflet's own text
included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "static" / "css"
PX = re.compile(r"(?<![\w.#-])\d*\.?\d+px\b")
FONT_SIZE = re.compile(r"([^{}]+)\{[^}]*?font-size:\s*(\d*\.?\d+)(rem|em)")


@pytest.mark.parametrize("name", ["citizen.css", "map.css"])
def test_the_citizen_stylesheets_size_everything_in_rem(name):
    text = re.sub(r"/\*.*?\*/", "", (CSS / name).read_text(encoding="utf-8"), flags=re.S)
    assert PX.findall(text) == []


@pytest.mark.parametrize("name", ["citizen.css", "map.css"])
def test_no_text_of_the_citizen_pages_is_set_under_14_px(name):
    text = re.sub(r"/\*.*?\*/", "", (CSS / name).read_text(encoding="utf-8"), flags=re.S)
    small = [(selector.strip(), size) for selector, size, unit in FONT_SIZE.findall(text)
             if unit == "rem" and float(size) < 0.875]
    assert small == []
