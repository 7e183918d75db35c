"""The role matrix across counties, beyond tickets (issue 21; ``test_province.py`` holds the
ticket pages, actions and lists): a staff member of county A, in every role, reaches nothing
of county B by a guessed id of B's campaign, campaign notice, patrol record or inbox message,
and no export of A (the XLSX ledgers, the Word notice, the CSV figures) nor A's account list
names anything of B. The same guesses by B's own office reach B's campaign (the control)."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal.domain.access import Actor, Role
from portal.services.campaigns import records
from portal.services.patrols import recording
from portal.services.patrols.recording import PatrolInput
from tests.campaign_sample import LAND, form_003
from tests.web.staff_support import ROLES, fast_argon2  # noqa: F401 - fast_argon2 is a fixture
from tests.web.test_province import codes, file, filed, inside, province, staff_of  # noqa: F401 - province is a fixture

#: exports of a county's work, by path
EXPORTS = ("/staff/ledger.xlsx", "/staff/ledger.csv", "/staff/oversight.csv", "/staff/oversight.csv?kind=quarter&period=2026-Q4",
           "/staff/oversight/notice.docx?kind=quarter&period=2026-Q4")


def text_of(response) -> str:
    """What a page or an export says: its text, or every XML part of an XLSX or Word file."""
    body = response.get_data()
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as document:
            return "".join(document.read(name).decode("utf-8", "replace") for name in document.namelist()
                           if name.endswith(".xml"))
    return body.decode("utf-8", "replace")


@pytest.fixture
def b_work(province, clock):
    """County B's ticket, campaign, patrol record; and the names that would betray them."""
    deps, app = province
    client = app.test_client()
    a, b = (deps.counties.get(c) for c in codes(deps))
    ticket = filed(deps, file(client, f"/{b.code}", inside(b)))
    filed(deps, file(client, f"/{a.code}", inside(a)))  # A's own work, which A's exports do show
    office = Actor(f"office-{b.code}", Role.SUPERVISOR, "leading_group_office", b.code)
    campaign = records.create(deps, office, form_003(2027, name="示范二县专项整治行动", categories=LAND),  # B has no m1
                              clock.now())
    village = f"{b.code}100202"
    villager = Actor(f"grid-{b.code}", Role.VILLAGE_GRID, village, b.code)
    patrol = recording.record(deps, villager, PatrolInput(patrolled_on=clock.now().date().isoformat(), grid=village,
                                                          route="沿村道巡查一圈", outcome="nothing", finding=None),
                              [], clock.now())
    secrets = (ticket.id, ticket.public_id, b.name, campaign.id, "示范二县专项整治行动", patrol.id)
    return a, b, ticket, campaign, patrol, secrets


@pytest.mark.parametrize("name", sorted(ROLES))
def test_no_guessed_id_export_or_list_of_one_county_shows_another_county_s_work(province, clock, b_work, name):
    deps, app = province
    a, b, ticket, campaign, patrol, secrets = b_work
    control = staff_of(app, deps, clock, b, "supervisor")  # B's office, whose username A's admin must not see
    secrets += (f"c{b.code}.",)
    staff = staff_of(app, deps, clock, a, name)
    for path in (f"/staff/campaigns/{campaign.id}", f"/staff/campaigns/{campaign.id}/ledger.xlsx",
                 f"/staff/campaigns/{campaign.id}/survey", f"/staff/campaigns/{campaign.id}/items/{ticket.id}",
                 f"/staff/campaigns/{campaign.id}/notices/2027-06-15",
                 f"/staff/campaigns/{campaign.id}/notices/2027-06-15/notice.docx",
                 f"/staff/patrols/{patrol.id}", f"/staff/patrols/{patrol.id}/photos/0", "/staff/inbox/MSG-guessed"):
        assert staff.get(path).status_code in (403, 404), (name, path)
    for path in (f"/staff/campaigns/{campaign.id}/items", f"/staff/campaigns/{campaign.id}/survey",
                 f"/staff/campaigns/{campaign.id}/notices/2027-06-15/issue"):
        assert staff.post(path, {"ticket": ticket.id}).status_code in (403, 404), (name, path)
    for path in EXPORTS + ("/staff/campaigns", "/staff/patrols", "/staff/admin/accounts", "/staff/patrols/concealment"):
        response = staff.get(path)
        assert response.status_code in (200, 303, 403, 404), (name, path, response.status_code)
        said = text_of(response) if response.status_code == 200 else ""
        assert not [s for s in secrets if s in said], (name, path)
    assert control.get(f"/staff/campaigns/{campaign.id}").status_code == 200  # B's office reaches it
    assert b.name in text_of(control.get("/staff/ledger.csv"))  # and B's ledger lists B's ticket
