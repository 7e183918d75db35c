"""The authorization table, written out in full: every role (inside and outside the ticket's
unit, and from another county) against every action, on an ordinary ticket, a ticket a
township leads, a discipline-only ticket (000 §2(3), §4(2)4; 004 C36), and tickets handed
over to urban management for forced demolition (004 C25), and reports registered by a unit
that does not lead them (004 C20, L17: the receiving unit posts the written notice and may
record the feedback to a higher level, and sees nothing else)."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from portal.domain.access import Action, Actor, Role, can, can_see_queue_of, can_view, pays_rewards

COUNTY = "430225"


@dataclass(frozen=True)
class Ticket:
    lead: str
    co_handler: str | None
    discipline_only: bool
    county: str = COUNTY
    demolition_unit: str | None = None  #: 004 C25: urban management, once handed over
    intake: object = None  #: a registered report: ``received_by`` is the unit that received it


ORDINARY = Ticket(lead="natural_resources", co_handler="xiayang", discipline_only=False)
TOWNSHIP_LED = Ticket(lead="xiayang", co_handler="xiayang", discipline_only=False)
DISCIPLINE_ONLY = Ticket(lead="discipline", co_handler=None, discipline_only=True)
DEMOLITION = Ticket(lead="natural_resources", co_handler="xiayang", discipline_only=False,
                    demolition_unit="urban_management")
#: a letter received by the housing bureau, routed to natural resources (portal.domain.channels)
RECEIVED_ELSEWHERE = Ticket(lead="natural_resources", co_handler="xiayang", discipline_only=False,
                            intake=SimpleNamespace(received_by="housing"))
RECEIVED_ELSEWHERE_OFFICIALS = Ticket(lead="discipline", co_handler=None, discipline_only=True,
                                      intake=SimpleNamespace(received_by="housing"))
URBAN_LED_DEMOLITION = Ticket(lead="urban_management", co_handler="xiayang", discipline_only=False,
                              demolition_unit="urban_management")

ACTORS = {
    "officer_lead": Actor("o1", Role.OFFICER, "natural_resources", COUNTY),
    "officer_other": Actor("o2", Role.OFFICER, "housing", COUNTY),
    "officer_urban": Actor("u1", Role.OFFICER, "urban_management", COUNTY),
    "head_urban": Actor("u2", Role.HEAD, "urban_management", COUNTY),
    "head_lead": Actor("h1", Role.HEAD, "natural_resources", COUNTY),
    "head_other": Actor("h2", Role.HEAD, "housing", COUNTY),
    "township_co": Actor("t1", Role.TOWNSHIP, "xiayang", COUNTY),
    "township_other": Actor("t2", Role.TOWNSHIP, "luyuan", COUNTY),
    "supervisor": Actor("s1", Role.SUPERVISOR, "leading_group_office", COUNTY),
    "discipline": Actor("d1", Role.DISCIPLINE, "discipline", COUNTY),
    "finance": Actor("f1", Role.FINANCE, "finance", COUNTY),
    "custodian": Actor("c1", Role.CUSTODIAN, "leading_group_office", COUNTY),
    "admin": Actor("a1", Role.ADMIN, "leading_group_office", COUNTY),
    # the patrol roles (004 C17-C19): deny by default, nothing of any ticket, their own unit's included
    "village_grid": Actor("v1", Role.VILLAGE_GRID, "430225100202", COUNTY),
    "township_patrol": Actor("p1", Role.TOWNSHIP_PATROL, "xiayang", COUNTY),
    "professional_patrol": Actor("p2", Role.PROFESSIONAL_PATROL, "natural_resources", COUNTY),
    "professional_patrol_urban": Actor("p3", Role.PROFESSIONAL_PATROL, "urban_management", COUNTY),
    "officer_other_county": Actor("x1", Role.OFFICER, "natural_resources", "430000"),
    "supervisor_other_county": Actor("x2", Role.SUPERVISOR, "leading_group_office", "430000"),
}

HANDLE = {"view", "accept", "decline", "transfer", "ask_info", "onsite", "stop_order", "rectified", "conclude",
          "written_notice", "case", "disclosure_request", "demolition_handover", "feedback"}
DEMOLISH = {"view", "demolition_plan"}  #: 004 C25: urban management co-handles the demolition step alone
ON_SITE = {"view", "onsite", "stop_order", "rectified"}
OVERSEE = {"view", "reopen", "case", "audit", "reward_propose", "reward_approve", "acceptance_check", "write_off"}
RECEIVED = {"notice_post", "feedback"}  #: the receiving unit, without a view of the ticket
EVERYTHING = {a.value for a in Action}

EXPECTED = {
    "ordinary": {
        "officer_lead": HANDLE,
        "head_lead": HANDLE | {"assign"},
        "township_co": ON_SITE,
        "supervisor": OVERSEE,
    },
    "township_led": {
        "township_co": HANDLE,
        "supervisor": OVERSEE,
    },
    "discipline_only": {
        # no other department sees it, so nothing is handed over to urban management either
        "discipline": EVERYTHING - {"demolition_handover", "demolition_plan"},
    },
    "demolition": {
        "officer_lead": HANDLE,
        "head_lead": HANDLE | {"assign"},
        "township_co": ON_SITE,
        "supervisor": OVERSEE,
        "officer_urban": DEMOLISH,
        "head_urban": DEMOLISH,
    },
    "received_elsewhere": {
        "officer_lead": HANDLE,
        "head_lead": HANDLE | {"assign"},
        "township_co": ON_SITE,
        "supervisor": OVERSEE,
        "officer_other": RECEIVED,
        "head_other": RECEIVED,
    },
    "received_elsewhere_officials": {
        # a report about officials stays with the commission, even for the unit that received it
        "discipline": EVERYTHING - {"demolition_handover", "demolition_plan"},
    },
    "urban_led_demolition": {
        "officer_urban": HANDLE | DEMOLISH,
        "head_urban": HANDLE | DEMOLISH | {"assign"},
        "township_co": ON_SITE,
        "supervisor": OVERSEE,
    },
}
TICKETS = {"ordinary": ORDINARY, "township_led": TOWNSHIP_LED, "discipline_only": DISCIPLINE_ONLY,
           "demolition": DEMOLITION, "urban_led_demolition": URBAN_LED_DEMOLITION,
           "received_elsewhere": RECEIVED_ELSEWHERE, "received_elsewhere_officials": RECEIVED_ELSEWHERE_OFFICIALS}


@pytest.mark.parametrize("ticket_name", list(TICKETS))
@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_authorization_table(ticket_name, actor_name):
    """Anyone not listed for a ticket gets nothing at all, not even a view."""
    ticket, actor = TICKETS[ticket_name], ACTORS[actor_name]
    expected = EXPECTED[ticket_name].get(actor_name, set())
    allowed = {a.value for a in Action if can(actor, a, ticket)}
    assert allowed == expected
    assert can_view(actor, ticket) == ("view" in expected)


def test_004_c20_rewards_are_decided_by_supervisors_and_for_officials_by_the_discipline_commission():
    """004 C20, L17: the leading-group office proposes and approves rewards; for reports about
    officials, which supervisors never see, the discipline commission does (000 §2(3))."""
    for action in (Action.REWARD_PROPOSE, Action.REWARD_APPROVE):
        assert {n for n, a in ACTORS.items() if can(a, action, ORDINARY)} == {"supervisor"}
        assert {n for n, a in ACTORS.items() if can(a, action, DISCIPLINE_ONLY)} == {"discipline"}
    assert {n for n, a in ACTORS.items() if pays_rewards(a)} == {"finance"}


def test_004_c25_only_urban_management_records_the_demolition_plan_and_sees_nothing_else_before_the_handover():
    """004 C25: the lead unit hands over; urban management (officers and heads) alone records
    the demolition plan, and sees another unit's ticket only once it was handed over to it."""
    assert {n for n, a in ACTORS.items() if can(a, Action.DEMOLITION_PLAN, DEMOLITION)} == {"officer_urban", "head_urban"}
    assert {n for n, a in ACTORS.items() if can(a, Action.DEMOLITION_HANDOVER, DEMOLITION)} == {"officer_lead", "head_lead"}
    assert not any(can_view(ACTORS[n], ORDINARY) for n in ("officer_urban", "head_urban"))
    assert all(can_view(ACTORS[n], DEMOLITION) for n in ("officer_urban", "head_urban"))
    # another county's urban management gets nothing
    other_county = Actor("x3", Role.OFFICER, "urban_management", "430000")
    assert not can_view(other_county, DEMOLITION) and not can(other_county, Action.DEMOLITION_PLAN, DEMOLITION)


