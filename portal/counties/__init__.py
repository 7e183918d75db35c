"""County data files: a marshmallow schema validates each at start-up, and the error names
the bad field (``departments.3.phone: Missing data for required field.``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from portal.counties.basemap import TileSourceSchema, check_unique_names, tile_source
from portal.domain.county import (
    TOWNSHIP, Category, County, Department, RewardBand, RewardRules, Township,
)
from portal.counties import places as place_file
from portal.domain.channels import SOURCES

#: the sources that owe feedback to their sender (portal.domain.channels)
FEEDBACK_SOURCES = tuple(code for code, source in SOURCES.items() if source.feedback)

CODE = validate.Regexp(r"^[a-z0-9][a-z0-9_\-]*$", error="must be lower-case letters, digits, '-' or '_'")


class CountyFileError(ValueError):
    pass


class Coordinate(fields.List):
    def __init__(self, **kwargs):
        super().__init__(fields.Float(allow_nan=False), validate=validate.Length(equal=2), **kwargs)


class ContactMixin:
    mailbox = fields.String(required=True, validate=validate.Length(min=1))
    email = fields.Email(required=True)
    phone = fields.String(required=True, validate=validate.Regexp(r"^[0-9\-+ ]{5,20}$", error="not a phone number"))
    placeholder = fields.Boolean(load_default=False)


class DepartmentSchema(ContactMixin, Schema):
    code = fields.String(required=True, validate=CODE)
    kind = fields.String(required=True, validate=validate.OneOf(["bureau", "oversight", "discipline", "finance"]))
    name = fields.String(required=True, validate=validate.Length(min=1))
    duties = fields.String(load_default="")
    note = fields.String(load_default="")


class TownshipSchema(ContactMixin, Schema):
    code = fields.String(required=True, validate=CODE)
    kind = fields.String(required=True, validate=validate.OneOf(["town", "township", "ethnic_township", "management_area"]))
    name = fields.String(required=True, validate=validate.Length(min=1))
    #: the official 9-digit township-level code (management areas may have none)
    division_code = fields.String(load_default=None, validate=validate.Regexp(r"^\d{9}$", error="must be 9 digits"))


class LeadField(fields.Field):
    """A department code, ``township``, or ``{inside: ..., outside: ...}``."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return (value, value)
        if isinstance(value, dict) and set(value) == {"inside", "outside"} and all(isinstance(v, str) for v in value.values()):
            return (value["inside"], value["outside"])
        raise ValidationError("must be a department code, 'township', or {inside: ..., outside: ...}")


class CategorySchema(Schema):
    code = fields.String(required=True, validate=CODE)
    group = fields.String(required=True, validate=validate.OneOf(["construction", "land", "mining", "housing", "officials"]))
    title = fields.String(required=True, validate=validate.Length(min=2, max=80))
    example = fields.String(required=True, validate=validate.Length(min=2, max=200))
    basis = fields.String(required=True, validate=validate.Length(min=2))
    lead = LeadField(required=True)
    discipline_only = fields.Boolean(load_default=False)


class BandSchema(Schema):
    min = fields.Integer(required=True, validate=validate.Range(min=0))
    max = fields.Integer(required=True, validate=validate.Range(min=1))

    @validates_schema
    def _order(self, data, **kwargs):
        if data["min"] > data["max"]:
            raise ValidationError("min must not exceed max", "min")


class ScheduleSchema(BandSchema):
    categories = fields.List(fields.String(validate=CODE), required=True, validate=validate.Length(min=1))


class RewardsSchema(Schema):
    claim_window_days = fields.Integer(required=True, validate=validate.Range(min=1, max=3650))
    currency = fields.String(load_default="CNY")
    default = fields.Nested(BandSchema, required=True)
    schedule = fields.List(fields.Nested(ScheduleSchema), load_default=list)
    flag_after_rewards = fields.Integer(load_default=2, validate=validate.Range(min=1))
    flag_period_days = fields.Integer(load_default=365, validate=validate.Range(min=1))


class CampaignSchema(Schema):
    """004 C22: the 2022 "hundred-day" campaign (百日攻坚), first and last day included."""

    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data["start"] > data["end"]:
            raise ValidationError("start must not be after end", "end")


class CountySchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="must be a 6-digit division code"))
    name = fields.String(required=True, validate=validate.Length(min=1))
    full_name = fields.String(required=True)
    sms_signature = fields.String(required=True, validate=validate.Length(min=2, max=20))
    hosts = fields.List(fields.String(), load_default=list)
    demo_geometry = fields.Boolean(load_default=False)
    map_center = Coordinate(required=True)
    stock_cutoff = fields.Date(required=True)
    stock_campaign = fields.Nested(CampaignSchema, load_default=None, allow_none=True)
    #: the place file beside this one (outline, township areas, built-up area, villages)
    places = fields.String(required=True, validate=validate.Regexp(r"^[\w.\-]+\.json$", error="a file name ending .json"))
    nearby_reports = fields.Boolean(load_default=True)
    #: 004 C25: the bureau (城管执法局) that organises forced demolition inside the built-up area
    demolition_department = fields.String(load_default=None, validate=CODE)
    #: the day the county started taking reports through the portal (registration refuses earlier days)
    go_live = fields.Date(load_default=None, allow_none=True)
    #: 004 C9, C14(1), L8: working days to feed a hand-over's result back, per source
    feedback_working_days = fields.Dict(keys=fields.String(validate=validate.OneOf(FEEDBACK_SOURCES)),
                                        values=fields.Integer(validate=validate.Range(min=1, max=60)),
                                        load_default=dict)
    rewards = fields.Nested(RewardsSchema, required=True)
    departments = fields.List(fields.Nested(DepartmentSchema), required=True, validate=validate.Length(min=1))
    townships = fields.List(fields.Nested(TownshipSchema), required=True, validate=validate.Length(min=1))
    categories = fields.List(fields.Nested(CategorySchema), required=True, validate=validate.Length(min=1))
    basemap = fields.List(fields.Nested(TileSourceSchema), load_default=list)

    @validates_schema
    def _cross_references(self, data, **kwargs):
        errors: dict[str, list[str]] = {}
        dept_codes = [d["code"] for d in data.get("departments", [])]
        town_codes = [t["code"] for t in data.get("townships", [])]
        for name, codes in (("departments", dept_codes), ("townships", town_codes)):
            for i, code in enumerate(codes):
                if codes.index(code) != i or (name == "townships" and code in dept_codes):
                    errors[f"{name}.{i}.code"] = [f"duplicate code {code!r}"]
        kinds = [d["kind"] for d in data.get("departments", [])]
        for kind in ("discipline", "oversight", "finance"):
            if kinds.count(kind) != 1:
                errors["departments"] = [f"exactly one department of kind {kind!r} is required"]
        handlers = {d["code"] for d in data.get("departments", []) if d["kind"] in ("bureau", "discipline")}
        category_codes = []
        for i, cat in enumerate(data.get("categories", [])):
            category_codes.append(cat["code"])
            if category_codes.index(cat["code"]) != i:
                errors[f"categories.{i}.code"] = [f"duplicate code {cat['code']!r}"]
            for lead in cat["lead"]:
                if lead != TOWNSHIP and lead not in handlers:
                    errors[f"categories.{i}.lead"] = [f"unknown department {lead!r}"]
            if cat["discipline_only"] and any(lead not in handlers or
                                               next(d for d in data["departments"] if d["code"] == lead)["kind"] != "discipline"
                                               for lead in cat["lead"] if lead != TOWNSHIP):
                errors[f"categories.{i}.lead"] = ["a discipline-only category must be led by the discipline department"]
        demolition = data.get("demolition_department")
        if demolition is not None and demolition not in {d["code"] for d in data.get("departments", [])
                                                         if d["kind"] == "bureau"}:
            errors["demolition_department"] = [f"unknown bureau {demolition!r}"]
        for i, band in enumerate(data.get("rewards", {}).get("schedule", [])):
            unknown = [c for c in band["categories"] if c not in category_codes]
            if unknown:
                errors[f"rewards.schedule.{i}.categories"] = [f"unknown categories {unknown}"]
        check_unique_names(data.get("basemap", []), errors)
        if errors:
            raise ValidationError(errors)


