"""Place endpoints of the JSON API: the county's layers, what a pin says, the gazetteer search
and reports near a pin. Coordinates come in the datum the caller names (``datum``, default
WGS84) and go out in the datum of the caller's map (``map_datum``); the server converts."""

from __future__ import annotations

import hashlib
import json

from flask import Response, request
from flask.views import MethodView
from marshmallow import fields, validate

from portal.domain import datum as datums
from portal.domain.complaint import STATUS_TITLES
from portal.domain.geo import Point
from portal.i18n import N_
from portal.services.places import nearby, preview
from portal.web.api import Schema, _errors, bp
from portal.web.common import county, deps, now, translate

DATUM = validate.OneOf(datums.DATUMS)


def _datum_field(description: str):
    return fields.String(load_default=datums.WGS84, validate=DATUM, metadata={"description": description})


class MapQuerySchema(Schema):
    map_datum = _datum_field("datum of the map the layers are drawn on (wgs84, gcj02 or cgcs2000)")


class PointQuerySchema(MapQuerySchema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lng = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)
    datum = _datum_field("datum of lat/lng: wgs84 (GPS, default), gcj02 (AMap/Tencent-style basemaps), cgcs2000")
    map_datum = fields.String(load_default=None, validate=DATUM,
                              metadata={"description": "datum of the returned map_lat/map_lng (default: datum)"})


class PlaceQuerySchema(PointQuerySchema):
    category = fields.String(load_default=None, validate=validate.Length(max=64))


class PlaceSchema(Schema):
    in_county = fields.Boolean()
    township = fields.String(allow_none=True)
    township_name = fields.String(allow_none=True)
    village = fields.String(allow_none=True, metadata={"description": "division code of the nearest village"})
    village_name = fields.String(allow_none=True)
    in_built_up_area = fields.Boolean()
    lead_name = fields.String(allow_none=True, metadata={"description": "the lead unit, when a category was given"})
    place = fields.String(metadata={"description": "the place in words"})
    text = fields.String(metadata={"description": "where the pin is and who will handle a report there"})
    lat = fields.Float(metadata={"description": "WGS84"})
    lng = fields.Float(metadata={"description": "WGS84"})
    map_lat = fields.Float()
    map_lng = fields.Float()
    grid = fields.String(allow_none=True, metadata={"description": "the village grid of the point (004 C17(1))"})
    grid_name = fields.String(allow_none=True)
    grid_text = fields.String(metadata={"description": "the grid and its responsible persons' titles, in words"})


class SearchQuerySchema(MapQuerySchema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=40))


class FoundSchema(Schema):
    kind = fields.String(metadata={"description": "township, village, community, living_area or landmark"})
    name = fields.String()
    township_name = fields.String(allow_none=True)
    demo = fields.Boolean(metadata={"description": "the point is a demo point"})
    map_lat = fields.Float()
    map_lng = fields.Float()


class SearchSchema(Schema):
    places = fields.List(fields.Nested(FoundSchema))


class NearbyItemSchema(Schema):
    category = fields.String()
    status = fields.String()
    week = fields.String(metadata={"description": "the week it came in, in words"})
    map_lat = fields.Float(metadata={"description": "centre of its ~200 m grid cell, never its point"})
    map_lng = fields.Float()


class NearbySchema(Schema):
    enabled = fields.Boolean(metadata={"description": "false when the county shows no nearby reports"})
    note = fields.String()
    reports = fields.List(fields.Nested(NearbyItemSchema))


class GeoJsonSchema(Schema):
    type = fields.String()
    features = fields.List(fields.Dict())


def _point(args) -> Point:
    return datums.to_wgs84(Point(lng=args["lng"], lat=args["lat"]), args["datum"])


def _on_map(point: Point, map_datum: str, places: int = 7) -> tuple[float, float]:
    shown = datums.from_wgs84(point, map_datum)
    return round(shown.lat, places), round(shown.lng, places)


#: the layers are drawn, never routed: 5 decimal places (about a metre) are plenty
DRAWN = 5


def _revalidated(result: dict) -> Response:
    """JSON the browser keeps and revalidates (``no-cache`` and an ETag of the body): a second
    visit costs a 304, not the county's layers again. The body depends on the URL (datum) and
    the language, both of which the ETag covers."""
    body = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
    tag = hashlib.sha256(body).hexdigest()[:32]
    headers = {"Cache-Control": "no-cache", "Vary": "Cookie, Accept-Language"}
    if request.if_none_match.contains(tag):
        response = Response(status=304, headers=headers)
    else:
        response = Response(body, mimetype="application/json", headers=headers)
    response.set_etag(tag)
    return response


