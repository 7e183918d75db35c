"""The typed repositories (portal/store/repositories/) on every store adapter: written once
over the store port, they must behave the same on SQLite and DynamoDB Local."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from portal.config import DEMO_COUNTY_FILE
from portal.counties import load_county
from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint import Complaint, Status
from portal.domain.messages import MessageStatus, OutboxMessage
from portal.domain.routing import route
from portal.ids import new_id
from portal.ports import ConditionFailed
from portal.store import keys as K
from portal.store.repositories import Repositories
from portal.timeutil import to_store

SHARDS = 4
CATEGORY = "c1-no-planning-permit"


@pytest.fixture(scope="module")
def county():
    return load_county(DEMO_COUNTY_FILE)


@pytest.fixture
def repos(store):
    return Repositories(store, shards=SHARDS)


def file_complaint(repos, county, now: datetime, *, receipt_hash: str | None = None,
                   township: str = "xiayang") -> Complaint:
    """Store a new complaint as the intake service does: the complaint, its first events and
    its receipt pointer in one transaction."""
    routing = route(county, CATEGORY, None, township)
    complaint_id = new_id(now)
    complaint = Complaint.file(
        id=complaint_id, seq=repos.counters.next_sequence("complaint"), county=county.code, category=CATEGORY,
        description="村道旁新建三层楼房，没有公示规划许可。", address="霞阳镇", point=None, routing=routing,
        received_at=now, receipt_hash=receipt_hash or f"receipt-{complaint_id}", case_id=new_id(now), evidence=[],
        contact=None, calendar=WorkingCalendar(), lead_name=county.unit_name(routing.lead),
    )
    ops = repos.complaints.save_ops(complaint) + repos.complaints.pointer_ops(complaint, None, None)
    repos.store.write(ops)
    repos.complaints.committed(complaint)
    return complaint


def queue_partition(county, bucket: str) -> str:
    return f"Q#{county.code}#natural_resources#{bucket}"


# --- complaints ------------------------------------------------------------------------


def test_complaint_saved_and_loaded_unchanged(repos, county, contract_clock):
    filed = file_complaint(repos, county, contract_clock.now())
    loaded = repos.complaints.get(filed.id)
    assert loaded == filed
    assert loaded.version == 1
    assert repos.complaints.get("01NOSUCHCOMPLAINT000000000") is None


def test_history_grows_with_each_committed_change(repos, county, contract_clock):
    filed = file_complaint(repos, county, contract_clock.now())
    assert [e.kind for e in repos.complaints.history(filed.id)] == ["filed", "routed"]
    complaint = repos.complaints.get(filed.id)
    complaint.accept(contract_clock.advance(hours=1), "officer", "natural_resources", note="现场核查")
    repos.store.write(repos.complaints.save_ops(complaint))
    repos.complaints.committed(complaint)
    history = repos.complaints.history(filed.id)
    assert [(e.n, e.kind) for e in history] == [(1, "filed"), (2, "routed"), (3, "accepted")]
    assert history[2].note == "现场核查"
    assert repos.complaints.get(filed.id).status == Status.ACCEPTED


def test_a_stale_complaint_is_not_saved_nor_its_events(repos, county, contract_clock):
    filed = file_complaint(repos, county, contract_clock.now())
    first, second = repos.complaints.get(filed.id), repos.complaints.get(filed.id)
    now = contract_clock.advance(hours=1)
    first.accept(now, "officer-a", "natural_resources")
    repos.store.write(repos.complaints.save_ops(first))
    second.decline(now, "officer-b", "natural_resources", "out_of_scope", "不属于受理范围。")
    with pytest.raises(ConditionFailed):
        repos.store.write(repos.complaints.save_ops(second))
    assert [e.actor for e in repos.complaints.history(filed.id)] == ["reporter", "system", "officer-a"]
    assert repos.complaints.get(filed.id).status == Status.ACCEPTED


def test_department_queue_orders_by_nearest_deadline_and_moves_closed_tickets(repos, county, contract_clock):
    start = contract_clock.now()
    filed = [file_complaint(repos, county, start + timedelta(hours=h)) for h in (5, 0, 30, 2)]
    by_deadline = sorted(filed, key=lambda c: (c.next_due(), c.id))
    assert [c.id for c in by_deadline] != [c.id for c in filed]  # the order is the store's doing
    active = queue_partition(county, "active")
    listed, cursor = repos.complaints.list("queue", active, limit=3)
    assert cursor is not None
    more, cursor = repos.complaints.list("queue", active, limit=3, cursor=cursor)
    assert cursor is None
    assert [c.id for c in listed + more] == [c.id for c in by_deadline]
    newest_deadline_first, _ = repos.complaints.list("queue", active, descending=True)
    assert [c.id for c in newest_deadline_first] == [c.id for c in reversed(by_deadline)]

    declined = repos.complaints.get(by_deadline[0].id)
    declined.decline(contract_clock.advance(hours=1), "officer", "natural_resources", "out_of_scope",
                     "不属于受理范围。")
    repos.store.write(repos.complaints.save_ops(declined))
    assert [c.id for c in repos.complaints.iterate("queue", active)] == [c.id for c in by_deadline[1:]]
    assert [c.id for c in repos.complaints.iterate("queue", queue_partition(county, "done"))] == [declined.id]
    assert [c.id for c in repos.complaints.iterate("area", f"A#{county.code}#xiayang#active")] == [
        c.id for c in by_deadline[1:]]


def test_a_receipt_points_to_one_complaint_only(repos, county, contract_clock):
    first = file_complaint(repos, county, contract_clock.now(), receipt_hash="same-receipt")
    with pytest.raises(ConditionFailed):
        file_complaint(repos, county, contract_clock.advance(minutes=1), receipt_hash="same-receipt")
    assert repos.complaints.id_for_receipt("same-receipt") == first.id
    assert repos.complaints.get_by_receipt("same-receipt").id == first.id
    assert repos.complaints.get_by_receipt("other-receipt") is None
    # the refused complaint's transaction wrote nothing: only the first is queued
    assert [c.id for c in repos.complaints.iterate("queue", queue_partition(county, "active"))] == [first.id]


# --- due index -------------------------------------------------------------------------


def outbox_message(n: int, wake: datetime, county) -> OutboxMessage:
    return OutboxMessage(pk=f"CMP#due{n:02d}", sk="SMS#accepted#000003", county=county.code, kind="accepted",
                         body="您的举报已受理。", to_envelope=None, to_context={}, complaint_id=f"due{n:02d}",
                         created_at=wake - timedelta(minutes=1), next_attempt_at=wake)


def test_due_returns_only_due_items_across_every_shard(repos, county, contract_clock):
    now = contract_clock.now()
    messages = [outbox_message(n, now + timedelta(minutes=n - 10), county) for n in range(20)]  # 11 due, 9 not yet
    repos.store.write([repos.outbox.save_op(m) for m in messages])
    complaint = file_complaint(repos, county, now - timedelta(days=30))  # its clocks woke long ago
    shards = {K.shard_of(m.pk + m.sk, SHARDS) for m in messages}
    assert len(shards) == SHARDS  # the case below really reads every shard

    due = repos.due.due(now, limit_per_shard=2)  # small pages: paging inside each shard too
    wanted = sorted([(m.pk, m.sk, m.wake_at()) for m in messages if m.wake_at() <= now]
                    + [(K.complaint_pk(complaint.id), K.META, complaint.wake_at())], key=lambda r: r[2])
    assert [(r.pk, r.sk, r.wake) for r in due] == [(pk, sk, to_store(w)) for pk, sk, w in wanted]

    sent = repos.outbox.get(messages[0].pk, messages[0].sk)
    sent.claim(now)
    sent.sent(now, "SM0001", delivered=True)  # a delivered message leaves the due index
    repos.store.write([repos.outbox.save_op(sent)])
    assert (sent.pk, sent.sk) not in {(r.pk, r.sk) for r in repos.due.due(now)}
    assert len(repos.due.due(now)) == len(due) - 1


# --- outbox ----------------------------------------------------------------------------


def test_outbox_message_found_by_provider_id(repos, county, contract_clock):
    now = contract_clock.now()
    message = outbox_message(1, now, county)
    repos.store.write([repos.outbox.save_op(message)])
    repos.outbox.committed(message)
    message.claim(now)
    repos.store.write([repos.outbox.save_op(message)])
    repos.outbox.committed(message)
    message.sent(now, "SM4f2a", delivered=False)
    repos.store.write([repos.outbox.save_op(message), repos.outbox.provider_pointer_op(message)])
    found = repos.outbox.by_provider_id("SM4f2a")
    assert (found.pk, found.sk, found.status, found.version) == (message.pk, message.sk, MessageStatus.SENT, 3)
    assert repos.outbox.by_provider_id("SMunknown") is None
    assert [m.kind for m in repos.outbox.recent(county.code)] == ["accepted"]


# --- counters and salts ----------------------------------------------------------------


def test_counters_count_per_window_and_key_and_expire(repos, contract_clock):
    now = contract_clock.now()
    window_end = now + timedelta(minutes=10)
    assert [repos.counters.hit("file", "w1", "client-a", window_end) for _ in range(3)] == [1, 2, 3]
    assert repos.counters.hit("file", "w1", "client-b", window_end) == 1
    assert repos.counters.hit("file", "w2", "client-a", window_end) == 1
    assert repos.counters.peek("file", "w1", "client-a") == 3
    assert repos.counters.peek("file", "w1", "client-c") == 0
    contract_clock.advance(minutes=11)
    assert repos.counters.peek("file", "w1", "client-a") == 0
    assert repos.counters.hit("file", "w1", "client-a", contract_clock.now() + timedelta(minutes=10)) == 1
    assert [repos.counters.next_sequence("complaint") for _ in range(3)] == [1, 2, 3]


def test_one_salt_per_day_shared_by_racing_processes_and_then_replaced(repos, contract_clock):
    expires = contract_clock.now() + timedelta(days=2)
    salts, barrier = [], threading.Barrier(4)

    def first_request_of_the_day():
        barrier.wait()
        salts.append(repos.salts.for_day("2026-11-23", expires))

    threads = [threading.Thread(target=first_request_of_the_day) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(salts) == 4 and len(set(salts)) == 1
    assert repos.salts.for_day("2026-11-24", expires) != salts[0]
    contract_clock.advance(days=2, seconds=1)
    assert repos.salts.for_day("2026-11-23", contract_clock.now() + timedelta(days=2)) != salts[0]


# --- rewards (004 C20, L17) ------------------------------------------------------------


def reward_for(case_id: str, complaint_id: str, now: datetime):
    from portal.domain.rewards import Reward

    return Reward(case_id=case_id, county="430225", category=CATEGORY, complaint_id=complaint_id,
                  discipline_only=False, created_at=now, eligible_at=now)


def test_a_reward_is_saved_on_the_version_read_listed_per_county_and_due_while_approved(repos, contract_clock):
    from portal.domain.county import RewardBand
    from portal.domain.rewards import RewardState

    now = contract_clock.now()
    reward = reward_for(new_id(now), new_id(now), now)
    repos.store.write([repos.rewards.save_op(reward)])
    repos.rewards.committed(reward)
    stale = repos.rewards.get(reward.case_id)
    reward.propose(now, "sup-1", 500, "属实", RewardBand(200, 2000))
    reward.approve(now, "sup-2", "", claim_window_days=180)
    repos.store.write([repos.rewards.save_op(reward)])
    repos.rewards.committed(reward)
    stale.propose(now, "sup-3", 600, "属实", RewardBand(200, 2000))
    with pytest.raises(ConditionFailed):
        repos.store.write([repos.rewards.save_op(stale)])
    loaded = repos.rewards.get(reward.case_id)
    assert loaded == reward and loaded.state == RewardState.APPROVED
    assert [r.case_id for r in repos.rewards.in_county("430225")] == [reward.case_id]
    assert repos.due.due(reward.window_ends_at) == []
    due = repos.due.due(reward.window_ends_at + timedelta(seconds=1))
    assert [(d.pk, d.sk) for d in due] == [(K.case_pk(reward.case_id), "REWARD")]
    assert reward.expire(reward.window_ends_at + timedelta(seconds=1))
    repos.store.write([repos.rewards.save_op(reward)])
    assert repos.due.due(reward.window_ends_at + timedelta(days=1)) == []  # expired: out of the due index


def test_the_beneficiary_pointer_and_the_claims_per_phone(repos, contract_clock):
    now = contract_clock.now()
    case_id, complaint_id = new_id(now), new_id(now)
    assert repos.rewards.case_of(complaint_id) is None
    repos.store.write([repos.rewards.pointer_op(complaint_id, case_id)])
    assert repos.rewards.case_of(complaint_id) == case_id
    repos.store.write([repos.rewards.pointer_delete_op(complaint_id)])
    assert repos.rewards.case_of(complaint_id) is None
    older, newer = new_id(now), new_id(now)
    repos.store.write([repos.rewards.phone_claim_op("hash", now - timedelta(days=400), older, now + timedelta(days=1)),
                       repos.rewards.phone_claim_op("hash", now - timedelta(days=10), newer, now + timedelta(days=1)),
                       repos.rewards.phone_claim_op("other", now, new_id(now), now + timedelta(days=1))])
    assert repos.rewards.phone_claims_since("hash", now - timedelta(days=365)) == [newer]
    repos.store.write(repos.rewards.phone_claim_delete_ops("hash", newer))
    assert repos.rewards.phone_claims_since("hash", now - timedelta(days=500)) == [older]


# --- oversight (004 C21, L18; C35, L31) ----------------------------------------------------


def test_004_c21_the_county_index_window_holds_every_open_ticket_and_those_closed_since(repos, county,
                                                                                        contract_clock):
    """The period figures read ``K#<county>#active`` whole and ``K#<county>#done`` from the
    period's start (the done sort key is the closing instant)."""
    early = file_complaint(repos, county, contract_clock.now())
    early.decline(contract_clock.advance(hours=1), "officer", "natural_resources", "out_of_scope", "不受理")
    repos.store.write(repos.complaints.save_ops(early))
    since = contract_clock.advance(days=1)
    late = file_complaint(repos, county, contract_clock.advance(hours=1))
    late.decline(contract_clock.advance(hours=1), "officer", "natural_resources", "out_of_scope", "不受理")
    repos.store.write(repos.complaints.save_ops(late))
    still_open = file_complaint(repos, county, contract_clock.advance(hours=1))
    active, done = repos.oversight.window("county", f"K#{county.code}#active", f"K#{county.code}#done", since,
                                          repos.complaints.from_item)
    assert [c.id for c in active] == [still_open.id]
    assert [c.id for c in done] == [late.id]
    assert [c.id for c in repos.oversight.open_in_area(county.code, "xiayang", repos.complaints.from_item)] == [
        still_open.id]


