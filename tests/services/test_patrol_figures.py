"""004 C21, L18 (重点检查网格管理): per township, for a month, quarter, half-year or year, the
patrols recorded, the weekly reports on time, late and missing, findings by patrol against
findings by citizen report, the professional patrols held (004 C19) and the concealment
confirmed (004 C33); in the page, the CSV and the half-year ranking."""

from __future__ import annotations

import csv
import io

from portal.domain.oversight import Figures, Period, ranking
from portal.domain.patrols.figures import PatrolFigures, period_weeks
from portal.services import oversight, sweeper
from portal.services.patrols import concealment, weekly
from tests.patrols import OFFICE, PROFESSIONAL, TOWNSHIP_PATROL, VILLAGE, VILLAGER, finding, patrol, point_of, shanghai
from tests.services.helpers import file


def test_004_c21_weeks_belong_to_the_period_of_their_thursday():
    november = Period("month", 2026, 11)
    assert [w.key for w in period_weeks(november.start, november.end)] == [
        "2026-W45", "2026-W46", "2026-W47", "2026-W48"]  # W44's Thursday is 29 October, W49's 3 December
    year = Period("year", 2026, 1)
    weeks = period_weeks(year.start, year.end)
    assert weeks[0].key == "2026-W01" and weeks[-1].key == "2026-W53" and len(weeks) == 53


def test_004_c21_l18_the_month_counts_patrols_reports_findings_and_concealment(deps, clock):
    """The portal runs from Monday of 2026-W47: the weeks before (W45, W46) are never judged,
    so no report of theirs counts as missing; W47 and W48 are judged by the sweeper."""
    clock.set(shanghai(2026, 11, 16, 10))  # 2026-W47
    sweeper.sweep(deps, clock.now())  # the first sweep: the schedules start with this week
    patrol(deps)
    weekly.file_report(deps, VILLAGER, "village", "2026-W47", "", clock.now())  # on time, zero
    patrol(deps, PROFESSIONAL, grid=None)
    clock.set(shanghai(2026, 11, 23, 10))  # 2026-W48
    patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding())
    file(deps, place=point_of(deps))
    patrol(deps)
    clock.set(shanghai(2026, 11, 26, 17))  # after Thursday 16:00: late
    weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now())
    concealment.decide_week(deps, OFFICE, "2026-W48", VILLAGE, True, "核实为漏报", clock.now())
    clock.set(shanghai(2026, 11, 30, 10))
    before_sweep = oversight.report(deps, OFFICE, Period("month", 2026, 11), clock.now())
    assert next(f for f in before_sweep.townships if f.unit == "xiayang").patrol.township_reports["missing"] == 0
    sweeper.sweep(deps, clock.now())  # judges W47 and W48 (W48's professional week ended at 00:00)
    result = oversight.report(deps, OFFICE, Period("month", 2026, 11), clock.now())
    xiayang = next(f for f in result.townships if f.unit == "xiayang").patrol
    villages = len(deps.counties.default.grids.villages_of("xiayang"))
    assert xiayang.patrols == 4 and xiayang.professional == 1
    assert xiayang.village_reports == {"on_time": 1, "late": 1, "missing": 2 * villages - 2}
    assert xiayang.township_reports == {"on_time": 0, "late": 0, "missing": 2}
    assert (xiayang.by_patrol, xiayang.by_citizen) == (1, 1)
    assert xiayang.concealment_confirmed == 1
    assert xiayang.professional_weeks_missed == 1  # W47 had one, W48 none
    longxi = next(f for f in result.townships if f.unit == "longxi").patrol
    assert longxi.patrols == 0 and longxi.village_reports["missing"] == 2 * len(
        deps.counties.default.grids.villages_of("longxi"))


def test_004_c21_the_csv_has_the_control_chain_section(deps, clock):
    patrol(deps)
    weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now())
    body = oversight.export_csv(deps, OFFICE, Period("month", 2026, 11), clock.now(), lambda s: s)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "统计周期" and "巡查记录" in r)
    xiayang = next(r for r in rows[header:] if len(r) > 1 and r[1] == "霞阳镇")
    assert xiayang[2] == "1" and xiayang[3] == "1"  # one patrol, one village report on time


def test_004_c21_the_half_year_ranking_weighs_missing_reports_and_confirmed_concealment():
    def township(unit, missing, confirmed):
        f = Figures(unit=unit)
        f.patrol = PatrolFigures(unit=unit, concealment_confirmed=confirmed)
        f.patrol.village_reports["missing"] = missing
        return f

    rows = [township("a", 3, 0), township("b", 0, 1), township("c", 0, 0)]
    assert [f.unit for f in ranking(rows)] == ["c", "b", "a"]


def test_004_c33_the_quarterly_notice_names_the_villages_and_the_third_step_proposes_dismissal(deps, clock):
    """The notice's section list carries the control chain (004 C21, L18): the figures, and the
    villages whose concealment was confirmed with their step (004 C33: 提出免职建议)."""
    import docx

    from portal.services.oversight import notice_docx
    for n, monday in enumerate([(2026, 11, 2), (2026, 11, 9), (2026, 11, 16)]):
        clock.set(shanghai(*monday, 10))
        week = f"2026-W{45 + n}"
        patrol(deps)
        weekly.file_report(deps, VILLAGER, "village", week, "", clock.now())
        file(deps, place=point_of(deps))
        concealment.decide_week(deps, OFFICE, week, VILLAGE, True, "核实", clock.now())
    body = notice_docx(deps, OFFICE, Period("quarter", 2026, 4), clock.now(), lambda s: s)
    document = docx.Document(io.BytesIO(body))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "网格管理情况" in text and "确认村级瞒报、漏报3次" in text
    assert "第3次及以上：提出免职建议" in cells and "第1次：予以警告" in cells and "第2次：予以追责" in cells
    assert cells.count("石子坝村") == 3


