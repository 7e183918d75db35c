"""Patrols through the services (004 C7, C17-C19; L6, L15, L16): a patrol with its photos, a
finding that becomes a ticket on the patrol clocks, the village's and the township's weekly
reports, and who may record where."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.domain.deadlines import ClockKind
from portal.domain.access import Actor, Role
from portal.domain.complaint import Status
from portal.domain.errors import DomainError, Forbidden, NotFound
from portal.services import workflow
from portal.services.patrols import recording, weekly
from portal.timeutil import local
from tests.fakes.images import SERIAL, phone_jpeg
from tests.patrols import (
    NEIGHBOUR_VILLAGER, OFFICE, PROFESSIONAL, TOWNSHIP_PATROL, VILLAGE, VILLAGER, finding, jpeg, patrol, shanghai,
)


def test_004_c18_a_nothing_found_patrol_with_a_photo_keeps_no_photo_metadata(deps):
    p = patrol(deps, photos=[phone_jpeg()])
    stored = deps.repos.patrols.patrol(p.id)
    assert stored.nothing_found and stored.findings == [] and stored.grid == VILLAGE and stored.week == "2026-W48"
    assert len(stored.photos) == 1 and stored.photos[0].source == "patrol"
    assert stored.photos[0].taken_at is None and stored.photos[0].taken_lat is None
    data = deps.blobs.get(stored.photos[0].key)
    assert SERIAL.encode() not in data and b"Exif" not in data  # the sanitiser removed it all


def test_a_bad_photo_or_field_stores_nothing(deps):
    with pytest.raises(DomainError):
        patrol(deps, photos=[jpeg(), b"not an image"])
    with pytest.raises(DomainError) as no_route:
        patrol(deps, route="  ")
    assert no_route.value.field == "route"
    with pytest.raises(DomainError) as future:
        patrol(deps, day="2026-11-24")
    assert future.value.field == "patrolled_on"
    with pytest.raises(DomainError):
        patrol(deps, day="2026-11-10")  # more than 7 days back
    assert deps.repos.patrols.of_week("430225", "2026-W48") == []


def test_each_patrol_role_records_in_its_own_grids_only(deps):
    with pytest.raises(Forbidden):
        patrol(deps, VILLAGER, grid="430225100203")  # the neighbouring village
    assert patrol(deps, VILLAGER, grid=f"{VILLAGE}-02").grid == f"{VILLAGE}-02"  # one of its village groups
    assert patrol(deps, TOWNSHIP_PATROL, grid="430225100203").kind == "township"
    with pytest.raises(Forbidden):
        patrol(deps, TOWNSHIP_PATROL, grid="430225200203")  # another township
    with pytest.raises(Forbidden):
        patrol(deps, PROFESSIONAL, grid=VILLAGE)  # 004 C19: the built-up area only
    assert patrol(deps, PROFESSIONAL, grid=None).kind == "professional"
    with pytest.raises(Forbidden):
        patrol(deps, OFFICE)


def test_004_c17_2_l15_2_a_patrol_finding_is_a_ticket_on_the_two_hour_and_five_day_clocks(deps, clock):
    p = patrol(deps, found=finding())
    assert not p.nothing_found and len(p.findings) == 1
    ticket = deps.repos.complaints.get(p.findings[0].ticket)
    assert (ticket.intake.channel, ticket.intake.source) == ("patrol", "village_patrol")
    assert ticket.patrol.patrol == p.id and ticket.patrol.kind == "village" and ticket.intake.received_by == VILLAGE
    assert ticket.co_handler == "xiayang" and ticket.case_kind == "new"
    found = clock.now()
    onsite, rectification = ticket.clock(ClockKind.ONSITE), ticket.clock(ClockKind.RECTIFICATION)
    assert onsite.started_at == found and onsite.due_at == found + timedelta(hours=2)
    assert rectification.started_at == found
    assert local(rectification.due_at).date().isoformat() == "2026-11-28"  # 5 days, calendar days
    assert ticket.clock(ClockKind.ACCEPTANCE) is not None and ticket.clock(ClockKind.LADDER_WARNING) is not None
    assert ticket.stop_order_at is None  # not stopped on the spot
    filed = deps.repos.complaints.history(ticket.id)[0]
    assert filed.actor == VILLAGER.username and filed.public is None  # the patrol member, not a reporter


def test_004_c17_2_a_later_stop_order_does_not_restart_the_five_days(deps, clock):
    p = patrol(deps, found=finding())
    ticket_id = p.findings[0].ticket
    due = deps.repos.complaints.get(ticket_id).clock(ClockKind.RECTIFICATION).due_at
    team = Actor("zfd", Role.TOWNSHIP, "xiayang", "430225")
    clock.advance(days=2)
    workflow.issue_stop_order(deps, team, ticket_id, "当场责令停工", clock.now())
    assert deps.repos.complaints.get(ticket_id).clock(ClockKind.RECTIFICATION).due_at == due


def test_004_c19_stopped_on_the_spot_is_recorded_as_such(deps, clock):
    p = patrol(deps, PROFESSIONAL, grid=None,
               found=finding("c1-no-planning-permit", "建成区空地上有人平整土地、开挖基础。", lat="26.4925",
                             lng="113.7700", stopped_on_spot="1", builder_identified="1"))
    ticket = deps.repos.complaints.get(p.findings[0].ticket)
    assert p.findings[0].stopped_on_spot and ticket.patrol.stopped_on_spot and ticket.patrol.builder_identified
    assert ticket.stop_order_at == clock.now() and ticket.in_built_up_area
    assert [e.kind for e in deps.repos.complaints.history(ticket.id)].count("stopped_on_spot") == 1


def test_004_c22_a_finding_marked_stock_leaves_the_c34_ladder(deps):
    p = patrol(deps, found=finding(kind="stock", registered_on="2022-09-01"))
    ticket = deps.repos.complaints.get(p.findings[0].ticket)
    assert ticket.case_kind == "stock" and ticket.stock_registered_on.isoformat() == "2022-09-01"
    assert not ticket.clock(ClockKind.LADDER_WARNING).is_open
    with pytest.raises(DomainError):  # 004 C22: a stock mark needs a registration before the cut-off
        patrol(deps, found=finding(kind="stock", registered_on="2025-01-01"))


def test_a_patrol_ticket_closes_at_its_conclusion_and_never_asks_a_reporter(deps, clock):
    p = patrol(deps, found=finding())
    ticket_id = p.findings[0].ticket
    ticket = deps.repos.complaints.get(ticket_id)
    officer = Actor("ny", Role.OFFICER, ticket.lead, "430225")
    with pytest.raises(DomainError):
        workflow.ask_information(deps, officer, ticket_id, "请补充", clock.now())
    workflow.accept(deps, officer, ticket_id, "", clock.now())
    done = workflow.conclude(deps, officer, ticket_id, "substantiated", "已责令拆除。", {"summary": "占地建房"},
                             clock.now())
    assert done.status == Status.CLOSED and done.clock(ClockKind.RESULT_NOTICE) is None


def test_a_further_finding_is_added_to_the_patrol_by_its_own_unit_only(deps):
    p = patrol(deps)
    updated = recording.add_finding(deps, VILLAGER, p.id, finding(), [jpeg()], deps.clock.now())
    assert not updated.nothing_found and len(updated.findings) == 1 and len(updated.photos) == 1
    with pytest.raises(NotFound):
        recording.add_finding(deps, NEIGHBOUR_VILLAGER, p.id, finding(), [], deps.clock.now())


def test_004_c18_1_the_village_files_a_zero_report_once(deps, clock):
    with pytest.raises(DomainError):  # nothing patrolled: nothing to report
        weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now())
    patrol(deps)
    report = weekly.file_report(deps, VILLAGER, "village", "2026-W48", "本周正常", clock.now())
    assert report.zero and report.on_time and report.due_at == shanghai(2026, 11, 26, 16)
    with pytest.raises(DomainError):
        weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now())
    with pytest.raises(Forbidden):
        weekly.file_report(deps, VILLAGER, "township", "2026-W48", "", clock.now())


def test_004_c18_1_a_week_with_a_finding_is_not_a_zero_report(deps, clock):
    patrol(deps, found=finding())
    report = weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now())
    assert not report.zero and report.findings == 1


def test_004_c17_1_the_township_report_is_built_from_its_villages_and_its_own_patrols(deps, clock):
    patrol(deps)
    weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now())
    patrol(deps, TOWNSHIP_PATROL, grid="430225100204")
    clock.set(shanghai(2026, 11, 27, 9))  # Friday, after the villages' Thursday 16:00
    report = weekly.file_report(deps, TOWNSHIP_PATROL, "township", "2026-W48", "", clock.now())
    lines = {line.village: line for line in report.villages}
    assert lines[VILLAGE].status == "on_time" and lines[VILLAGE].zero is True
    assert lines["430225100203"].status == "missing"
    assert len(report.patrols) == 1 and report.findings == 0
    assert not report.zero  # villages missing: the township cannot say nothing was found
    assert report.on_time and report.due_at == shanghai(2026, 11, 27, 16)


def test_a_late_report_is_late(deps, clock):
    patrol(deps)
    clock.set(shanghai(2026, 11, 26, 16, 1))
    assert weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now()).status == "late"


def test_the_week_as_each_role_sees_it(deps, clock):
    patrol(deps)
    patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding())
    weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now())
    village = weekly.status(deps, VILLAGER, "2026-W48", clock.now())
    assert village.village.status == "on_time" and [p.kind for p in village.village.patrols] == ["village"]
    assert village.townships == [] and village.professional is None
    township = weekly.status(deps, TOWNSHIP_PATROL, "2026-W48", clock.now())
    assert [t.township for t in township.townships] == ["xiayang"] and township.can_file
    rows = {v.village: v for v in township.townships[0].villages}
    assert rows[VILLAGE].status == "on_time" and rows["430225100203"].status == "not_yet"
    office = weekly.status(deps, OFFICE, "2026-W48", clock.now())
    assert len(office.townships) == len(deps.counties.default.grids.townships)
    assert [t.township for t in weekly.status(deps, OFFICE, None, clock.now(), township="xiayang").townships] == [
        "xiayang"]
    assert len(weekly.status(deps, OFFICE, None, clock.now(), township="hitech").townships) == len(
        deps.counties.default.grids.townships)  # a unit without grids: every township
    assert [t.township for t in weekly.status(deps, TOWNSHIP_PATROL, None, clock.now(), township="longxi").townships] \
        == ["xiayang"]  # a township sees its own whatever it asks
    with pytest.raises(Forbidden):
        weekly.status(deps, Actor("cz", Role.FINANCE, "finance", "430225"), None, clock.now())