def test_000_s2_3_only_the_discipline_commission_sees_reports_about_officials():
    seeing = {name for name, actor in ACTORS.items() if can_view(actor, DISCIPLINE_ONLY)}
    assert seeing == {"discipline"}


def test_every_action_is_in_the_table():
    """A new Action must be placed in the table above (this fails until it is)."""
    listed = set().union(*(s for table in EXPECTED.values() for s in table.values()))
    assert listed == EVERYTHING


@pytest.mark.parametrize("role,queue", [
    (Role.OFFICER, "unit"), (Role.HEAD, "unit"), (Role.DISCIPLINE, "unit"), (Role.TOWNSHIP, "area"),
    (Role.SUPERVISOR, "county"), (Role.FINANCE, None), (Role.CUSTODIAN, None), (Role.ADMIN, None),
    (Role.VILLAGE_GRID, None), (Role.TOWNSHIP_PATROL, None), (Role.PROFESSIONAL_PATROL, None),
])
def test_which_queue_each_role_lists(role, queue):
    assert can_see_queue_of(Actor("u", role, "x", COUNTY)) == queue


def test_every_role_is_in_the_table():
    """A new role must be placed in the table above (this fails until it is): deny by default
    is only proven for the roles the table tries."""
    assert {a.role for a in ACTORS.values()} == set(Role)