@bp.route("/map")
class MapView(MethodView):
    @bp.arguments(MapQuerySchema, location="query")
    @bp.response(200, GeoJsonSchema)
    @_errors
    def get(self, args):
        """The county's outline, townships, built-up area, villages and landmarks as GeoJSON, in
        the map's datum (demo geometry and demo points are marked)."""
        c, target = county(), args["map_datum"]

        def ring(r):
            return [list(reversed(_on_map(Point(*p), target, DRAWN))) for p in r]

        def area(kind, name, polygons, code=None, **extra):
            return {"type": "Feature", "properties": {"kind": kind, "name": name, "code": code,
                                                      "demo": c.demo_geometry and kind != "boundary", **extra},
                    "geometry": {"type": "MultiPolygon",
                                 "coordinates": [[ring(r) for r in polygon] for polygon in polygons]}}

        def spot(place):
            lat, lng = _on_map(place.point, target, DRAWN)
            return {"type": "Feature", "properties": {"kind": place.kind, "name": place.name, "code": place.code,
                                                      "township": place.township, "demo": place.demo},
                    "geometry": {"type": "Point", "coordinates": [lng, lat]}}

        features = [area("boundary", c.name, c.boundary)]
        features += [area("township", t.name, t.polygons, t.code, unit_kind=t.kind,
                          label=list(reversed(_on_map(t.point, target, DRAWN))) if t.point else None)
                     for t in c.townships]
        features.append(area("built_up_area", translate(N_("县城建成区")), c.built_up_area))
        features += [spot(v) for v in c.villages] + [spot(m) for m in c.landmarks]
        return _revalidated({"type": "FeatureCollection", "features": features})


@bp.route("/places")
class PlaceView(MethodView):
    @bp.arguments(PlaceQuerySchema)
    @bp.response(200, PlaceSchema)
    @_errors
    def post(self, args):
        """Where a pin is and who would handle a report there (the same routing as filing; the
        report itself is routed again when filed). Posted, so the pin (perhaps where the
        reporter stands) rests in no proxy's or gateway's log of URLs."""
        return _describe(args)

    @bp.arguments(PlaceQuerySchema, location="query")
    @bp.response(200, PlaceSchema)
    @_errors
    def get(self, args):
        """The same as POST, for clients that cannot post; prefer POST (a query string may be logged)."""
        return _describe(args)


def _describe(args) -> dict:
    point = _point(args)
    p = preview.preview_in(deps().counties, county(), point, args["category"])
    place, text = preview.wording(p, translate)
    map_lat, map_lng = _on_map(point, args["map_datum"] or args["datum"])
    return {"in_county": p.in_county, "township": p.township, "township_name": p.township_name,
            "village": p.village.code if p.village else None, "village_name": p.village.name if p.village else None,
            "in_built_up_area": p.in_built_up_area, "lead_name": p.lead_name, "place": place, "text": text,
            "lat": round(point.lat, 7), "lng": round(point.lng, 7), "map_lat": map_lat, "map_lng": map_lng,
            "grid": p.grid.code if p.grid else None, "grid_name": p.grid.name if p.grid else None,
            "grid_text": preview.grid_wording(p, translate)}


@bp.route("/places/search")
class PlaceSearchView(MethodView):
    @bp.arguments(SearchQuerySchema, location="query")
    @bp.response(200, SearchSchema)
    @_errors
    def get(self, args):
        """Townships, villages and landmarks by Chinese name, pinyin or pinyin initials."""
        from portal.domain.gazetteer import search

        c = county()
        found = []
        for place in search(c.places, args["q"]):
            lat, lng = _on_map(place.point, args["map_datum"])
            found.append({"kind": place.kind, "name": place.name, "demo": place.demo, "map_lat": lat, "map_lng": lng,
                          "township_name": c.unit_name(place.township) if place.township else None})
        return {"places": found}


@bp.route("/places/nearby")
class NearbyView(MethodView):
    @bp.arguments(PointQuerySchema)
    @bp.response(200, NearbySchema)
    @_errors
    def post(self, args):
        """Up to 5 reports already accepted whose ~200 m cell lies within 250 m of the pin, from
        the last 180 days: category, status in words and week only. Never a report for the
        discipline commission, one not yet accepted, a description, a photo or a point."""
        c = county()
        target = args["map_datum"] or args["datum"]
        found = nearby.reports_near(deps(), c, _point(args), now())
        reports = []
        for r in found:
            lat, lng = _on_map(r.cell, target)
            category = c.category(r.category)
            reports.append({"category": category.title if category else "", "status": translate(STATUS_TITLES[r.status]),
                            "week": translate(N_("%(date)s 那一周"), {"date": r.week.isoformat()}),
                            "map_lat": lat, "map_lng": lng})
        note = translate(N_("可能已有人举报过——您仍然可以举报。")) if reports else ""
        return {"enabled": c.nearby_reports, "note": note, "reports": reports}

