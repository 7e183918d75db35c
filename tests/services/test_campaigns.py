"""Campaigns through the services, on SQLite (portal.services.campaigns): the problem list from
existing tickets, suggested new reports and the survey (003 §2(3)); write-off only after the
acceptance check; the overdue flag at the end of 查处整改, once; the progress notice on each
reporting day (003 §3(3)); the role matrix of the list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from portal.domain.access import Actor, Role
from portal.domain.errors import Conflict, DomainError, Forbidden, NotFound
from portal.services import cases, sweeper, workflow
from portal.services.campaigns import figures, items, records, survey
from portal.timeutil import local_date
from tests import campaign_sample as sample
from tests.campaign_sample import NATURAL_RESOURCES, OFFICE, at, township


def notice_days(deps, campaign_id: str) -> list[date]:
    return [n.day for n in deps.repos.campaigns.notices(campaign_id)]


# --- the problem list ------------------------------------------------------------------------


def test_003_s2_3_new_reports_in_scope_are_suggested_and_existing_tickets_offered(deps):
    at(deps, "2027-05-20T09:00:00+08:00")
    old = sample.report(deps, "longxi")  # before the campaign: an existing ticket
    old_duplicate = sample.report(deps, "longxi")  # the same violation, merged into one case below
    cases.merge(deps, OFFICE, old_duplicate.id, old.id, "同一处违法占地", deps.clock.now())
    sample.report(deps, "longxi", category="c4-no-work-permit")  # out of scope: category
    campaign = sample.create_003(deps)
    at(deps, "2027-06-13T10:00:00+08:00")
    new = sample.report(deps, "xiayang")  # in scope, during the campaign: suggested
    mine = sample.report(deps, "miandu", category="m1-illegal-mining")
    sample.report(deps, "xiayang", category="c1-no-planning-permit")  # out of scope: category
    sample.report(deps, "xiayang", category="o1-public-official")  # about an official: never (000 §2(3))
    declined = sample.report(deps, "shidu")
    workflow.decline(deps, NATURAL_RESOURCES, declined.id, "already_handled", "已依法处理完毕。", deps.clock.now())

    found = items.candidates(deps, OFFICE, campaign.id, deps.clock.now())
    assert [t.id for t in found.existing] == [old.id]  # one per case
    assert [t.id for t in found.suggested] == [new.id, mine.id]

    assert items.add_tickets(deps, OFFICE, campaign.id, [old.id, new.id], deps.clock.now()) == 2
    again = items.candidates(deps, OFFICE, campaign.id, deps.clock.now())
    assert again.existing == [] and [t.id for t in again.suggested] == [mine.id]
    listed = {i.ticket: i.source for i in deps.repos.campaigns.items(campaign.id)}
    assert listed == {old.id: "existing", new.id: "suggested"}
    with pytest.raises(Conflict, match="已经在问题清单中"):  # the case is listed already
        items.add_tickets(deps, OFFICE, campaign.id, [old_duplicate.id], deps.clock.now())
    with pytest.raises(DomainError, match="不在本专项行动的范围内"):
        items.add_tickets(deps, OFFICE, campaign.id, [sample.report(deps, "xiayang", "c1-no-planning-permit").id],
                          deps.clock.now())
    assert [e.kind for e in deps.repos.campaigns.history(campaign.id)] == ["created", "items_added"]

    # a campaign of one township suggests only that township's reports
    only_longxi = sample.create_003(deps, whole_county=None, townships=["longxi"])
    assert [t.id for t in items.candidates(deps, OFFICE, only_longxi.id, deps.clock.now()).suggested] == []
    assert [t.id for t in items.candidates(deps, OFFICE, only_longxi.id, deps.clock.now()).existing] == [old.id]


def test_003_s2_3_survey_items_are_entered_by_the_responsible_units_in_the_survey_phase(deps):
    at(deps, "2027-06-05T09:00:00+08:00")
    campaign = sample.create_003(deps)
    entry = survey.SurveyInput(category="l1-occupy-land", description="李某2019年在村东占用耕地0.5亩建仓库",
                               township="miandu", kind="stock", registered_on="2022-05-10")
    with pytest.raises(Conflict, match="排查摸底阶段"):  # 组织准备 still
        survey.enter(deps, township("longxi"), campaign.id, entry, deps.clock.now())
    at(deps, "2027-06-15T09:00:00+08:00")
    item = survey.enter(deps, township("longxi"), campaign.id, entry, deps.clock.now())  # a township: its own area
    ticket = deps.repos.complaints.get(item.ticket)
    assert (ticket.co_handler, ticket.lead, ticket.case_kind) == ("longxi", "natural_resources", "stock")
    assert not ticket.has_reporter and ticket.survey.campaign == campaign.id
    assert (ticket.intake.channel, ticket.intake.source, ticket.intake.received_by) == ("survey", "survey", "longxi")
    filed = deps.repos.complaints.history(ticket.id)[0]
    assert (filed.actor, filed.public) == ("longxi-1", None)  # no reporter, nothing for a status page
    # a department enters in any township in scope, but only what it will handle itself
    dept = survey.enter(deps, NATURAL_RESOURCES, campaign.id, survey.SurveyInput(
        category="m1-illegal-mining", description="沔渡镇某山无证开采稀土", township="miandu"), deps.clock.now())
    assert deps.repos.complaints.get(dept.ticket).case_kind == "new"
    with pytest.raises(DomainError, match="县应急管理局"):
        survey.enter(deps, NATURAL_RESOURCES, campaign.id, survey.SurveyInput(
            category="m2-unapproved-shaft", description="非煤矿山擅自开凿井口", township="miandu"), deps.clock.now())
    with pytest.raises(DomainError, match="2023-07-24"):  # 004 C22: stock only before the cut-off
        survey.enter(deps, township("longxi"), campaign.id, survey.SurveyInput(
            category="l1-occupy-land", description="村西新建房屋占用耕地", kind="stock", registered_on="2024-01-01"),
            deps.clock.now())
    with pytest.raises(DomainError, match="纪委监委"):
        survey.enter(deps, township("longxi"), campaign.id, survey.SurveyInput(
            category="o1-public-official", description="某干部违规建房"), deps.clock.now())
    # concluded, a survey ticket closes at once: there is nobody to tell a result, no reward
    sample.conclude(deps, item.ticket, "longxi")
    closed = deps.repos.complaints.get(item.ticket)
    assert closed.status.value == "closed" and "result_notice" not in closed.clocks
    assert deps.repos.rewards.get(closed.case_id) is None


def test_003_s2_3_write_off_is_refused_before_the_acceptance_check(deps):
    at(deps, "2027-06-01T09:00:00+08:00")
    ticket = sample.report(deps, "longxi")
    campaign = sample.create_003(deps)
    items.add_tickets(deps, OFFICE, campaign.id, [ticket.id], deps.clock.now())
    at(deps, "2027-07-10T09:00:00+08:00")
    sample.conclude(deps, ticket.id, "longxi")
    with pytest.raises(DomainError, match="尚未登记验收"):
        items.write_off(deps, OFFICE, campaign.id, ticket.id, "整改到位", deps.clock.now())
    items.record_acceptance(deps, OFFICE, campaign.id, ticket.id, MultiDict(
        {"level": "county", "meets_standard": "no", "checked_on": "2027-07-10", "note": "尚未复耕"}), deps.clock.now())
    with pytest.raises(DomainError, match="验收未达标"):
        items.write_off(deps, OFFICE, campaign.id, ticket.id, "", deps.clock.now())
    assert deps.repos.complaints.get(ticket.id).write_off is None
    with pytest.raises(Forbidden):  # the township handles; the office accepts and writes off (003 §2(3))
        items.write_off(deps, township("longxi"), campaign.id, ticket.id, "", deps.clock.now())
    at(deps, "2027-07-20T09:00:00+08:00")
    items.record_acceptance(deps, OFFICE, campaign.id, ticket.id, MultiDict(
        {"level": "county", "meets_standard": "yes", "checked_on": "2027-07-20"}), deps.clock.now())
    items.write_off(deps, OFFICE, campaign.id, ticket.id, "验收达标，销号", deps.clock.now())
    done = deps.repos.complaints.get(ticket.id)
    assert done.write_off is not None
    assert [e.kind for e in deps.repos.complaints.history(ticket.id)][-3:] == [
        "acceptance_checked", "acceptance_checked", "written_off"]
    item = deps.repos.campaigns.item(campaign.id, ticket.id)
    assert [e.kind for e in item.history] == ["added", "acceptance_checked", "acceptance_checked", "written_off"]
    with pytest.raises(Conflict, match="已经销号"):
        items.write_off(deps, OFFICE, campaign.id, ticket.id, "", deps.clock.now())


def test_003_s2_3_the_overdue_flag_is_raised_once_at_the_end_of_the_handling_phase(deps):
    at(deps, "2027-06-01T09:00:00+08:00")
    still_open, handled, written, untrue = (sample.report(deps, t) for t in ("longxi", "xiayang", "miandu", "shidu"))
    campaign = sample.create_003(deps)
    items.add_tickets(deps, OFFICE, campaign.id, [t.id for t in (still_open, handled, written, untrue)],
                      deps.clock.now())
    at(deps, "2027-09-01T09:00:00+08:00")
    sample.conclude(deps, handled.id, "xiayang")
    sample.conclude(deps, written.id, "miandu")
    sample.conclude(deps, untrue.id, "shidu", finding="not_substantiated")
    items.record_acceptance(deps, OFFICE, campaign.id, written.id, MultiDict(
        {"level": "county", "meets_standard": "yes", "checked_on": "2027-09-01"}), deps.clock.now())
    items.write_off(deps, OFFICE, campaign.id, written.id, "", deps.clock.now())

    sweeper.sweep(deps, at(deps, "2027-10-31T23:59:00+08:00"))  # the last minute of 查处整改
    assert all(i.flagged_at is None for i in deps.repos.campaigns.items(campaign.id))
    end = at(deps, "2027-11-01T00:00:00+08:00")
    report = sweeper.sweep(deps, end)
    flagged = {i.ticket: i.flagged_at for i in deps.repos.campaigns.items(campaign.id)}
    assert flagged == {still_open.id: end, handled.id: end, written.id: None, untrue.id: None}
    events = [e for e in deps.repos.campaigns.history(campaign.id) if e.kind == "overdue_flagged"]
    assert len(events) == 1 and sorted(events[0].data["tickets"]) == sorted([still_open.id, handled.id])
    assert report.campaigns >= 2
    for later in ("2027-11-01T00:05:00+08:00", "2027-11-02T09:00:00+08:00", "2027-11-15T00:00:00+08:00",
                  "2027-11-16T00:00:00+08:00"):
        assert sweeper.sweep(deps, at(deps, later)).errors == 0
    assert len([e for e in deps.repos.campaigns.history(campaign.id) if e.kind == "overdue_flagged"]) == 1
    for item in deps.repos.campaigns.items(campaign.id):
        assert [e.kind for e in item.history].count("overdue_flagged") == (1 if item.ticket in (
            still_open.id, handled.id) else 0)
    assert deps.repos.campaigns.get(campaign.id).wake_at() is None  # nothing left for the sweeper


# --- reporting days (003 §3(3)) ----------------------------------------------------------------


def sweep_daily(deps, first: date, last: date) -> None:
    """The sweeper every five minutes is more than needed: at 23:55 and at 00:00 of each day."""
    day = first
    while day <= last:
        sweeper.sweep(deps, at(deps, f"{(day - timedelta(days=1)).isoformat()}T23:55:00+08:00"))
        sweeper.sweep(deps, at(deps, f"{day.isoformat()}T00:00:00+08:00"))
        sweeper.sweep(deps, at(deps, f"{day.isoformat()}T09:00:00+08:00"))
        day += timedelta(days=1)


def test_003_s3_3_the_notice_is_prepared_on_the_15th_and_the_30th(deps):
    at(deps, "2027-06-01T09:00:00+08:00")
    campaign = sample.create_003(deps)
    sweep_daily(deps, date(2027, 6, 14), date(2027, 7, 31))
    assert notice_days(deps, campaign.id) == [date(2027, 6, 15), date(2027, 6, 30), date(2027, 7, 15),
                                             date(2027, 7, 30)]
    notices = deps.repos.campaigns.notices(campaign.id)
    assert [n.number for n in notices] == [1, 2, 3, 4]
    assert all(local_date(n.prepared_at) == n.day for n in notices)  # prepared on the day itself
    assert [e.data["day"] for e in deps.repos.campaigns.history(campaign.id) if e.kind == "notice_prepared"] == [
        "2027-06-15", "2027-06-30", "2027-07-15", "2027-07-30"]


@pytest.mark.parametrize("year, last_day", [(2027, 28), (2028, 29)])
def test_003_s3_3_the_notice_is_prepared_on_the_last_day_of_a_month_without_a_30th(deps, year, last_day):
    at(deps, f"{year}-01-05T09:00:00+08:00")
    form = sample.form_003(year, phase_start_1=f"{year}-01-10", phase_end_1=f"{year}-01-20",
                           phase_start_2=f"{year}-01-21", phase_end_2=f"{year}-02-10",
                           phase_start_3=f"{year}-02-11", phase_end_3=f"{year}-03-31",
                           phase_start_4=f"{year}-04-01", phase_end_4=f"{year}-04-10")
    campaign = records.create(deps, OFFICE, form, deps.clock.now())
    sweep_daily(deps, date(year, 2, 1), date(year, 3, 2))
    assert notice_days(deps, campaign.id) == [date(year, 1, 15), date(year, 1, 30), date(year, 2, 15),
                                             date(year, 2, last_day)]


def test_002_s6_6_a_monthly_meeting_campaign_reports_once_a_month(deps):
    at(deps, "2027-05-19T09:00:00+08:00")
    campaign = sample.create_003(deps, reporting="monthly", reporting_day="31")
    sweep_daily(deps, date(2027, 6, 1), date(2027, 7, 31))
    assert notice_days(deps, campaign.id) == [date(2027, 6, 30), date(2027, 7, 31)]


def test_003_s3_3_a_reporting_day_missed_by_the_sweeper_is_prepared_at_the_next_sweep_once(deps):
    at(deps, "2027-06-01T09:00:00+08:00")
    campaign = sample.create_003(deps)
    sweeper.sweep(deps, at(deps, "2027-07-02T08:00:00+08:00"))  # the sweeper was down for a month
    assert notice_days(deps, campaign.id) == [date(2027, 6, 15), date(2027, 6, 30)]
    sweeper.sweep(deps, at(deps, "2027-07-02T08:05:00+08:00"))
    assert notice_days(deps, campaign.id) == [date(2027, 6, 15), date(2027, 6, 30)]


# --- the role matrix ---------------------------------------------------------------------------


def test_003_s2_2_a_unit_sees_and_edits_only_its_own_items(deps):
    at(deps, "2027-06-01T09:00:00+08:00")
    in_longxi = sample.report(deps, "longxi")
    in_xiayang = sample.report(deps, "xiayang")
    villager_house = sample.report(deps, "xiayang", category="l5-villager-house-without-approval")  # agriculture
    campaign = sample.create_003(deps)
    items.add_tickets(deps, OFFICE, campaign.id, [in_longxi.id, in_xiayang.id, villager_house.id], deps.clock.now())
    now = deps.clock.now()
    longxi, xiayang = township("longxi"), township("xiayang")
    agriculture = Actor("agri-1", Role.OFFICER, "agriculture", sample.COUNTY)

    def seen(actor):
        return {line.ticket_id for line in figures.page(deps, actor, campaign.id, now).lines}

    assert seen(OFFICE) == {in_longxi.id, in_xiayang.id, villager_house.id}
    assert seen(longxi) == {in_longxi.id}
    assert seen(xiayang) == {in_xiayang.id, villager_house.id}
    assert seen(NATURAL_RESOURCES) == {in_longxi.id, in_xiayang.id}
    assert seen(agriculture) == {villager_house.id}
    assert figures.page(deps, longxi, campaign.id, now).figures.total.found == 1  # its own figures
    assert figures.page(deps, longxi, campaign.id, now).history == []  # the campaign's history is the office's
    items.note_progress(deps, longxi, campaign.id, in_longxi.id, "已责令停工，正在拆除", now)
    with pytest.raises(DomainError, match="不属于您的单位"):
        items.note_progress(deps, longxi, campaign.id, in_xiayang.id, "越权填报", now)
    with pytest.raises(NotFound):
        records.row(deps, longxi, campaign, "unit", in_xiayang.id)
    for outsider in (Actor("fin", Role.FINANCE, "finance", sample.COUNTY),
                     Actor("disc", Role.DISCIPLINE, "discipline", sample.COUNTY),
                     Actor("transport", Role.OFFICER, "transport", sample.COUNTY),  # not a responsible unit
                     Actor("other", Role.SUPERVISOR, "leading_group_office", "430200")):  # another county
        with pytest.raises(NotFound):
            figures.page(deps, outsider, campaign.id, now)
    for unit in (longxi, NATURAL_RESOURCES):
        with pytest.raises(Forbidden):
            items.add_tickets(deps, unit, campaign.id, [in_longxi.id], now)
        with pytest.raises(Forbidden):
            items.candidates(deps, unit, campaign.id, now)
        with pytest.raises(Forbidden):
            records.create(deps, unit, sample.form_003(), now)
    # a ticket that becomes a report about an official leaves every campaign view (000 §2(3))
    workflow.transfer(deps, NATURAL_RESOURCES, in_longxi.id, "discipline", "涉及公职人员", now)
    assert seen(OFFICE) == {in_xiayang.id, villager_house.id} and seen(longxi) == set()


@pytest.mark.parametrize("fields, message", [
    ({"lat": "26.1", "lng": ""}, "同时填写"),
    ({"lat": "north", "lng": "east"}, "坐标格式不正确"),
    ({"lat": "26.49", "lng": "113.77"}, "不在所选乡镇"),  # 霞阳镇, not 垄溪乡
    ({"village": "999999999999"}, "不存在"),
    ({"category": "c4-no-work-permit"}, "本专项行动的问题类型"),  # not in scope
    ({"description": "占地"}, "至少"),
    ({"description": "很长" * 1001}, "太长"),
    ({"kind": "both"}, "新增或存量"),
    ({"kind": "stock", "registered_on": "2022-02-30"}, "日期格式不正确"),
    ({"kind": "stock"}, "登记的日期"),
])
def test_003_s2_3_a_bad_survey_entry_is_refused_clearly_and_stores_nothing(deps, fields, message):
    at(deps, "2027-06-15T09:00:00+08:00")
    campaign = sample.create_003(deps)
    data = {"category": "l1-occupy-land", "description": "村东有人占用耕地建仓库约0.5亩", **fields}
    with pytest.raises(DomainError) as refused:
        survey.enter(deps, township("longxi"), campaign.id, survey.SurveyInput(**data), deps.clock.now())
    assert message in str(refused.value)
    assert deps.repos.campaigns.items(campaign.id) == []
    assert deps.store.query("N#430225#l1-occupy-land", index="nearby").items == []  # no ticket either
