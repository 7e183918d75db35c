"""004 C17(2), L15(2) in the staff app: the officer is warned, on the conclusion form and after
concluding, that the on-site check is still owed; the township can still record it on the
concluded ticket; left unrecorded, the sweeper counts the breach."""

from __future__ import annotations

from datetime import timedelta

from portal.domain.deadlines import ClockKind
from portal.domain.oversight import clock_outcome
from portal.services import sweeper
from portal.timeutil import local
from tests.web.staff_support import fast_argon2, file, signed_in  # noqa: F401
from tests.web.test_staff_actions import MEASURES

OWED = "这件举报还没有登记现场核查"


def test_004_C17_the_officer_is_warned_and_the_township_records_the_check_late(app, deps, clock):
    c = file(deps)  # 霞阳镇 co-handles: its team owes the check within 2 hours
    officer = signed_in(app, deps, clock, "officer")
    officer.act(c.complaint_id, "accept", {"note": ""})
    page = officer.get(f"/staff/tickets/{c.complaint_id}").get_data(as_text=True)
    assert OWED in page.split('id="form-conclude"')[0]  # said before the officer concludes
    done = officer.act(c.complaint_id, "conclude", MEASURES)
    assert done.status_code == 303
    after = officer.get(done.headers["Location"]).get_data(as_text=True)
    assert OWED in after  # and again once concluded
    clock.advance(hours=3)
    township = signed_in(app, deps, clock, "township")
    page = township.get(f"/staff/tickets/{c.complaint_id}").get_data(as_text=True)
    assert 'id="form-onsite"' in page  # the concluded ticket still takes the check
    arrived = local(clock.now() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    recorded = township.act(c.complaint_id, "onsite", {"arrived_at": arrived, "findings": "已到现场，建筑已拆除。"},
                            content_type="multipart/form-data")
    assert recorded.status_code == 303
    ticket = deps.repos.complaints.get(c.complaint_id)
    assert ticket.onsite.findings == "已到现场，建筑已拆除。" and ticket.status.value == "concluded"
    assert ticket.clock(ClockKind.ONSITE).is_breached  # recorded after the 2 hours


def test_004_C17_an_unrecorded_check_is_breached_by_the_sweeper_and_counted(app, deps, clock):
    c = file(deps)
    officer = signed_in(app, deps, clock, "officer")
    officer.act(c.complaint_id, "accept", {"note": ""})
    officer.act(c.complaint_id, "conclude", MEASURES)
    clock.advance(hours=2, minutes=5)
    report = sweeper.sweep(deps, clock.now())
    assert report.breaches == 1
    ticket = deps.repos.complaints.get(c.complaint_id)
    assert clock_outcome(ticket.clock(ClockKind.ONSITE), clock.now()) == "breached"
    assert [a["clock"] for a in deps.repos.alerts.for_unit(deps.counties.default.code, "xiayang")] == ["onsite"]
