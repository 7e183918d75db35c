"""Property test (hypothesis) of the disclosure request: whatever anyone tries, in any order
and at any time, only a custodian of the county other than the requester decides, once; and
the phone is read only by the requester, only after an approval, within 3 days of it and
within 15 minutes of the first view."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from portal.domain.access import Actor, Role
from portal.domain.disclosure import APPROVAL_VALID, VIEW_WINDOW, DisclosureRequest, DisclosureStatus
from portal.domain.errors import DomainError

COUNTY = "430225"
START = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
REQUESTER = Actor("li.si", Role.OFFICER, "natural_resources", COUNTY)
PEOPLE = [
    REQUESTER,
    Actor("wang.wu", Role.OFFICER, "natural_resources", COUNTY),  # a colleague
    Actor("zhao.liu", Role.SUPERVISOR, "leading_group_office", COUNTY),
    Actor("chen.qi", Role.CUSTODIAN, "leading_group_office", COUNTY),  # the one who may decide
    Actor("li.si", Role.CUSTODIAN, "leading_group_office", COUNTY),  # the requester, made custodian later
    Actor("zhou.ba", Role.CUSTODIAN, "leading_group_office", "999999"),  # another county's custodian
]

steps = st.lists(st.tuples(st.sampled_from(["approve", "deny", "view"]), st.sampled_from(PEOPLE),
                           st.integers(min_value=0, max_value=60 * 24 * 5)), max_size=25)


@settings(max_examples=300, deadline=None)
@given(steps=steps)
def test_no_sequence_of_attempts_lets_the_wrong_person_decide_or_read(steps):
    request = DisclosureRequest.open(complaint_id="01TEST", n=1, county=COUNTY, actor=REQUESTER,
                                     reason="法院要求举报人出庭作证", now=START)
    now, decisions, reads = START, 0, []
    for action, who, minutes in steps:
        now += timedelta(minutes=minutes)
        try:
            if action == "view":
                request.view(now, who)
                reads.append((who, now))
            else:
                request.decide(now, who, action == "approve", "依法审批")
                decisions += 1
        except DomainError:
            pass
        assert decisions <= 1
        if request.status != DisclosureStatus.PENDING:
            assert request.decided_by == "chen.qi" and request.decided_at is not None
    assert all(who.username == REQUESTER.username for who, _ in reads)  # (the service also checks the role)
    assert [at for _, at in reads] == request.views
    if reads:
        assert request.status == DisclosureStatus.APPROVED
        first = reads[0][1]
        assert first <= request.decided_at + APPROVAL_VALID
        assert all(at <= first + VIEW_WINDOW for _, at in reads)
