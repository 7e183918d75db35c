"""Every action, by every role that may take it, through the staff pages: each one is an
event in the ticket's history with its actor and note, shown on the ticket page, and an
entry in the audit trail written in the same transaction."""

from __future__ import annotations

import csv
import io

import pytest
from PIL import Image

from portal.domain.access import Actor
from portal.domain.complaint import Status
from portal.domain.deadlines import LADDER_KINDS, ClockKind
from portal.services import workflow
from tests.web.staff_support import ZHONGCUN, account, fast_argon2, file, history, signed_in  # noqa: F401

#: (role, category, place): the lead unit's case workers for a ticket of that category
HANDLERS = [
    pytest.param("officer", "c1-no-planning-permit", id="officer"),
    pytest.param("head", "c1-no-planning-permit", id="head"),
    pytest.param("township", "c8-outdoor-signs", id="township-leading"),  # 004 C10: outside the built-up area
    pytest.param("discipline", "o1-public-official", id="discipline"),  # 000 §2(3)
]


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(out, "JPEG")
    return out.getvalue()


def last_event(deps, complaint_id: str, kind: str):
    events = [e for e in history(deps, complaint_id) if e.kind == kind]
    assert events, f"no {kind} event"
    return events[-1]


def assert_recorded(deps, staff, complaint_id: str, kind: str, note: str | None, audit_action: str):
    event = last_event(deps, complaint_id, kind)
    assert event.actor == staff.account.username
    if note is not None:
        assert event.note == note
    page = staff.get(f"/staff/tickets/{complaint_id}")
    if page.status_code == 200:  # still in view: the history on the page shows it
        html = page.get_data(as_text=True)
        assert f"event-{kind}" in html and staff.account.username in html
        if note:
            assert note in html
    audit = deps.repos.audit.for_complaint(complaint_id)
    assert any(a["action"] == audit_action and a["actor"] == staff.account.username for a in audit)


def actor_of(deps, staff) -> Actor:
    return deps.repos.staff.get(staff.account.username).actor


def accepted(deps, staff, complaint_id: str) -> None:
    workflow.accept(deps, actor_of(deps, staff), complaint_id, "", deps.clock.now())


@pytest.mark.parametrize("role,category", HANDLERS)
def test_004_C20_accept(app, deps, clock, role, category):
    c = file(deps, category)
    staff = signed_in(app, deps, clock, role)
    response = staff.act(c.complaint_id, "accept", {"note": "属实，已安排核查"})
    assert response.status_code == 303
    assert deps.repos.complaints.get(c.complaint_id).status == Status.ACCEPTED
    assert_recorded(deps, staff, c.complaint_id, "accepted", "属实，已安排核查", "accept")


@pytest.mark.parametrize("role,category", HANDLERS)
def test_004_C20_decline_with_a_reason(app, deps, clock, role, category):
    c = file(deps, category)
    staff = signed_in(app, deps, clock, role)
    response = staff.act(c.complaint_id, "decline", {"reason": "already_handled", "text": "该建筑已于去年依法拆除。"})
    assert response.status_code == 303
    complaint = deps.repos.complaints.get(c.complaint_id)
    assert complaint.status == Status.DECLINED and complaint.decline_reason == "already_handled"
    event = last_event(deps, c.complaint_id, "declined")
    assert event.params["text"] == "该建筑已于去年依法拆除。"
    assert_recorded(deps, staff, c.complaint_id, "declined", None, "decline")


@pytest.mark.parametrize("role,category", HANDLERS[:3])
def test_004_C20_transfer_keeps_the_clocks(app, deps, clock, role, category):
    c = file(deps, category)
    before = {k: v.due_at for k, v in deps.repos.complaints.get(c.complaint_id).clocks.items()}
    staff = signed_in(app, deps, clock, role)
    response = staff.act(c.complaint_id, "transfer", {"to": "housing", "reason": "属于施工许可问题"})
    assert response.status_code == 303
    # out of the department's view now; a township still co-handles the on-site part
    expected = f"/staff/tickets/{c.complaint_id}" if role == "township" else "/staff/queue"
    assert response.headers["Location"].endswith(expected)
    complaint = deps.repos.complaints.get(c.complaint_id)
    assert complaint.lead == "housing"
    assert {k: v.due_at for k, v in complaint.clocks.items()} == before
    assert_recorded(deps, staff, c.complaint_id, "transferred", "属于施工许可问题", "transfer")


