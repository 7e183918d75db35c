"""Where the control chain (issue 13) meets a special campaign (issue 17): a patrol's finding in
the survey phase joins the problem list (003 §2(3)); a survey's finding passes the concealment
check (004 C33, L29); neither has a reporter (one ``Complaint.has_reporter``: no question to a
reporter, no reward, 004 C20) nor counts as a citizen's report in the oversight figures
(004 C21, L18)."""

from __future__ import annotations

import pytest

from portal.domain.errors import Conflict
from portal.domain.oversight import Period
from portal.services import oversight, workflow
from portal.services.campaigns import items, survey
from portal.services.patrols import concealment, weekly
from tests import campaign_sample as sample
from tests.campaign_sample import NATURAL_RESOURCES, OFFICE, at, township
from tests.patrols import TOWNSHIP_PATROL, VILLAGE, VILLAGER, finding, patrol, point_of


def listed(deps, campaign_id: str) -> dict[str, str]:
    return {i.ticket: i.source for i in deps.repos.campaigns.items(campaign_id)}


def test_003_s2_3_a_patrol_finding_in_the_survey_phase_joins_the_problem_list(deps):
    at(deps, "2027-06-05T09:00:00+08:00")
    campaign = sample.create_003(deps)  # land and mining, the whole county
    other = sample.create_003(deps, whole_county=None, townships=["longxi"])  # another township only
    patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding(category="l1-occupy-land"))  # 组织准备: not yet
    assert listed(deps, campaign.id) == {}

    at(deps, "2027-06-15T09:00:00+08:00")  # 排查摸底
    patrol(deps, VILLAGER)  # nothing found: nothing to list
    found = patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding(category="l1-occupy-land"))
    own = patrol(deps, VILLAGER, found=finding(category="l5-villager-house-without-approval"))
    patrol(deps, VILLAGER, found=finding(category="c1-no-planning-permit"))  # out of the campaign's categories
    assert listed(deps, campaign.id) == {found.findings[0].ticket: "patrol", own.findings[0].ticket: "patrol"}
    assert listed(deps, other.id) == {}  # xiayang is outside its scope
    # the item follows its ticket like any other: the township (the responsible unit of its area) sees it
    rows = items.candidates(deps, OFFICE, campaign.id, deps.clock.now())
    assert found.findings[0].ticket not in [t.id for t in rows.existing + rows.suggested]  # listed already

    at(deps, "2027-07-10T09:00:00+08:00")  # 查处整改: the office adds later findings itself
    later = patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding(category="l1-occupy-land"))
    assert later.findings[0].ticket not in listed(deps, campaign.id)
    assert later.findings[0].ticket in [t.id for t in items.candidates(deps, OFFICE, campaign.id,
                                                                        deps.clock.now()).suggested]


def test_004_c33_a_campaign_survey_finding_in_a_zero_report_grid_is_flagged(deps):
    at(deps, "2027-06-05T09:00:00+08:00")
    campaign = sample.create_003(deps)
    at(deps, "2027-06-14T09:00:00+08:00")  # Monday of 2027-W24, in the survey phase
    patrol(deps, VILLAGER)
    weekly.file_report(deps, VILLAGER, "village", "2027-W24", "", deps.clock.now())  # zero
    at(deps, "2027-06-15T09:00:00+08:00")
    lat, lng = point_of(deps, VILLAGE)
    survey.enter(deps, township("xiayang"), campaign.id, survey.SurveyInput(
        category="l1-occupy-land", description="石子坝村村东新近占用耕地建房一处", lat=lat, lng=lng), deps.clock.now())
    [concern] = concealment.view(deps, OFFICE, "2027")
    assert (concern.week, concern.village, concern.sources) == ("2027-W24", VILLAGE, {"survey": 1})


def test_004_c20_a_ticket_found_by_a_patrol_or_a_survey_has_no_reporter_to_ask_or_reward(deps):
    at(deps, "2027-06-05T09:00:00+08:00")
    campaign = sample.create_003(deps)
    at(deps, "2027-06-15T09:00:00+08:00")
    found = patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding(category="l1-occupy-land"))
    entered = survey.enter(deps, township("xiayang"), campaign.id, survey.SurveyInput(
        category="l1-occupy-land", description="颜家村村口占用耕地建房一处", township="xiayang"), deps.clock.now())
    citizen = sample.report(deps, "xiayang")
    tickets = [deps.repos.complaints.get(t) for t in (found.findings[0].ticket, entered.ticket, citizen.id)]
    assert [t.has_reporter for t in tickets] == [False, False, True]
    for ticket in tickets[:2]:
        with pytest.raises(Conflict, match="没有举报人"):
            workflow.ask_information(deps, NATURAL_RESOURCES, ticket.id, "请补充位置", deps.clock.now())
        sample.conclude(deps, ticket.id, "xiayang")
        closed = deps.repos.complaints.get(ticket.id)
        assert closed.status.value == "closed" and "result_notice" not in closed.clocks
        assert deps.repos.rewards.get(closed.case_id) is None  # nobody was the first reporter
    sample.conclude(deps, citizen.id, "xiayang")
    assert deps.repos.rewards.get(citizen.case_id) is not None  # the control: a citizen's report is rewarded


def test_004_c21_a_survey_finding_counts_neither_as_a_patrol_s_nor_as_a_citizen_s(deps):
    at(deps, "2027-06-05T09:00:00+08:00")
    campaign = sample.create_003(deps)
    at(deps, "2027-06-15T09:00:00+08:00")
    patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding(category="l1-occupy-land"))
    survey.enter(deps, township("xiayang"), campaign.id, survey.SurveyInput(
        category="l1-occupy-land", description="颜家村村口占用耕地建房一处", township="xiayang"), deps.clock.now())
    sample.report(deps, "xiayang")
    at(deps, "2027-07-02T09:00:00+08:00")
    result = oversight.report(deps, OFFICE, Period("month", 2027, 6), deps.clock.now())
    xiayang = next(f for f in result.townships if f.unit == "xiayang").patrol
    assert (xiayang.by_patrol, xiayang.by_citizen) == (1, 1)