def _counted(f: PatrolFigures) -> dict:
    return {"patrols": f.patrols, "village": dict(f.village_reports), "township": dict(f.township_reports),
            "by_patrol": f.by_patrol, "by_citizen": f.by_citizen, "professional": f.professional,
            "professional_missed": f.professional_weeks_missed, "concealment": f.concealment_confirmed}


def _add(*rows: dict) -> dict:
    out = _counted(PatrolFigures(unit=""))
    for row in rows:
        for key, value in row.items():
            if isinstance(value, dict):
                out[key] = {k: out[key][k] + v for k, v in value.items()}
            else:
                out[key] += value
    return out


def test_004_c21_l18_the_quarter_half_year_and_year_add_up_their_months_and_the_half_year_ranks_them(deps, clock):
    """A quarter of patrols, reports on time and late, findings by patrol and by citizen, a
    professional patrol and a confirmed concealment spread over October to December 2026 (the
    National Day week included): each figure of Q4 is the sum of its months', H2's of Q3 and Q4,
    the year's of H1 and H2; a week's reports count once, in the month of its Thursday, a patrol
    in the month of its day (Monday 28 September: Q3); and the half-year ranking orders the
    townships as the figures weigh them."""
    clock.set(shanghai(2026, 9, 28, 10))  # 2026-W40, Thursday 1 October (National Day): an October week
    sweeper.sweep(deps, clock.now())
    patrol(deps)
    patrol(deps, PROFESSIONAL, grid=None)
    weekly.file_report(deps, VILLAGER, "village", "2026-W40", "", clock.now())  # on time, before the holiday
    clock.set(shanghai(2026, 11, 9, 10))  # 2026-W46
    sweeper.sweep(deps, clock.now())  # the sweeper runs every few minutes: here once a month will do
    patrol(deps)
    weekly.file_report(deps, VILLAGER, "village", "2026-W46", "", clock.now())
    file(deps, place=point_of(deps))  # a citizen's report in the zero-report grid
    concealment.decide_week(deps, OFFICE, "2026-W46", VILLAGE, True, "核实为漏报", clock.now())
    clock.set(shanghai(2026, 12, 7, 10))  # 2026-W50
    sweeper.sweep(deps, clock.now())
    patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding())
    patrol(deps)
    clock.set(shanghai(2026, 12, 11, 9))  # Friday: the village is a day late
    weekly.file_report(deps, VILLAGER, "village", "2026-W50", "", clock.now())
    clock.set(shanghai(2027, 1, 4, 10))
    sweeper.sweep(deps, clock.now())  # every week of the quarter judged

    def figures(kind, n):
        result = oversight.report(deps, OFFICE, Period(kind, 2026, n), clock.now())
        return result, {f.unit: _counted(f.patrol) for f in result.townships if f.patrol is not None}

    months = [figures("month", m)[1] for m in (10, 11, 12)]
    quarters = {q: figures("quarter", q)[1] for q in (3, 4)}
    half_year, halves = figures("half", 2)
    year = figures("year", 1)[1]
    first_half = figures("half", 1)[1]
    xiayang = [m["xiayang"] for m in months]
    assert [m["patrols"] for m in xiayang] == [0, 1, 2] and [m["professional"] for m in xiayang] == [0, 0, 0]
    assert [m["village"]["on_time"] for m in xiayang] == [1, 1, 0] and [m["village"]["late"] for m in xiayang] == [0, 0, 1]
    assert [(m["by_patrol"], m["by_citizen"], m["concealment"]) for m in xiayang] == [(0, 0, 0), (0, 1, 1), (1, 0, 0)]
    for unit in quarters[4]:
        assert quarters[4][unit] == _add(*(m[unit] for m in months)), unit
        assert halves[unit] == _add(quarters[3][unit], quarters[4][unit]), unit
        assert year[unit] == _add(first_half[unit], halves[unit]), unit
    september = _counted(PatrolFigures(unit="xiayang"))
    september.update(patrols=2, professional=1)  # the W40 patrols of 28 September; no week of Q3 was judged
    assert quarters[3]["xiayang"] == september
    weeks = len(period_weeks(Period("quarter", 2026, 4).start, Period("quarter", 2026, 4).end))
    villages = len(deps.counties.default.grids.villages_of("xiayang"))
    assert sum(quarters[4]["xiayang"]["village"].values()) == weeks * villages  # each week once
    assert quarters[4]["xiayang"]["professional_missed"] == weeks - 1
    ranked = [f for f in half_year.township_ranking if f.breach_rate is None and not f.review_findings and f.patrol]
    assert [f.unit for f in half_year.township_ranking] == [f.unit for f in ranking(half_year.townships)]
    assert [f.patrol.penalty for f in ranked] == sorted(f.patrol.penalty for f in ranked) and len(ranked) > 1