def test_discipline_has_nowhere_to_transfer_and_a_forged_transfer_is_refused(app, deps, clock):
    c = file(deps, "o1-public-official")
    staff = signed_in(app, deps, clock, "discipline")
    assert 'id="form-transfer"' not in staff.get(f"/staff/tickets/{c.complaint_id}").get_data(as_text=True)
    response = staff.act(c.complaint_id, "transfer", {"to": "housing", "reason": "试图移交"})
    assert response.status_code == 400
    assert "请选择要移交的部门" in response.get_data(as_text=True)
    assert deps.repos.complaints.get(c.complaint_id).lead == "discipline"


def test_000_s2_3_transfer_to_discipline_hides_the_ticket_and_leaves_its_shared_case(app, deps, clock):
    one = file(deps, "c1-no-planning-permit")
    two = file(deps, "c1-no-planning-permit")
    staff = signed_in(app, deps, clock, "officer")
    assert staff.act(one.complaint_id, "merge", {"other": two.complaint_id}).status_code == 303
    response = staff.act(two.complaint_id, "transfer", {"to": "discipline", "reason": "涉及村干部"})
    assert response.status_code == 303
    moved = deps.repos.complaints.get(two.complaint_id)
    stays = deps.repos.complaints.get(one.complaint_id)
    assert moved.discipline_only and moved.case_id != stays.case_id
    assert deps.repos.cases.get(stays.case_id).member_ids() == [one.complaint_id]
    assert staff.get(f"/staff/tickets/{two.complaint_id}").status_code == 404
    assert two.complaint_id not in staff.get(f"/staff/cases/{stays.case_id}").get_data(as_text=True)


@pytest.mark.parametrize("role,category", HANDLERS)
def test_ask_the_reporter_for_information(app, deps, clock, role, category):
    c = file(deps, category)
    staff = signed_in(app, deps, clock, role)
    response = staff.act(c.complaint_id, "ask-info", {"question": "请说明房屋的具体位置。"})
    assert response.status_code == 303
    assert deps.repos.complaints.get(c.complaint_id).info_pending
    event = last_event(deps, c.complaint_id, "info_requested")
    assert event.params == {"text": "请说明房屋的具体位置。"}
    assert_recorded(deps, staff, c.complaint_id, "info_requested", None, "ask_info")


ONSITE_ROLES = HANDLERS + [pytest.param("township", "c1-no-planning-permit", id="township-co-handling")]


