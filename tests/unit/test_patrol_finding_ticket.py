"""What a patrol's finding is as a ticket (004 C17(2), L15(2); C19; ``portal.domain.patrols.steps``):
filed by the patrol member, not a reporter, shown to nobody on a status page, its 5-day
rectification clock running from the finding, and a stop on the spot recorded as the stop order."""

from __future__ import annotations

from datetime import datetime

from portal.domain.channels import Intake
from portal.domain.complaint import Finding, Measures, Status
from portal.domain.deadlines import ClockKind
from portal.domain.patrols.steps import CHANNEL, SOURCES, PatrolOrigin
from portal.timeutil import SHANGHAI
from tests.unit.tickets import PLAIN_CALENDAR, filed_ticket

FILED = datetime(2026, 3, 17, 9, 30, tzinfo=SHANGHAI)
FOUND = datetime(2026, 3, 17, 9, 0, tzinfo=SHANGHAI)


def patrol_ticket(**origin):
    c = filed_ticket(FILED, quiet=False,
                     intake=Intake(channel=CHANNEL, source=SOURCES["village"], received_by="430225100202"))
    c.found_on_patrol(PatrolOrigin(patrol="P1", kind="village", unit="430225100202", found_at=FOUND, **origin),
                      "cun.wang", "430225100202")
    return c


def test_004_c17_2_a_patrol_finding_is_filed_by_the_patrol_member_and_shown_on_no_status_page():
    c = patrol_ticket()
    assert c.patrol.patrol == "P1" and c.patrol.found_at == FOUND
    filed = [e for e in c.new_events if e.kind == "filed"]
    assert len(filed) == 1
    event = filed[0]
    assert (event.actor, event.unit, event.public) == ("cun.wang", "430225100202", None)
    assert {k: event.data[k] for k in ("source", "patrol", "kind")} == {"source": "patrol", "patrol": "P1",
                                                                        "kind": "village"}
    assert [e for e in c.new_events if e.kind != "filed" and e.actor == "cun.wang"] == []
    assert c.has_reporter is False


def test_004_c17_2_l15_2_rectification_is_due_within_5_days_of_the_finding():
    c = patrol_ticket()
    clock = c.clock(ClockKind.RECTIFICATION)
    assert clock.started_at == FOUND
    assert clock.due_at == datetime(2026, 3, 22, 23, 59, 59, tzinfo=SHANGHAI)  # the end of the 5th day after
    assert clock.is_open and c.stop_order_at is None
    assert not any(e.kind == "stopped_on_spot" for e in c.new_events)


def test_004_c19_a_stop_on_the_spot_is_the_stop_order_at_the_finding_instant():
    c = patrol_ticket(stopped_on_spot=True, builder_identified=True)
    assert c.stop_order_at == FOUND
    event = c.new_events[-1]
    assert (event.at, event.kind, event.actor, event.unit, event.data) == (
        FOUND, "stopped_on_spot", "cun.wang", "430225100202", {"patrol": "P1", "builder_identified": True})


def test_004_c20_c17_2_a_patrol_finding_closes_on_its_conclusion_with_no_result_notice_owed():
    """004 C20's result notice is owed to a reporter; a patrol's finding has none."""
    c = patrol_ticket()
    concluded_at = datetime(2026, 3, 18, 15, 0, tzinfo=SHANGHAI)
    c.accept(FILED, "off", "natural_resources")
    c.conclude(concluded_at, "off", "natural_resources", Finding.SUBSTANTIATED, Measures(summary="已拆除"), "已拆除",
               PLAIN_CALENDAR)
    assert (c.status, c.closed_at, c.concluded_at) == (Status.CLOSED, concluded_at, concluded_at)
    assert c.clock(ClockKind.RESULT_NOTICE) is None
