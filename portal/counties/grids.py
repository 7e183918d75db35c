"""A county's grid file (``<county>.grids.yaml``, 004 C17(1), C18(1)): the grid table the
townships publish, checked at start-up against the villages of the place file. An error
names the bad entry like the county file's (``grids.12.persons.0.phone: not a phone number``).

Coverage is checked: every village of the place file has exactly one entry, so every village
has a grid, a responsible person, and a weekly report to file (004 C18(1)).
"""

from __future__ import annotations

from pathlib import Path

from marshmallow import Schema, ValidationError, fields, validate

from portal.counties.yamlfile import read_mapping
from portal.domain.gazetteer import Place
from portal.domain.patrols.grids import Grid, GridPerson, GridTable

PHONE = validate.Regexp(r"^[0-9\-+ ]{5,20}$", error="not a phone number")


class GridFileError(ValueError):
    pass


class PersonSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=20))
    phone = fields.String(required=True, validate=PHONE)
    placeholder = fields.Boolean(load_default=False)


class GroupSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=30))
    persons = fields.List(fields.Nested(PersonSchema), required=True, validate=validate.Length(min=1))


class VillageGridSchema(Schema):
    village = fields.String(required=True, validate=validate.Regexp(r"^\d{12}$", error="must be a 12-digit code"))
    persons = fields.List(fields.Nested(PersonSchema), required=True, validate=validate.Length(min=1))
    groups = fields.List(fields.Nested(GroupSchema), load_default=list)


class GridFileSchema(Schema):
    source = fields.String(required=True, validate=validate.Length(min=1))
    demo = fields.Boolean(load_default=False)
    grids = fields.List(fields.Nested(VillageGridSchema), required=True)


def read(path: Path) -> dict:
    try:
        return read_mapping(path)
    except ValueError as exc:
        raise GridFileError(f"grids: {exc}") from None


def _persons(rows: list[dict]) -> tuple[GridPerson, ...]:
    return tuple(GridPerson(title=p["title"], phone=p["phone"], placeholder=p["placeholder"]) for p in rows)


def parse(raw: dict, villages: tuple[Place, ...]) -> GridTable:
    """The grid table, checked against the place file's villages; ``GridFileError`` naming
    every bad entry."""
    try:
        data = GridFileSchema().load(raw)
    except ValidationError as exc:
        raise GridFileError("; ".join(f"grids.{k}: {v}" for k, v in _flat(exc.messages))) from None
    by_code = {v.code: v for v in villages}
    errors: list[str] = []
    seen: set[str] = set()
    grids: list[Grid] = []
    for i, row in enumerate(data["grids"]):
        place = by_code.get(row["village"])
        if place is None:
            errors.append(f"grids.grids.{i}.village: no village {row['village']} in the place file")
            continue
        if row["village"] in seen:
            errors.append(f"grids.grids.{i}.village: village {row['village']} listed twice")
            continue
        seen.add(row["village"])
        grids.append(Grid(code=place.code, township=place.township, village=place.code, village_name=place.name,
                          persons=_persons(row["persons"]), demo=data["demo"]))
        names = [g["name"] for g in row["groups"]]
        for n, group in enumerate(row["groups"]):
            if names.index(group["name"]) != n:
                errors.append(f"grids.grids.{i}.groups.{n}.name: group {group['name']} listed twice")
                continue
            grids.append(Grid(code=f"{place.code}-{n + 1:02d}", township=place.township, village=place.code,
                              village_name=place.name, group=group["name"], persons=_persons(group["persons"]),
                              demo=data["demo"]))
    missing = [v.code for v in villages if v.code not in seen]
    if missing:
        errors.append(f"grids.grids: no grid for villages {', '.join(missing[:5])}"
                      + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))
    if errors:
        raise GridFileError("; ".join(errors))
    return GridTable(grids=tuple(grids), source=data["source"], demo=data["demo"])


def _flat(messages, prefix=""):
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flat(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, " ".join(messages) if isinstance(messages, list) else messages