def _flatten(messages, prefix="") -> list[str]:
    lines = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            lines += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        lines.append(f"{prefix}: {' '.join(messages)}")
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            lines += _flatten(value, f"{prefix}.{i}")
    else:
        lines.append(f"{prefix}: {messages}")
    return lines


def parse_county(raw: dict, source: str = "<county data>", places: dict | None = None) -> County:
    """``places``: the place file's contents; by default the file ``raw["places"]`` names,
    beside the demo county's file."""
    try:
        data = CountySchema().load(raw)
    except ValidationError as exc:
        raise CountyFileError(f"{source}: " + "; ".join(_flatten(exc.messages))) from None
    try:
        if places is None:
            places = place_file.read(Path(__file__).parent / data["places"])
        geo = place_file.parse(places, [t["code"] for t in data["townships"]])
    except place_file.PlacesError as exc:
        raise CountyFileError(f"{source}: {exc}") from None
    rewards = data["rewards"]
    by_category = {}
    for band in rewards["schedule"]:
        for code in band["categories"]:
            by_category[code] = RewardBand(band["min"], band["max"])
    return County(
        code=data["code"], name=data["name"], full_name=data["full_name"], sms_signature=data["sms_signature"],
        boundary=geo.outline,
        built_up_area=geo.built_up_area,
        departments=tuple(
            Department(code=d["code"], kind=d["kind"], name=d["name"], mailbox=d["mailbox"], email=d["email"],
                       phone=d["phone"], duties=d["duties"] or d["note"], placeholder=d["placeholder"])
            for d in data["departments"]),
        townships=tuple(
            Township(code=t["code"], kind=t["kind"], name=t["name"], mailbox=t["mailbox"], email=t["email"],
                     phone=t["phone"], polygons=geo.townships[t["code"]].area, placeholder=t["placeholder"],
                     division_code=t["division_code"], point=geo.townships[t["code"]].point,
                     pinyin=geo.townships[t["code"]].pinyin, initials=geo.townships[t["code"]].initials)
            for t in data["townships"]),
        categories=tuple(
            Category(code=c["code"], group=c["group"], title=c["title"], example=c["example"], basis=c["basis"],
                     lead_inside=c["lead"][0], lead_outside=c["lead"][1], discipline_only=c["discipline_only"])
            for c in data["categories"]),
        rewards=RewardRules(
            claim_window_days=rewards["claim_window_days"], currency=rewards["currency"],
            default=RewardBand(rewards["default"]["min"], rewards["default"]["max"]), by_category=by_category,
            flag_after_rewards=rewards["flag_after_rewards"], flag_period_days=rewards["flag_period_days"]),
        stock_cutoff=data["stock_cutoff"] if isinstance(data["stock_cutoff"], date) else date.fromisoformat(data["stock_cutoff"]),
        stock_campaign=(_date(data["stock_campaign"]["start"]), _date(data["stock_campaign"]["end"]))
        if data.get("stock_campaign") else None,
        map_center=(float(data["map_center"][0]), float(data["map_center"][1])),
        hosts=tuple(data["hosts"]),
        demo_geometry=data["demo_geometry"] or geo.demo,
        demolition_department=data["demolition_department"],
        go_live=_date(data["go_live"]) if data.get("go_live") else None,
        feedback_working_days=dict(data["feedback_working_days"]),
        basemap=tuple(tile_source(s) for s in data["basemap"]),
        villages=geo.villages, landmarks=geo.landmarks, outline_source=geo.outline_source,
        nearby_reports=data["nearby_reports"],
    )


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def load_county(path: str | Path) -> County:
    path = Path(path)
    try:
        # libyaml's loader when present: the county file is parsed at every cold start
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except FileNotFoundError:
        raise CountyFileError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise CountyFileError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise CountyFileError(f"{path}: expected a mapping at the top level")
    places = None
    if isinstance(raw.get("places"), str) and "/" not in raw["places"]:
        try:
            places = place_file.read(path.with_name(raw["places"]))
        except place_file.PlacesError as exc:
            raise CountyFileError(f"{path}: {exc}") from None
    return parse_county(raw, source=path.name, places=places)
