"""The status page's step bar (issue #18, item 3) in the words of the 12336 line:
接收 → 判定 → 核查 → 处理 → 反馈, each step done with its date, the next one current. The
dates are the rules' moments: the decision to accept or decline (004 C20, L17: within 3
working days), the on-site check (004 C17(2), L15(2)), the conclusion, and the result told
to the reporter (004 C20, L17: within 7 working days of the conclusion)."""

from __future__ import annotations

from portal.domain.access import Actor, Role
from portal.services import reporter, workflow
from portal.timeutil import local
from tests.services.helpers import file, reload

OFFICER = Actor("officer-1", Role.OFFICER, "natural_resources", "430225")
KEYS = ["received", "judged", "checked", "handled", "told"]


def bar(deps, complaint) -> list[tuple[str, str, object]]:
    complaint = reload(deps, complaint)
    found = reporter.steps(complaint, deps.repos.complaints.history(complaint.id))
    assert [s.key for s in found] == KEYS
    return [(s.key, s.state, s.at) for s in found]


def test_each_step_of_the_12336_line_is_dated_when_it_happens(deps, clock):
    complaint, _ = file(deps)
    filed = complaint.received_at
    assert bar(deps, complaint) == [("received", "done", filed), ("judged", "current", None),
                                    ("checked", "upcoming", None), ("handled", "upcoming", None),
                                    ("told", "upcoming", None)]
    accepted = clock.advance(hours=5)
    workflow.accept(deps, OFFICER, complaint.id, "", accepted)  # 004 C20, L17
    assert bar(deps, complaint)[1:3] == [("judged", "done", accepted), ("checked", "current", None)]
    township = Actor("township-1", Role.TOWNSHIP, reload(deps, complaint).co_handler, "430225")
    checked = clock.advance(hours=1)
    workflow.record_onsite(deps, township, complaint.id, local(checked).strftime("%Y-%m-%dT%H:%M:%S"),
                           "到现场核查，正在砌二层。", [], checked)  # 004 C17(2), L15(2)
    assert bar(deps, complaint)[2:4] == [("checked", "done", checked), ("handled", "current", None)]
    concluded = clock.advance(days=3)
    workflow.conclude(deps, OFFICER, complaint.id, "substantiated", "已责令停工并拆除。", {}, concluded)
    assert bar(deps, complaint)[2:] == [("checked", "done", checked), ("handled", "done", concluded),
                                        ("told", "current", None)]
    read = clock.advance(days=1)  # no phone: reading the result on the status page is the notice
    reporter.view(deps, reload(deps, complaint), read)
    assert bar(deps, complaint) == [("received", "done", filed), ("judged", "done", accepted),
                                    ("checked", "done", checked), ("handled", "done", concluded),
                                    ("told", "done", read)]


def test_a_declined_report_skips_checking_and_handling_and_says_why(deps, clock):
    complaint, _ = file(deps)
    declined = clock.advance(days=1)
    workflow.decline(deps, OFFICER, complaint.id, "already_handled", "已依法处理完毕。", declined)
    found = reporter.steps(reload(deps, complaint), deps.repos.complaints.history(complaint.id))
    assert [(s.key, s.state) for s in found] == [("received", "done"), ("judged", "done"), ("checked", "skipped"),
                                                 ("handled", "skipped"), ("told", "done")]
    assert found[1].note == "不予受理" and found[1].at == declined and found[4].at == declined


def test_a_conclusion_without_a_check_still_dates_the_check_step_and_a_reopened_report_goes_back(deps, clock):
    complaint, _ = file(deps)
    workflow.accept(deps, OFFICER, complaint.id, "", clock.advance(hours=1))
    concluded = clock.advance(days=2)
    workflow.conclude(deps, OFFICER, complaint.id, "substantiated", "已依法处理。", {}, concluded)
    assert bar(deps, complaint)[2:4] == [("checked", "done", concluded), ("handled", "done", concluded)]
    supervisor = Actor("sup-1", Role.SUPERVISOR, "leading_group_office", "430225")
    workflow.reopen(deps, supervisor, complaint.id, "结论与现场不符，重新核查。", clock.advance(days=1))
    # never checked on site: reopened, the check is the step at hand again, then handling and the result
    assert [state for _, state, _ in bar(deps, complaint)] == ["done", "done", "current", "upcoming", "upcoming"]