@pytest.mark.parametrize("name", ["village_grid", "township_patrol", "professional_patrol"])
def test_004_c17_c19_the_patrol_roles_reach_no_ticket_not_even_in_their_own_village_or_township(name):
    """A village cadre is often the reporter's neighbour: the ticket filed at its own village's
    point (co-handled by its township, led by its unit) is as closed to it as any other."""
    actor = ACTORS[name]
    own = [Ticket(lead=actor.unit, co_handler="xiayang", discipline_only=False),
           Ticket(lead="natural_resources", co_handler=actor.unit, discipline_only=False),
           Ticket(lead="xiayang", co_handler="xiayang", discipline_only=False, demolition_unit=actor.unit)]
    for ticket in [*own, *TICKETS.values()]:
        assert not can_view(actor, ticket) and not any(can(actor, a, ticket) for a in Action)
    assert can_see_queue_of(actor) is None and not pays_rewards(actor)


@pytest.fixture
def added_action():
    """A member added to ``Action`` itself for the test (as a later change would add one
    without giving it a branch in ``can``), removed afterwards."""
    name, value = "NEW_STEP_WITHOUT_A_RULE", "new_step_without_a_rule"
    member = str.__new__(Action, value)
    member._name_, member._value_ = name, value
    member._sort_order_ = len(Action._member_names_)
    Action._member_map_[name] = member
    Action._value2member_map_[value] = member
    Action._member_names_.append(name)
    try:
        yield member
    finally:
        del Action._member_map_[name], Action._value2member_map_[value]
        Action._member_names_.remove(name)


def test_004_c20_000_s2_3_deny_by_default_an_action_added_to_the_enum_is_granted_to_no_role(added_action):
    """Deny by default (issue #16): an Action added later without its own branch in ``can`` is
    granted to nobody, not even to those who see the ticket (the reporter's identity and the
    reports about officials stay out of reach of a step nobody decided to allow)."""
    assert Action(added_action.value) is added_action and added_action in list(Action)
    for ticket_name, ticket in TICKETS.items():
        for actor_name, actor in ACTORS.items():
            assert not can(actor, added_action, ticket), (actor_name, ticket_name)
    # the actors above do reach the end of the table: each one listed with a view of a ticket
    # views it (the receiving unit of a registered report is listed without one, 004 C20)
    viewers = {(t, a) for t, table in EXPECTED.items() for a, allowed in table.items() if "view" in allowed}
    assert viewers and all(can(ACTORS[a], Action.VIEW, TICKETS[t]) for t, a in viewers)


def test_000_s2_3_the_commission_leading_an_ordinary_ticket_neither_reopens_it_nor_decides_its_reward_or_write_off():
    """Reopening and rewards stay with the leading-group office for every ticket it sees; the
    commission takes them over only for reports about officials, which the office never sees."""
    led = Ticket(lead="discipline", co_handler="xiayang", discipline_only=False)
    commission = ACTORS["discipline"]
    assert can_view(commission, led) and can(commission, Action.ACCEPT, led)
    for action in (Action.REOPEN, Action.REWARD_PROPOSE, Action.REWARD_APPROVE, Action.ACCEPTANCE_CHECK,
                   Action.WRITE_OFF):
        assert not can(commission, action, led)
        assert can(ACTORS["supervisor"], action, led)


@pytest.mark.parametrize("role,registers", [
    (Role.OFFICER, True), (Role.HEAD, True), (Role.TOWNSHIP, True), (Role.SUPERVISOR, True),
    (Role.DISCIPLINE, False), (Role.FINANCE, False), (Role.CUSTODIAN, False), (Role.ADMIN, False),
    (Role.VILLAGE_GRID, False), (Role.TOWNSHIP_PATROL, False), (Role.PROFESSIONAL_PATROL, False),
])
def test_004_c20_l17_bureaus_townships_and_the_office_register_the_reports_they_received(role, registers):
    """004 C20, L17: each bureau, township and the leading-group office publishes a mailbox, an
    email address and a phone, and registers what comes in; no other role registers reports."""
    from portal.domain.access import can_register

    assert can_register(Actor("u", role, "x", COUNTY)) is registers
