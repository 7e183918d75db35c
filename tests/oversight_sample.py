"""A half-year of handling in the demo county, for the oversight tests and the images in docs/:
tickets in several townships each month (July to December 2026), some handled in time, some
left to breach, a few concluded with ledger measures, checked and written off, the sweeper
run and the monthly reviews held (垄溪乡 is found month after month: its 2nd finding is named in
the quarterly notice). Built through the services, on whatever store ``deps`` has."""

from __future__ import annotations

from datetime import date, datetime

from portal.domain.access import Actor, Role
from portal.domain.geo import Point
from portal.services import oversight, sweeper, workflow
from portal.timeutil import local, parse_iso
from tests.services.helpers import file

COUNTY = "430225"
SUPERVISOR = Actor("sup-1", Role.SUPERVISOR, "leading_group_office", COUNTY)
NATURAL_RESOURCES = Actor("officer-1", Role.OFFICER, "natural_resources", COUNTY)
END = "2026-12-20T10:00:00+08:00"


def point_in(deps, township: str) -> tuple[str, str]:
    """A point the county routes to ``township`` (not inside a management area within it)."""
    county = deps.counties.default
    unit = county.township(township)
    if unit.point is not None and county.township_at(unit.point) is unit:
        return f"{unit.point.lat:.5f}", f"{unit.point.lng:.5f}"
    corners = [corner for polygon in unit.polygons for ring in polygon for corner in ring]
    lngs, lats = [c[0] for c in corners], [c[1] for c in corners]
    for i in range(1, 20):
        for j in range(1, 20):
            lng = min(lngs) + (max(lngs) - min(lngs)) * i / 20
            lat = min(lats) + (max(lats) - min(lats)) * j / 20
            found = county.township_at(Point(lng, lat))
            if found is not None and found.code == township:
                return f"{lat:.5f}", f"{lng:.5f}"
    raise AssertionError(f"no point found in {township}")


def _at(deps, text: str) -> datetime:
    deps.clock.set(parse_iso(text))
    return deps.clock.now()


def _township_actor(code: str) -> Actor:
    return Actor(f"{code}-1", Role.TOWNSHIP, code, COUNTY)


def _handle(deps, complaint_id: str, township: str, measures: dict | None = None) -> None:
    now = deps.clock.now()
    workflow.record_onsite(deps, _township_actor(township), complaint_id, local(now).strftime("%Y-%m-%dT%H:%M"),
                           "已到现场核查", [], now)
    workflow.accept(deps, NATURAL_RESOURCES, complaint_id, "", now)
    workflow.conclude(deps, NATURAL_RESOURCES, complaint_id, "substantiated", "已责令当事人停止违法行为并限期拆除。",
                      measures or {}, now)
    workflow.record_written_notice(deps, NATURAL_RESOURCES, complaint_id, "已书面告知", now)


MINING_MEASURES = {
    "summary": "李某2026年8月在沔渡镇无证开采稀土", "area_mu": "2.5", "method": "责令停止开采，恢复植被",
    "filing_authority": "县自然资源局", "filing_date": "2026-08-12", "penalty_decision": "炎自然资罚〔2026〕8号",
    "penalty_executed": "yes", "fine_wan_yuan": "12.5", "criminal_referrals": "1", "persons_accountable": "0",
    "mineral_type": "稀土", "products_confiscated": "yes", "equipment_seized": "yes", "notes": "已复绿",
}
LAND_MEASURES = {
    "summary": "王某2026年9月在霞阳镇占用耕地建房", "area_mu": "0.4", "method": "拆除复耕",
    "filing_authority": "县自然资源局", "filing_date": "2026-09-15", "penalty_decision": "炎自然资罚〔2026〕15号",
    "fine_wan_yuan": "1.2", "persons_accountable": "1",
}


def build(deps) -> dict:
    """The half-year; returns the ids worth naming (the clock ends at ``END``)."""
    ids: dict[str, str] = {}
    places = {t: point_in(deps, t) for t in ("xiayang", "longxi", "zhongcun", "miandu")}
    for month in range(7, 13):
        if month > 7:
            _at(deps, f"2026-{month:02d}-01T00:30:00+08:00")
            oversight.monthly_review(deps, deps.counties.default, deps.clock.now())
        _at(deps, f"2026-{month:02d}-10T09:00:00+08:00")
        on_time, _ = file(deps, place=places["xiayang"])
        ignored, _ = file(deps, place=places["longxi"])  # never visited: breaches, found at each review
        handled, _ = file(deps, place=places["longxi"])
        if month % 2:
            quiet, _ = file(deps, place=places["zhongcun"])
            ids.setdefault("zhongcun", quiet.id)
        _at(deps, f"2026-{month:02d}-10T10:00:00+08:00")
        _handle(deps, on_time.id, "xiayang")
        _handle(deps, handled.id, "longxi")
        ids.setdefault("ignored", ignored.id)
        if month == 8:
            mine, _ = file(deps, category="m1-illegal-mining", place=places["miandu"])
            _handle(deps, mine.id, "miandu", MINING_MEASURES)
            ids["mine"] = mine.id
        if month == 9:
            land, _ = file(deps, place=places["xiayang"])
            _handle(deps, land.id, "xiayang", LAND_MEASURES)
            ids["land"] = land.id
        _at(deps, f"2026-{month:02d}-20T09:00:00+08:00")
        sweeper.sweep(deps, deps.clock.now())
    _at(deps, "2026-12-01T00:30:00+08:00")
    oversight.monthly_review(deps, deps.counties.default, deps.clock.now())
    now = _at(deps, "2026-12-15T10:00:00+08:00")
    workflow.record_acceptance_check(deps, SUPERVISOR, ids["mine"], "county", "yes", "2026-12-14", "已复绿，达标", now)
    workflow.write_off(deps, SUPERVISOR, ids["mine"], "验收达标，销号", now)
    workflow.record_acceptance_check(deps, SUPERVISOR, ids["land"], "county", "no", "2026-12-14", "尚未复耕", now)
    _at(deps, END)
    sweeper.sweep(deps, deps.clock.now())
    assert date(2026, 12, 20) == local(deps.clock.now()).date()
    return ids
