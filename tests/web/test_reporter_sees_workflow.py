"""What staff do reaches the reporter: the status page (POST /status with the receipt) shows
the acceptance, a decline with its reason, a request for information and the result
(004 C20, L17), and the reporter's anonymous reply appears on the staff's ticket page."""

from __future__ import annotations

from portal.services.notifications import commit_complaint
from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.web.staff_support import XIAYANG_OUTSIDE, fast_argon2, signed_in  # noqa: F401
from tests.web.test_staff_actions import MEASURES


def file_through_the_form(client) -> str:
    form = client.get("/report", base_url=PUBLIC_URL)
    page = client.post("/report", base_url=PUBLIC_URL, data={
        "token": form_token(form.get_data(as_text=True)), "category": "c1-no-planning-permit",
        "description": "村口农田里有人违法建房，已经砌到二层。", "lat": XIAYANG_OUTSIDE[0], "lng": XIAYANG_OUTSIDE[1]})
    return receipt_from(page.get_data(as_text=True))


def status_page(client, receipt: str) -> str:
    response = client.post("/status", base_url=PUBLIC_URL, data={"receipt": receipt})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def ticket_of(deps, receipt: str):
    return deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))


def test_004_C20_the_reporter_sees_the_acceptance(app, client, deps, clock):
    receipt = file_through_the_form(client)
    cid = ticket_of(deps, receipt).id
    assert "已收到，等待受理" in status_page(client, receipt)
    staff = signed_in(app, deps, clock, "officer")
    staff.act(cid, "accept", {"note": "内部备注：明天去现场"})
    page = status_page(client, receipt)
    assert "已受理，正在核查处理" in page and "您的举报已受理，正在核查处理。" in page
    assert "内部备注" not in page  # staff notes stay with staff


def test_004_C20_the_reporter_sees_a_decline_with_its_reason(app, client, deps, clock):
    receipt = file_through_the_form(client)
    cid = ticket_of(deps, receipt).id
    staff = signed_in(app, deps, clock, "officer")
    staff.act(cid, "decline", {"reason": "already_handled", "text": "该建筑已于去年依法拆除。"})
    page = status_page(client, receipt)
    assert "不予受理" in page
    assert "理由：该问题已经依法处理完毕。该建筑已于去年依法拆除。" in page


def test_the_reporter_answers_a_request_for_information_and_staff_read_it(app, client, deps, clock):
    receipt = file_through_the_form(client)
    cid = ticket_of(deps, receipt).id
    staff = signed_in(app, deps, clock, "officer")
    staff.act(cid, "ask-info", {"question": "请说明房屋在村口的哪一侧。"})
    page = status_page(client, receipt)
    assert "办理部门请您补充信息" in page and "请说明房屋在村口的哪一侧。" in page
    reply = client.post("/status/reply", base_url=PUBLIC_URL, data={"receipt": receipt, "text": "在公路东侧，红色屋顶。"})
    assert reply.status_code == 200 and "补充信息已提交给办理部门" in reply.get_data(as_text=True)
    ticket = staff.get(f"/staff/tickets/{cid}").get_data(as_text=True)
    line = ticket.split("event-reporter_replied")[1].split("</li>")[0]
    assert "在公路东侧，红色屋顶。" in line and "举报人" in line
    assert "等待举报人补充信息" not in ticket  # the reply answered the request


def test_004_C20_the_reporter_sees_the_result_and_reading_it_is_the_written_notice(app, client, deps, clock):
    receipt = file_through_the_form(client)
    cid = ticket_of(deps, receipt).id
    staff = signed_in(app, deps, clock, "officer")
    staff.act(cid, "accept")
    staff.act(cid, "conclude", MEASURES)
    page = status_page(client, receipt)
    assert "核查结论：属实。处理结果：经核查属实，已责令当事人拆除违法建筑。" in page
    assert MEASURES["penalty_decision"] not in page  # ledger columns are for staff
    complaint = ticket_of(deps, receipt)
    assert complaint.status.value == "closed"  # no phone on file: the status page told the result
    assert complaint.clocks["result_notice"].met_at is not None
    ticket = staff.get(f"/staff/tickets/{cid}").get_data(as_text=True)
    assert "举报人已在查询页面看到结果" in ticket


def test_a_reporter_with_a_verified_phone_gets_each_notice_by_sms(app, deps, clock):
    from tests.web.staff_support import file

    result = file(deps, phone="13800138000")
    complaint = deps.repos.complaints.get(result.complaint_id)
    complaint.verify_contact(clock.now())
    commit_complaint(deps, complaint, clock.now())
    staff = signed_in(app, deps, clock, "officer")
    staff.act(result.complaint_id, "ask-info", {"question": "请补充照片。"})
    staff.act(result.complaint_id, "accept")
    staff.act(result.complaint_id, "conclude", MEASURES)
    kinds = [m.kind for m in deps.repos.outbox.for_record(f"CMP#{result.complaint_id}")]
    assert {"info_requested", "accepted", "result"} <= set(kinds)


def test_the_offices_open_question_stands_above_the_step_bar_until_answered(app, client, deps, clock):
    """An older reporter reads the top of the page: the question is there, linked to the box
    for the answer, not only in the history at the bottom (issue #18)."""
    receipt = file_through_the_form(client)
    cid = ticket_of(deps, receipt).id
    staff = signed_in(app, deps, clock, "officer")
    staff.act(cid, "ask-info", {"question": "请说明房屋在村口的哪一侧？<b>"})
    page = status_page(client, receipt)
    top = page.split('id="stepbar"', 1)[0]
    assert 'id="question-alert"' in top and "请说明房屋在村口的哪一侧？&lt;b&gt;" in top
    assert 'href="#reply-text"' in top and 'id="reply-text"' in page
    client.post("/status/reply", base_url=PUBLIC_URL, data={"receipt": receipt, "text": "在公路东侧，红色屋顶。"})
    assert 'id="question-alert"' not in status_page(client, receipt)  # answered: the alert goes