def test_004_c35_monthly_review_records_are_written_once_and_counted_per_year(repos, contract_clock):
    from portal.domain.oversight import ReviewFinding

    now = contract_clock.now()

    def finding(month, township, ordinal):
        return ReviewFinding(county="430225", township=township, month=month, ordinal=ordinal,
                             consequence="deduction", found_at=now, tickets=["01ABC"], ticket_count=1, run_by="system")

    o = repos.oversight
    repos.store.write([o.run_op("430225", "2027-02", now, "system", 2, 5), o.finding_op(finding("2027-02", "longxi", 1)),
                       o.finding_op(finding("2027-02", "xiayang", 1))])
    with pytest.raises(ConditionFailed):  # the month's review again: nothing written
        repos.store.write([o.run_op("430225", "2027-02", now, "sup", 0, 0), o.finding_op(finding("2027-02", "miandu", 1))])
    repos.store.write([o.run_op("430225", "2027-03", now, "system", 1, 5), o.finding_op(finding("2027-03", "longxi", 2))])
    repos.store.write([o.run_op("430225", "2028-01", now, "system", 1, 5), o.finding_op(finding("2028-01", "longxi", 1))])
    assert o.run("430225", "2027-02")["townships_found"] == 2 and o.run("430225", "2027-04") is None
    assert [(f.month, f.township) for f in o.findings("430225", "2027-01", "2027-03")] == [
        ("2027-02", "longxi"), ("2027-02", "xiayang"), ("2027-03", "longxi")]
    assert [(f.month, f.township) for f in o.findings("430225", "2027-03", "2027-03")] == [("2027-03", "longxi")]
    assert o.counts_in_year("430225", 2027, "2027-04") == {"longxi": 2, "xiayang": 1}
    assert o.counts_in_year("430225", 2027, "2027-03") == {"longxi": 1, "xiayang": 1}


def test_004_c35_the_review_schedule_is_in_the_due_index(repos, contract_clock):
    wake = contract_clock.now() + timedelta(days=3)
    repos.store.write([repos.oversight.schedule_op("430225", wake, 0)])
    assert [r.pk for r in repos.due.due(wake - timedelta(seconds=1)) if r.pk.startswith("REVIEW#")] == []
    assert [(r.pk, r.sk) for r in repos.due.due(wake)] == [("REVIEW#430225", "SCHEDULE")]
    item = repos.oversight.schedule("430225")
    repos.store.write([repos.oversight.schedule_op("430225", wake + timedelta(days=30), item.version)])
    assert [r for r in repos.due.due(wake + timedelta(days=1)) if r.pk.startswith("REVIEW#")] == []
    with pytest.raises(ConditionFailed):
        repos.store.write([repos.oversight.schedule_op("430225", wake, item.version)])
