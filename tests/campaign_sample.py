"""A campaign like Dai County's (003) in the demo county, for the campaign tests: its four
phases with their dates (003 §2(3): 组织准备 6月4日-6月11日, 排查摸底 6月12日-6月30日, 查处整改 7月1日-
10月31日, 检查验收 11月1日-11月15日), land and mining categories (003 §2(1)), the departments of
003 §2(2) as responsible units, reporting on the 15th and the 30th (003 §3(3)), in Annex 2/3's
ledger form. Built through the services."""

from __future__ import annotations

from datetime import datetime

from werkzeug.datastructures import MultiDict

from portal.domain.access import Actor, Role
from portal.services import workflow
from portal.services.campaigns import records
from portal.timeutil import local, parse_iso
from tests.oversight_sample import point_in
from tests.services.helpers import file

COUNTY = "430225"
OFFICE = Actor("office-1", Role.SUPERVISOR, "leading_group_office", COUNTY)
NATURAL_RESOURCES = Actor("officer-1", Role.OFFICER, "natural_resources", COUNTY)
HOUSING = Actor("housing-1", Role.OFFICER, "housing", COUNTY)
LAND = ["l1-occupy-land", "l2-illegal-land-transfer", "l3-wrong-land-purpose", "l4-farmland-damage",
        "l5-villager-house-without-approval", "l6-temporary-land-use", "l7-other-land"]
MINING = ["m1-illegal-mining", "m2-unapproved-shaft"]
UNITS = ["natural_resources", "agriculture", "housing", "ecology", "emergency", "police", "market"]
MEASURES = {"summary": "张某在村口占用耕地建房0.3亩", "area_mu": "0.3", "method": "拆除复耕",
            "filing_authority": "县自然资源局", "filing_date": "2027-07-20", "penalty_decision": "炎自然资罚〔2027〕3号"}


def township(code: str) -> Actor:
    return Actor(f"{code}-1", Role.TOWNSHIP, code, COUNTY)


def at(deps, text: str) -> datetime:
    deps.clock.set(parse_iso(text))
    return deps.clock.now()


def phases_003(year: int) -> dict:
    rows = (("组织准备", "preparation", "06-04", "06-11"), ("排查摸底", "survey", "06-12", "06-30"),
            ("查处整改", "handling", "07-01", "10-31"), ("检查验收", "acceptance", "11-01", "11-15"))
    form = {}
    for n, (name, kind, start, end) in enumerate(rows, start=1):
        form.update({f"phase_name_{n}": name, f"phase_kind_{n}": kind, f"phase_start_{n}": f"{year}-{start}",
                     f"phase_end_{n}": f"{year}-{end}"})
    return form


def form_003(year: int = 2027, **overrides) -> MultiDict:
    """The creation form as the office fills it in for a campaign like 003's."""
    data = MultiDict({"name": "严厉打击非法违法用地用矿专项行动", "basis": "全县严厉打击非法违法用地用矿专项行动工作方案",
                      "whole_county": "1", "reporting": "semimonthly", "ledger_form": "annex", **phases_003(year)})
    for code in LAND + MINING:
        data.add("categories", code)
    for code in UNITS:
        data.add("units", code)
    for key, value in overrides.items():
        if isinstance(value, list):
            data.setlist(key, value)
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def create_003(deps, year: int = 2027, **overrides):
    return records.create(deps, OFFICE, form_003(year, **overrides), deps.clock.now())


def report(deps, township_code: str, category: str = "l1-occupy-land", description: str | None = None):
    """A citizen's report at a point of ``township_code``."""
    complaint, receipt = file(deps, category=category, place=point_in(deps, township_code),
                              **({"description": description} if description else {}))
    return complaint


def conclude(deps, ticket_id: str, township_code: str, finding: str = "substantiated", measures: dict | None = None):
    """The township checks on site, the lead accepts and concludes (with the ledger's measures)."""
    now = deps.clock.now()
    ticket = deps.repos.complaints.get(ticket_id)
    lead = Actor("lead-1", Role.OFFICER, ticket.lead, COUNTY)
    if ticket.status.value == "received":
        workflow.record_onsite(deps, township(township_code), ticket_id, local(now).strftime("%Y-%m-%dT%H:%M"),
                               "已到现场核查", [], now)
        workflow.accept(deps, lead, ticket_id, "", now)
    workflow.conclude(deps, lead, ticket_id, finding, "已责令当事人拆除违法建筑并复耕。", measures or MEASURES, now)