@pytest.mark.parametrize("role,category", ONSITE_ROLES)
def test_004_C17_onsite_check_with_a_photo(app, deps, clock, role, category):
    c = file(deps, category)
    clock.advance(hours=1)
    staff = signed_in(app, deps, clock, role)
    arrived = "2026-11-23T10:40"  # Asia/Shanghai, 40 minutes after the report
    response = staff.act(c.complaint_id, "onsite", {"arrived_at": arrived, "findings": "现场正在浇筑二层楼板。",
                                                    "photos": (io.BytesIO(jpeg()), "site.jpg")},
                         content_type="multipart/form-data")
    assert response.status_code == 303 and "/tickets/" in response.headers["Location"]
    complaint = deps.repos.complaints.get(c.complaint_id)
    assert complaint.onsite.findings == "现场正在浇筑二层楼板。"
    if complaint.clock(ClockKind.ONSITE):
        assert complaint.clock(ClockKind.ONSITE).met_at is not None
        assert not complaint.clock(ClockKind.ONSITE).is_breached
    onsite = [e for e in complaint.evidence if e.source == "onsite"]
    assert len(onsite) == 1 and complaint.onsite.photos == [onsite[0].key]
    photo = staff.get(f"/staff/tickets/{c.complaint_id}/photos/{complaint.evidence.index(onsite[0])}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg" and photo.data[:2] == b"\xff\xd8"
    assert_recorded(deps, staff, c.complaint_id, "onsite_recorded", "现场正在浇筑二层楼板。", "onsite")


def test_onsite_with_a_broken_photo_or_a_future_arrival_stores_nothing(app, deps, clock):
    c = file(deps)
    staff = signed_in(app, deps, clock, "township")
    response = staff.act(c.complaint_id, "onsite", {"arrived_at": "2026-11-23T10:00", "findings": "到场",
                                                    "photos": (io.BytesIO(b"not an image"), "x.jpg")},
                         content_type="multipart/form-data")
    assert response.status_code == 400
    assert "文件不是有效的图片" in response.get_data(as_text=True)
    complaint = deps.repos.complaints.get(c.complaint_id)
    assert complaint.onsite is None and complaint.evidence == []
    late = staff.act(c.complaint_id, "onsite", {"arrived_at": "2026-11-23T11:30", "findings": "到场",
                                                "photos": (io.BytesIO(jpeg()), "site.jpg")},
                     content_type="multipart/form-data")
    assert late.status_code == 400 and "到场时间不能晚于现在" in late.get_data(as_text=True)
    assert deps.repos.complaints.get(c.complaint_id).onsite is None
    assert [p for p in deps.settings.blob_path.rglob("*") if p.is_file()] == []  # no photo was kept


@pytest.mark.parametrize("arrived_at", ["0001-01-01T00:00", "0001-01-01T10:00", "9999-12-31T23:59", "1949-12-31T08:00"])
def test_an_arrival_time_in_an_absurd_year_is_a_field_error_not_a_server_error(app, deps, clock, arrived_at):
    """Review staff #11: year 1 overflowed the conversion to UTC (500)."""
    c = file(deps)
    staff = signed_in(app, deps, clock, "township")
    response = staff.act(c.complaint_id, "onsite", {"arrived_at": arrived_at, "findings": "到场"})
    assert response.status_code == 400 and "年份应在 1950 到 2100 年之间" in response.get_data(as_text=True)
    assert deps.repos.complaints.get(c.complaint_id).onsite is None
    with pytest.raises(workflow.DomainError) as refused:
        workflow.local_instant(arrived_at, "arrived_at")
    assert refused.value.field == "arrived_at"


def test_a_filing_date_in_an_absurd_year_is_refused(app, deps, clock):
    c = file(deps)
    staff = signed_in(app, deps, clock, "officer")
    accepted(deps, staff, c.complaint_id)
    response = staff.act(c.complaint_id, "conclude", dict(MEASURES, filing_date="0001-01-01"))
    assert response.status_code == 400 and "年份应在 1950 到 2100 年之间" in response.get_data(as_text=True)
    assert deps.repos.complaints.get(c.complaint_id).status == Status.ACCEPTED


@pytest.mark.parametrize("role,category", ONSITE_ROLES)
def test_004_C17_stop_order_then_rectified(app, deps, clock, role, category):
    c = file(deps, category)
    staff = signed_in(app, deps, clock, role)
    assert staff.act(c.complaint_id, "stop-order", {"note": "当场下达责令停止违法行为通知书"}).status_code == 303
    assert deps.repos.complaints.get(c.complaint_id).clock(ClockKind.RECTIFICATION).is_open
    assert_recorded(deps, staff, c.complaint_id, "stop_order_issued", "当场下达责令停止违法行为通知书", "stop_order")
    clock.advance(days=2)
    staff.login()  # two days later: a new session
    assert staff.act(c.complaint_id, "rectified", {"note": "已自行拆除二层"}).status_code == 303
    complaint = deps.repos.complaints.get(c.complaint_id)
    assert complaint.clock(ClockKind.RECTIFICATION).met_at is not None
    assert_recorded(deps, staff, c.complaint_id, "rectified", "已自行拆除二层", "rectified")


MEASURES = {
    "finding": "substantiated", "result_text": "经核查属实，已责令当事人拆除违法建筑。",
    "summary": "张某于2026年11月在示例村占用耕地建房，面积0.3亩", "area_mu": "0.3", "method": "责令拆除",
    "filing_authority": "县自然资源局", "filing_date": "2026-11-24", "penalty_decision": "炎自然资罚〔2026〕1号",
    "penalty_executed": "yes", "fine_wan_yuan": "1.5", "criminal_referrals": "0", "persons_accountable": "1",
    "court_enforcement": "", "notes": "已复耕",
}


@pytest.mark.parametrize("role,category", HANDLERS)
def test_004_C20_conclude_with_ledger_measures(app, deps, clock, role, category):
    c = file(deps, category)
    staff = signed_in(app, deps, clock, role)
    accepted(deps, staff, c.complaint_id)
    response = staff.act(c.complaint_id, "conclude", MEASURES)
    assert response.status_code == 303, response.get_data(as_text=True)
    complaint = deps.repos.complaints.get(c.complaint_id)
    assert complaint.status == Status.CONCLUDED and complaint.clock(ClockKind.RESULT_NOTICE).is_open
    m = complaint.measures
    assert (m.area_mu, m.fine_wan_yuan, m.criminal_referrals, m.persons_accountable, m.penalty_executed,
            m.court_enforcement, m.filing_date.isoformat()) == (0.3, 1.5, 0, 1, True, None, "2026-11-24")
    assert_recorded(deps, staff, c.complaint_id, "concluded", None, "conclude")
    ledger = staff.get("/staff/ledger.csv")
    rows = list(csv.reader(io.StringIO(ledger.data.decode("utf-8-sig"))))
    header, row = rows[0], next(r for r in rows[1:] if r[2] == c.complaint_id)
    values = dict(zip(header, row))
    assert values["罚款（万元）"] == "1.5" and values["处罚决定"] == "炎自然资罚〔2026〕1号"
    # 003: what was left unknown is blank; not checked yet is blank; concluded and not written off is 否
    assert values["申请法院强制执行"] == "" and values["移送追究刑事责任人数"] == "0"
    assert values["县级验收"] == "" and values["是否验收"] == "" and values["是否销号"] == "否"


def test_conclude_with_a_bad_number_stores_nothing_and_keeps_the_input(app, deps, clock):
    c = file(deps)
    staff = signed_in(app, deps, clock, "officer")
    accepted(deps, staff, c.complaint_id)
    response = staff.act(c.complaint_id, "conclude", dict(MEASURES, fine_wan_yuan="一万"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请填写数字" in html and MEASURES["summary"] in html
    assert deps.repos.complaints.get(c.complaint_id).status == Status.ACCEPTED


@pytest.mark.parametrize("role,category", HANDLERS)
def test_004_C20_written_notice_closes_a_concluded_ticket(app, deps, clock, role, category):
    c = file(deps, category)
    staff = signed_in(app, deps, clock, role)
    accepted(deps, staff, c.complaint_id)
    workflow.conclude(deps, actor_of(deps, staff), c.complaint_id, "not_substantiated", "经核查不属实。", {},
                      clock.now())
    response = staff.act(c.complaint_id, "written-notice", {"note": "11月25日邮寄书面告知书"})
    assert response.status_code == 303
    complaint = deps.repos.complaints.get(c.complaint_id)
    assert complaint.status == Status.CLOSED and complaint.clock(ClockKind.RESULT_NOTICE).met_at is not None
    assert_recorded(deps, staff, c.complaint_id, "written_notice_recorded", "11月25日邮寄书面告知书", "written_notice")


@pytest.mark.parametrize("final", ["declined", "concluded"])
def test_supervisor_reopens(app, deps, clock, final):
    c = file(deps)
    officer = account(deps, "officer1", "officer", "natural_resources")
    actor = deps.repos.staff.get(officer.username).actor
    if final == "declined":
        workflow.decline(deps, actor, c.complaint_id, "out_of_scope", "不属于受理范围", clock.now())
    else:
        workflow.accept(deps, actor, c.complaint_id, "", clock.now())
        workflow.conclude(deps, actor, c.complaint_id, "substantiated", "已拆除", {}, clock.now())
    supervisor = signed_in(app, deps, clock, "supervisor")
    assert supervisor.act(c.complaint_id, "reopen", {"reason": "核查不充分，重新办理"}).status_code == 303
    complaint = deps.repos.complaints.get(c.complaint_id)
    assert complaint.status == (Status.RECEIVED if final == "declined" else Status.ACCEPTED)
    assert_recorded(deps, supervisor, c.complaint_id, "reopened", "核查不充分，重新办理", "reopen")


def test_discipline_reopens_its_own_ticket(app, deps, clock):
    c = file(deps, "o1-public-official")
    staff = signed_in(app, deps, clock, "discipline")
    workflow.decline(deps, actor_of(deps, staff), c.complaint_id, "insufficient_information", "缺少主要事实",
                     clock.now())
    assert staff.act(c.complaint_id, "reopen", {"reason": "举报人补充了事实"}).status_code == 303
    assert_recorded(deps, staff, c.complaint_id, "reopened", "举报人补充了事实", "reopen")


@pytest.mark.parametrize("head_role,unit,category", [
    ("head", "natural_resources", "c1-no-planning-permit"),
    ("discipline", "discipline", "o1-public-official"),
])
def test_head_assigns_a_case_worker_of_the_unit(app, deps, clock, head_role, unit, category):
    c = file(deps, category)
    worker = account(deps, "worker1", "officer" if head_role == "head" else "discipline", unit)
    account(deps, "elsewhere", "officer", "housing")
    head = signed_in(app, deps, clock, head_role)
    page = head.get(f"/staff/tickets/{c.complaint_id}").get_data(as_text=True)
    assert 'value="worker1"' in page and 'value="elsewhere"' not in page
    assert head.act(c.complaint_id, "assign", {"assignee": "elsewhere"}).status_code == 400
    assert head.act(c.complaint_id, "assign", {"assignee": worker.username}).status_code == 303
    assert deps.repos.complaints.get(c.complaint_id).assigned_to == "worker1"
    event = last_event(deps, c.complaint_id, "assigned")
    assert event.data == {"to": "worker1"}
    assert_recorded(deps, head, c.complaint_id, "assigned", None, "assign")


@pytest.mark.parametrize("role", ["officer", "supervisor"])
def test_merge_suggest_split_and_mark_004_C22(app, deps, clock, role):
    one = file(deps, "c1-no-planning-permit")
    clock.advance(hours=2)
    two = file(deps, "c1-no-planning-permit", place=("26.4605", "113.8505"))  # some 70 m away
    far = file(deps, "c1-no-planning-permit", place=ZHONGCUN)
    staff = signed_in(app, deps, clock, role)
    page = staff.get(f"/staff/tickets/{two.complaint_id}").get_data(as_text=True)
    suggestions = page.split('id="suggestions"')[1].split("</ul>")[0]
    assert one.complaint_id in suggestions and far.complaint_id not in suggestions

    assert staff.act(two.complaint_id, "merge", {"other": one.complaint_id, "note": "同一处违建"}).status_code == 303
    a, b = deps.repos.complaints.get(one.complaint_id), deps.repos.complaints.get(two.complaint_id)
    assert a.case_id == b.case_id
    case = deps.repos.cases.get(a.case_id)
    assert case.member_ids() == [one.complaint_id, two.complaint_id]
    assert case.first_reporter().complaint_id == one.complaint_id  # 004 C20: the earlier report
    for cid in (one.complaint_id, two.complaint_id):
        assert last_event(deps, cid, "case_changed").note == "同一处违建"
    assert_recorded(deps, staff, two.complaint_id, "case_changed", "同一处违建", "case_merge")
    case_page = staff.get(f"/staff/cases/{a.case_id}").get_data(as_text=True)
    assert one.complaint_id in case_page and two.complaint_id in case_page and "第一举报" in case_page

    assert staff.act(two.complaint_id, "mark", {"kind": "stock", "registered_on": "2022-10-01",
                                            "note": "2022年百日攻坚已登记"}).status_code == 303
    for cid in (one.complaint_id, two.complaint_id):
        complaint = deps.repos.complaints.get(cid)
        assert complaint.case_kind == "stock"
        assert all(not complaint.clocks[k.value].is_open for k in LADDER_KINDS)  # 004 C34 applies to new only
    assert deps.repos.cases.get(a.case_id).kind == "stock"

    assert staff.act(two.complaint_id, "split", {"note": "不是同一处"}).status_code == 303
    b = deps.repos.complaints.get(two.complaint_id)
    assert b.case_id != a.case_id and deps.repos.cases.get(b.case_id).kind == "stock"
    assert deps.repos.cases.get(a.case_id).member_ids() == [one.complaint_id]
    assert_recorded(deps, staff, two.complaint_id, "case_changed", "不是同一处", "case_split")


def test_merging_twice_or_with_itself_is_refused(app, deps, clock):
    one, two = file(deps), file(deps)
    staff = signed_in(app, deps, clock, "officer")
    assert staff.act(one.complaint_id, "merge", {"other": one.complaint_id}).status_code == 409
    assert staff.act(one.complaint_id, "merge", {"other": two.complaint_id}).status_code == 303
    again = staff.act(two.complaint_id, "merge", {"other": one.complaint_id})
    assert again.status_code == 409 and "已经在同一个案件中" in again.get_data(as_text=True)


def test_a_refused_action_answers_with_a_clear_conflict_and_changes_nothing(app, deps, clock):
    c = file(deps)
    staff = signed_in(app, deps, clock, "officer")
    assert staff.act(c.complaint_id, "accept").status_code == 303
    again = staff.act(c.complaint_id, "accept")
    assert again.status_code == 409 and "这件举报已经受理过了" in again.get_data(as_text=True)
    assert [e.kind for e in history(deps, c.complaint_id)].count("accepted") == 1


def test_the_reporter_reply_appears_on_the_ticket_page(app, deps, clock):
    from portal.services import reporter

    c = file(deps)
    staff = signed_in(app, deps, clock, "officer")
    staff.act(c.complaint_id, "ask-info", {"question": "请说明房屋的具体位置。"})
    complaint = deps.repos.complaints.get(c.complaint_id)
    reporter.reply(deps, complaint, "在村委会东边第二户。", "reporter-client", clock.now())
    html = staff.get(f"/staff/tickets/{c.complaint_id}").get_data(as_text=True)
    reply = html.split("event-reporter_replied")[1].split("</li>")[0]
    assert "在村委会东边第二户。" in reply and "举报人" in reply


def test_queue_lists_nearest_deadline_first_with_counts_and_filters(app, deps, clock):
    first = file(deps)  # on-site clock due in 2 hours
    clock.advance(minutes=30)
    second = file(deps, place=ZHONGCUN)
    clock.advance(minutes=30)
    third = file(deps, "c2-no-rural-planning-permit")
    staff = signed_in(app, deps, clock, "officer")
    workflow.accept(deps, actor_of(deps, staff), second.complaint_id, "", clock.now())
    html = staff.get("/staff/queue").get_data(as_text=True)
    order = [html.index(x.complaint_id) for x in (first, second, third)]
    assert order == sorted(order)
    counts = html.split('id="counts"')[1].split("</ul>")[0]
    assert "等待受理 <strong>2</strong>" in counts and "正在核查处理 <strong>1</strong>" in counts
    only_accepted = staff.get("/staff/queue?status=accepted").get_data(as_text=True)
    assert second.complaint_id in only_accepted and first.complaint_id not in only_accepted
    by_category = staff.get("/staff/queue?category=c2-no-rural-planning-permit").get_data(as_text=True)
    assert third.complaint_id in by_category and first.complaint_id not in by_category
    by_township = staff.get("/staff/queue?township=zhongcun").get_data(as_text=True)
    assert second.complaint_id in by_township and third.complaint_id not in by_township
    clock.advance(hours=3)  # the on-site clocks (2 hours) have run out
    staff.login()
    overdue = staff.get("/staff/queue?overdue=1").get_data(as_text=True)
    assert first.complaint_id in overdue and "已超期" in overdue


def test_alerts_list_only_tickets_in_view(app, deps, clock):
    mine, moved = file(deps), file(deps)
    now = clock.now()
    deps.store.write([deps.repos.alerts.op("430225", "natural_resources", "reminder", "acceptance", cid, now, now)
                      for cid in (mine.complaint_id, moved.complaint_id)])
    staff = signed_in(app, deps, clock, "officer")
    workflow.transfer(deps, actor_of(deps, staff), moved.complaint_id, "housing", "移交", clock.now())
    html = staff.get("/staff/alerts").get_data(as_text=True)
    assert mine.complaint_id in html and moved.complaint_id not in html
    assert "受理期限提醒" in staff.get("/staff/queue").get_data(as_text=True)


def test_supervisor_reads_the_audit_trail(app, deps, clock):
    c = file(deps)
    officer = signed_in(app, deps, clock, "officer")
    officer.get(f"/staff/tickets/{c.complaint_id}")
    officer.act(c.complaint_id, "accept", {"note": "受理"})
    supervisor = signed_in(app, deps, clock, "supervisor")
    html = supervisor.get(f"/staff/tickets/{c.complaint_id}/audit").get_data(as_text=True)
    assert "查看举报" in html and "受理" in html and "officer" in html
    recent = supervisor.get("/staff/audit").get_data(as_text=True)
    assert c.complaint_id[-8:] in recent
    assert officer.get(f"/staff/tickets/{c.complaint_id}/audit").status_code == 403
    assert officer.get("/staff/audit").status_code == 403



def ledger_row(staff, complaint_id: str) -> dict:
    rows = list(csv.reader(io.StringIO(staff.get("/staff/ledger.csv").data.decode("utf-8-sig"))))
    return dict(zip(rows[0], next(r for r in rows[1:] if r[2] == complaint_id)))


def test_004_C22_L19_marking_stock_needs_a_registration_date_before_the_cut_off(app, deps, clock):
    c = file(deps)
    staff = signed_in(app, deps, clock, "officer")
    form = staff.get(f"/staff/tickets/{c.complaint_id}").get_data(as_text=True).split('id="form-mark"')[1]
    assert 'type="date" id="registered_on" name="registered_on"' in form.split("</form>")[0]
    before = len(history(deps, c.complaint_id))
    missing = staff.act(c.complaint_id, "mark", {"kind": "stock", "note": "存量"})
    assert missing.status_code == 400 and "登记的日期" in missing.get_data(as_text=True)
    late = staff.act(c.complaint_id, "mark", {"kind": "stock", "registered_on": "2023-07-24", "note": "存量"})
    assert late.status_code == 400
    assert "登记日期 2023-07-24 不早于规定施行之日 2023-07-24" in late.get_data(as_text=True)
    complaint = deps.repos.complaints.get(c.complaint_id)
    assert complaint.case_kind == "new" and deps.repos.cases.get(complaint.case_id).kind == "new"
    assert any(complaint.clocks[k.value].is_open for k in LADDER_KINDS)  # still counted (004 C34)
    assert len(history(deps, c.complaint_id)) == before
    assert not [a for a in deps.repos.audit.for_complaint(c.complaint_id) if a["action"] == "case_mark"]

    assert staff.act(c.complaint_id, "mark", {"kind": "stock", "registered_on": "2023-07-23",
                                              "note": "县自然资源局台账第12号"}).status_code == 303
    complaint = deps.repos.complaints.get(c.complaint_id)
    case = deps.repos.cases.get(complaint.case_id)
    assert (case.kind, case.stock_registered_on.isoformat()) == ("stock", "2023-07-23")
    assert complaint.stock_registered_on.isoformat() == "2023-07-23"
    assert last_event(deps, c.complaint_id, "case_changed").data["registered_on"] == "2023-07-23"
    assert_recorded(deps, staff, c.complaint_id, "case_changed", "县自然资源局台账第12号", "case_mark")
    audit = [a for a in deps.repos.audit.for_complaint(c.complaint_id) if a["action"] == "case_mark"]
    assert audit[-1]["detail"]["registered_on"] == "2023-07-23"
    page = staff.get(f"/staff/tickets/{c.complaint_id}").get_data(as_text=True)
    assert 'id="stock-registered-on">2023-07-23<' in page
    assert "2023-07-23" in staff.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert ledger_row(staff, c.complaint_id)["存量登记日期"] == "2023-07-23"


TRANSFER = dict(MEASURES, transfer_land_type="basic_farmland", transfer_area_mu="5", illegal_gains_wan_yuan="12")


def test_000_s4_3_1_a_conclusion_at_a_criminal_threshold_needs_a_police_referral(app, deps, clock):
    c = file(deps, "l2-illegal-land-transfer")
    staff = signed_in(app, deps, clock, "officer")
    accepted(deps, staff, c.complaint_id)
    form = staff.get(f"/staff/tickets/{c.complaint_id}").get_data(as_text=True).split('id="form-conclude"')[1]
    for name in ("transfer_land_type", "transfer_area_mu", "illegal_gains_wan_yuan", "repeat_after_penalty",
                 "referred_to_police", "criminal_referrals"):
        assert f'name="{name}"' in form.split("</form>")[0], name
    refused = staff.act(c.complaint_id, "conclude", TRANSFER)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "违法事实已达到移送公安机关的标准（非法转让、倒卖永久基本农田5亩以上）" in html
    assert deps.repos.complaints.get(c.complaint_id).status == Status.ACCEPTED

    assert staff.act(c.complaint_id, "conclude", dict(TRANSFER, referred_to_police="1")).status_code == 303
    m = deps.repos.complaints.get(c.complaint_id).measures
    assert (m.transfer_land_type, m.transfer_area_mu, m.illegal_gains_wan_yuan, m.referred_to_police) == (
        "basic_farmland", 5.0, 12.0, True)
    page = staff.get(f"/staff/tickets/{c.complaint_id}").get_data(as_text=True)
    assert 'id="transfer-area">5<' in page and 'id="illegal-gains">12<' in page
    assert 'id="police-referral">是<' in page and "永久基本农田" in page
    row = ledger_row(staff, c.complaint_id)
    assert (row["非法转让、倒卖土地地类"], row["非法转让、倒卖土地面积（亩）"], row["违法所得（万元）"],
            row["受过行政处罚后再次非法转让、倒卖"], row["是否移送公安机关"]) == ("永久基本农田", "5", "12", "否", "是")


def test_000_s4_3_1_a_bad_transfer_area_is_refused_by_name_and_the_input_kept(app, deps, clock):
    c = file(deps)
    staff = signed_in(app, deps, clock, "officer")
    accepted(deps, staff, c.complaint_id)
    response = staff.act(c.complaint_id, "conclude", dict(TRANSFER, transfer_area_mu="-3"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "非法转让、倒卖土地面积应填写 0 到 1000000 之间的亩数" in html and MEASURES["summary"] in html
    assert deps.repos.complaints.get(c.complaint_id).status == Status.ACCEPTED
