"""A due date in a year whose official holiday arrangement is not entered yet is a guess, and
says so on every page that shows it (004 C20, L17: working days are the State Council's to
set; ``portal.domain.calendar``): the reporter's status page, the queue, the alerts and the
ticket page. Importing the arrangement whole removes the mark."""

from __future__ import annotations

from pathlib import Path

from portal.services import calendar_admin, sweeper
from portal.timeutil import parse_iso
from tests.conftest import PUBLIC_URL
from tests.web.staff_support import fast_argon2, file, signed_in  # noqa: F401

ARRANGEMENT = Path(__file__).resolve().parents[1] / "fixtures" / "calendar" / "2027-test-arrangement.yaml"
STAFF_MARK = "（暂按法定节假日计算）"


def status_page(client, receipt: str) -> str:
    return client.post("/status", base_url=PUBLIC_URL, data={"receipt": receipt}).get_data(as_text=True)


def test_004_c20_a_due_date_in_a_provisional_year_is_marked_wherever_it_is_shown(app, deps, clock):
    clock.set(parse_iso("2026-12-30T10:00:00+08:00"))  # 3 working days reach into 2027: not official yet
    filed = file(deps)
    client = app.test_client()
    page = status_page(client, filed.receipt)
    assert '<span class="provisional">（暂定）</span>' in page  # beside the acceptance due date
    township = signed_in(app, deps, clock, "township")  # on site first: the 2-hour clock is not a working-day one
    arrived = township.act(filed.complaint_id, "onsite", {"arrived_at": "2026-12-30T10:00", "findings": "已到现场"})
    assert arrived.status_code == 303
    officer = signed_in(app, deps, clock, "officer")
    assert STAFF_MARK in officer.get("/staff/queue").get_data(as_text=True)  # the nearest due date: acceptance
    assert STAFF_MARK in officer.get(f"/staff/tickets/{filed.complaint_id}").get_data(as_text=True)
    clock.set(parse_iso("2027-01-04T08:30:00+08:00"))  # the reminder, a working day before the due date
    sweeper.sweep(deps, clock.now())
    officer = signed_in(app, deps, clock, "officer", username="officer-after-new-year")  # the idle session ended
    alerts = officer.get("/staff/alerts").get_data(as_text=True)
    assert "受理期限提醒" in alerts and STAFF_MARK in alerts

    # a day entered by hand changes nothing here; the State Council's arrangement, imported whole, does
    calendar_admin.set_day(deps, parse_iso("2027-03-01T00:00:00+08:00").date(), False, "县里临时通知", "cli",
                           clock.now())
    assert STAFF_MARK in officer.get("/staff/queue").get_data(as_text=True)
    arrangement = calendar_admin.parse_arrangement(2027, ARRANGEMENT.read_text(encoding="utf-8"))
    calendar_admin.import_year(deps, arrangement, "cli", clock.now())
    assert STAFF_MARK not in officer.get("/staff/queue").get_data(as_text=True)
    assert STAFF_MARK not in officer.get("/staff/alerts").get_data(as_text=True)
    assert "（暂定）" not in status_page(client, filed.receipt)
