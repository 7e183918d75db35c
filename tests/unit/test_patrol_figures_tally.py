"""The control chain in the oversight figures as a pure tally (004 C21, L18 重点检查网格管理;
``portal.domain.patrols.figures``): patrols, weekly reports on time / late / missing at the
deadline instant, findings by patrol against findings by citizen, professional weeks missed
(004 C19), concealment confirmed (004 C33, L29), and what the ranking weighs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from portal.domain.patrols.concealment import Concern
from portal.domain.patrols.figures import PatrolFigures, period_weeks, tally
from portal.domain.patrols.records import MissingReport, Patrol, WeeklyReport
from portal.domain.patrols.weeks import Week
from portal.timeutil import SHANGHAI
from tests.unit.patrols import recorded_patrol

S = timedelta(seconds=1)
W12, W13 = Week(2026, 12), Week(2026, 13)
V_DUE = {W12: datetime(2026, 3, 19, 16, tzinfo=SHANGHAI), W13: datetime(2026, 3, 26, 16, tzinfo=SHANGHAI)}
T_DUE = {w: d + timedelta(days=1) for w, d in V_DUE.items()}
DUE = {**{("village", w.key): d for w, d in V_DUE.items()}, **{("township", w.key): d for w, d in T_DUE.items()}}
A, B, C = "430225100202", "430225100203", "430225200203"
VILLAGES = {"xiayang": [A, B], "longxi": [C]}


def patrol(kind="village", township="xiayang", week=W12) -> Patrol:
    return recorded_patrol(kind=kind, township=township, patrolled_on=week.monday, week=week.key,
                           recorded_at=datetime.combine(week.monday, datetime.min.time(), tzinfo=SHANGHAI))


def report(level, unit, week, filed_at) -> WeeklyReport:
    return WeeklyReport(county="430225", week=week.key, level=level, unit=unit, township="xiayang", filed_at=filed_at,
                        filed_by="x", due_at=filed_at, patrols=[], findings=0, zero=True)


def missing(level, unit, week, township="xiayang") -> MissingReport:
    return MissingReport(county="430225", week=week.key, level=level, unit=unit, township=township,
                         due_at=week.end, flagged_at=week.end, notified="x")


@dataclass
class Ticket:
    township: str | None
    co_handler: str | None = None
    patrol: object = None
    has_reporter: bool = True


def concern(township="xiayang", week=W12, status="confirmed") -> Concern:
    return Concern(week=week.key, village=A, township=township, found=1, sources={}, status=status,
                   raised_at=V_DUE[W12])


def run(now=T_DUE[W13] + timedelta(days=3), weeks=(W12, W13), patrols=(), reports=(), missed=(), tickets=(),
        concerns=(), built_up_town="xiayang"):
    return tally(["xiayang", "longxi"], VILLAGES, list(weeks), DUE, patrols, reports, missed, tickets, concerns,
                 built_up_town, now)


def test_004_c21_a_week_counts_in_the_period_its_thursday_falls_in():
    start = datetime(2026, 3, 19, 12, tzinfo=SHANGHAI)  # W12's Thursday, noon
    assert period_weeks(start, start + timedelta(days=7)) == [W12]
    assert period_weeks(start + S, start + timedelta(days=7) + S) == [W13]
    assert period_weeks(start - S, start) == []


def test_004_c21_every_township_has_a_row_and_patrols_count_where_they_lie():
    rows = run(patrols=[patrol(), patrol("township"), patrol("professional"), patrol("professional"),
                        patrol(township="longxi"), patrol(township="luyuan")])
    assert set(rows) == {"xiayang", "longxi", "luyuan"}
    assert rows["xiayang"].unit == "xiayang" and rows["longxi"].unit == "longxi"
    assert (rows["xiayang"].patrols, rows["xiayang"].professional) == (4, 2)
    assert (rows["longxi"].patrols, rows["longxi"].professional) == (1, 0)
    assert rows["luyuan"].unit == "luyuan" and rows["luyuan"].patrols == 1


def test_004_c18_1_c17_1_reports_on_time_at_the_deadline_instant_late_a_second_after():
    reports = [report("village", A, W12, V_DUE[W12]), report("village", B, W12, V_DUE[W12] + S),
               report("township", "xiayang", W12, T_DUE[W12]), report("township", "xiayang", W13, T_DUE[W13] + S),
               report("village", C, W13, V_DUE[W13] - S), report("village", A, Week(2026, 11), V_DUE[W12]),
               report("village", A, W13, V_DUE[W13] - S), report("village", B, W13, V_DUE[W13] + S)]
    rows = run(reports=reports)
    assert rows["xiayang"].village_reports == {"on_time": 2, "late": 2, "missing": 0}
    assert rows["xiayang"].township_reports == {"on_time": 1, "late": 1, "missing": 0}
    assert rows["longxi"].village_reports == {"on_time": 1, "late": 0, "missing": 0}


def test_004_c21_a_report_not_filed_is_missing_only_once_past_due_and_flagged_by_the_sweeper():
    flagged = [missing("village", A, W12), missing("township", "xiayang", W12), missing("village", C, W12)]
    rows = run(missed=flagged)
    assert rows["xiayang"].village_reports["missing"] == 1  # B never flagged: before the portal ran
    assert rows["xiayang"].township_reports["missing"] == 1
    assert rows["longxi"].village_reports["missing"] == 1
    assert rows["xiayang"].reports_missing == 2
    both = run(missed=flagged + [missing("village", B, W12), missing("township", "xiayang", W13)])
    assert (both["xiayang"].village_reports["missing"], both["xiayang"].township_reports["missing"]) == (2, 2)
    at_deadline = run(now=V_DUE[W12], weeks=[W12], missed=flagged)
    assert at_deadline["xiayang"].village_reports["missing"] == 0 and at_deadline["longxi"].reports_missing == 0
    after = run(now=V_DUE[W12] + S, weeks=[W12], missed=flagged)
    assert after["xiayang"].village_reports["missing"] == 1 and after["xiayang"].township_reports["missing"] == 0


def test_004_c19_a_week_without_the_professional_patrol_counts_in_the_built_up_areas_town():
    missed = [missing("professional", "natural_resources", W12, township=None),
              missing("professional", "natural_resources", W13, township="longxi"),
              missing("professional", "natural_resources", Week(2026, 11), township=None)]
    rows = run(missed=missed)
    assert (rows["xiayang"].professional_weeks_missed, rows["longxi"].professional_weeks_missed) == (1, 1)
    twice = run(missed=missed + [missing("professional", "natural_resources", W13, township=None)])
    assert twice["xiayang"].professional_weeks_missed == 2
    assert run(missed=missed[:1], built_up_town=None)["xiayang"].professional_weeks_missed == 0
    assert rows["xiayang"].reports_missing == 0  # a professional week is not a missing report


def test_004_c21_findings_by_patrol_against_findings_by_citizen_a_survey_neither():
    tickets = [Ticket("xiayang", patrol=object()), Ticket("xiayang"), Ticket("xiayang", has_reporter=False),
               Ticket(None, co_handler="longxi"), Ticket("xiayang", co_handler="longxi", patrol=object()),
               Ticket("xiayang", patrol=object()), Ticket("xiayang")]
    rows = run(tickets=tickets)
    assert (rows["xiayang"].by_patrol, rows["xiayang"].by_citizen) == (2, 2)
    assert (rows["longxi"].by_patrol, rows["longxi"].by_citizen) == (1, 1)


def test_004_c21_a_ticket_record_that_names_no_patrol_and_no_reporter_flag_counts_as_a_citizens_report():
    """A record kind without the two attributes (one stored before patrols and surveys existed)
    is a citizen's report: neither a patrol's finding nor a survey's."""
    rows = run(tickets=[SimpleNamespace(township="xiayang", co_handler=None)])
    assert (rows["xiayang"].by_patrol, rows["xiayang"].by_citizen) == (0, 1)


