"""The ``basemap`` section of a county file: the upstream tile sources the portal serves from
its own origin (``/tiles/<name>/{z}/{x}/{y}.png``), the first one shown on every map.

    basemap:
      - name: tianditu            # the path segment; lower-case letters, digits, '-'
        kind: tianditu            # Tianditu's Web Mercator WMTS, map and labels
        layer: vec                # vec (streets) | img (imagery) | ter (terrain)
        key_secret: tianditu-key  # the key: <keys dir>/tianditu-key, or SSM <prefix>tianditu-key
        datum: cgcs2000           # wgs84 | cgcs2000 | gcj02
        attribution: 天地图
        approval_number: GS(2024)0650号   # as the provider publishes it
        min_zoom: 8
        max_zoom: 18
        cache: true               # false where the provider's terms forbid storing tiles
      - name: other
        kind: xyz
        urls: ["https://tiles.example.cn/{z}/{x}/{y}.png"]   # drawn bottom to top
        ...

A source whose key is not configured is skipped: the map falls back to the next source, and
finally to the county's own layers, which the portal draws itself.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from portal.crypto.secrets import SSM_NAMES
from portal.domain.basemap import COUNTY_SOURCE, DATUMS, TIANDITU_LABELS, TileSource, tianditu_templates

SOURCE_NAME = validate.Regexp(r"^[a-z0-9][a-z0-9\-]{0,31}$", error="must be lower-case letters, digits or '-'")
SECRET_NAME = validate.Regexp(r"^[a-z0-9][a-z0-9\-]{0,63}$", error="must be lower-case letters, digits or '-'")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_KNOWN = {"z", "x", "y", "s", "key"}


class TileSourceSchema(Schema):
    name = fields.String(required=True, validate=SOURCE_NAME)
    kind = fields.String(required=True, validate=validate.OneOf(["tianditu", "xyz"]))
    layer = fields.String(load_default=None, validate=validate.OneOf(sorted(TIANDITU_LABELS)))
    urls = fields.List(fields.String(), load_default=None, validate=validate.Length(min=1, max=4))
    subdomains = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Za-z0-9]{0,16}$"))
    key_secret = fields.String(load_default=None, validate=SECRET_NAME)
    datum = fields.String(required=True, validate=validate.OneOf(DATUMS))
    attribution = fields.String(required=True, validate=validate.Length(min=1, max=120))
    approval_number = fields.String(required=True, validate=validate.Length(min=4, max=40))
    min_zoom = fields.Integer(load_default=8, validate=validate.Range(min=0, max=20))
    max_zoom = fields.Integer(load_default=18, validate=validate.Range(min=0, max=20))
    cache = fields.Boolean(load_default=True)

    @validates_schema
    def _consistent(self, data, **kwargs):
        if data["name"] == COUNTY_SOURCE:
            raise ValidationError(f"{COUNTY_SOURCE!r} names the county's own layers", "name")
        if data["key_secret"] in SSM_NAMES:
            raise ValidationError("names one of the portal's own secrets", "key_secret")
        if data["min_zoom"] > data["max_zoom"]:
            raise ValidationError("min_zoom must not exceed max_zoom", "min_zoom")
        if data["kind"] == "tianditu":
            if not data["layer"] or data["urls"]:
                raise ValidationError("a tianditu source names its layer (vec, img or ter), not urls", "layer")
            if not data["key_secret"]:
                raise ValidationError("Tianditu needs a key: name its secret", "key_secret")
            return
        if not data["urls"] or data["layer"]:
            raise ValidationError("an xyz source lists its url templates", "urls")
        for i, url in enumerate(data["urls"]):
            problem = _template_problem(url, bool(data["key_secret"]), bool(data["subdomains"]))
            if problem:
                raise ValidationError(problem, f"urls.{i}")


def _template_problem(url: str, has_key: bool, has_subdomains: bool) -> str | None:
    parts = urlsplit(url.replace("{", "").replace("}", ""))
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "must be an http(s) URL template"
    names = set(_PLACEHOLDER.findall(url))
    if names - _KNOWN:
        return f"unknown placeholders {sorted(names - _KNOWN)}"
    if not {"z", "x", "y"} <= names:
        return "must hold {z}, {x} and {y}"
    if ("key" in names) != has_key:
        return "holds {key} exactly when key_secret is set"
    if "s" in names and not has_subdomains:
        return "{s} needs subdomains"
    if "{" in _PLACEHOLDER.sub("", url) or "}" in _PLACEHOLDER.sub("", url):
        return "unbalanced braces"
    return None


def tile_source(data: dict) -> TileSource:
    if data["kind"] == "tianditu":
        templates, subdomains = tianditu_templates(data["layer"]), data["subdomains"] or "01234567"
    else:
        templates, subdomains = tuple(data["urls"]), data["subdomains"] or ""
    return TileSource(name=data["name"], templates=templates, datum=data["datum"], attribution=data["attribution"],
                      approval_number=data["approval_number"], min_zoom=data["min_zoom"],
                      max_zoom=data["max_zoom"], cache=data["cache"], key_secret=data["key_secret"],
                      subdomains=subdomains)


def check_unique_names(sources: list[dict], errors: dict) -> None:
    names = [s["name"] for s in sources]
    for i, name in enumerate(names):
        if names.index(name) != i:
            errors[f"basemap.{i}.name"] = [f"duplicate source {name!r}"]