def test_004_c21_a_township_without_villages_with_grids_counts_its_own_report_only():
    rows = tally(["xiayang", "luyuan"], VILLAGES, [W12], DUE, [], [report("township", "luyuan", W12, T_DUE[W12])],
                 [], [], [], None, T_DUE[W13])
    assert rows["luyuan"].township_reports == {"on_time": 1, "late": 0, "missing": 0}
    assert rows["luyuan"].village_reports == {"on_time": 0, "late": 0, "missing": 0}


def test_004_c33_l29_confirmed_concealment_of_the_periods_weeks_counts_for_the_township():
    confirmed = concern()
    again = concern(week=W13)
    rows = run(concerns=[confirmed, concern(status="pending"), concern(status="dismissed"),
                         concern(week=Week(2026, 11)), concern(township="longxi", week=W13), again])
    assert (rows["xiayang"].concealment_confirmed, rows["xiayang"].confirmed) == (2, [confirmed, again])
    assert rows["longxi"].concealment_confirmed == 1


def test_004_c21_the_ranking_weighs_missing_reports_missed_professional_weeks_and_confirmed_concealment():
    row = PatrolFigures(unit="xiayang", professional_weeks_missed=2, concealment_confirmed=3)
    row.village_reports["missing"], row.township_reports["missing"] = 5, 7
    assert (row.reports_missing, row.penalty) == (12, 17)
    assert PatrolFigures(unit="x").village_reports == {"on_time": 0, "late": 0, "missing": 0}
    assert PatrolFigures(unit="x").village_reports is not PatrolFigures(unit="y").village_reports
    assert date(2026, 3, 19) == W12.thursday
