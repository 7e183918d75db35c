"""The grid table (004 C17(1), L15(1) 以村组区域为网格; C18(1), L16(1) 以村民小组为网格单元;
``portal.domain.patrols.grids``) and the patrol week (``portal.domain.patrols.weeks``) as pure
domain values: lookups by code, village and township, the village of a point, the ISO week's
edges and keys."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from portal.domain.gazetteer import Place
from portal.domain.geo import Point
from portal.domain.patrols.grids import Grid, GridPerson, GridTable, village_at
from portal.domain.patrols.weeks import Week, weeks_between
from portal.timeutil import SHANGHAI

S = timedelta(seconds=1)
PERSON = (GridPerson(title="村委会主任", phone="13800000000"),)
A, B, C = "430225100202", "430225100203", "430225200203"


def grid(code, village, township="xiayang", group=None, name="石子坝村") -> Grid:
    return Grid(code=code, township=township, village=village, village_name=name, persons=PERSON, group=group)


TABLE = GridTable(grids=(
    grid(A, A), grid(f"{A}-01", A, group="第一村民小组"), grid(B, B, name="颜家村"),
    grid(C, C, township="longxi", name="三口龙村"), grid(f"{A}-02", A, group="第二村民小组"),
))


def village(code, name, township, lat, lng, kind="village") -> Place:
    return Place(kind=kind, name=name, point=Point(lat=lat, lng=lng), code=code, township=township)


PLACES = (village(A, "石子坝村", "xiayang", 27.0, 113.0), village(B, "颜家村", "xiayang", 27.1, 113.0),
          village(C, "三口龙村", "longxi", 27.05, 113.0), village("xiayang", "霞阳镇", None, 27.0, 113.0, "township"))


def test_004_c18_1_a_village_group_is_a_grid_unit_named_after_its_village():
    village_grid, group = TABLE.grid(A), TABLE.grid(f"{A}-01")
    assert (village_grid.name, village_grid.is_group) == ("石子坝村", False)
    assert (group.name, group.is_group) == ("石子坝村第一村民小组", True)
    assert TABLE.grid(None) is None and TABLE.grid("") is None and TABLE.grid("nope") is None


def test_004_c17_1_the_tables_villages_and_townships_each_once_in_table_order():
    assert [g.code for g in TABLE.of_village(A)] == [A, f"{A}-01", f"{A}-02"]
    assert [g.code for g in TABLE.of_township("longxi")] == [C]
    assert TABLE.villages == [A, B, C]
    assert TABLE.villages_of("xiayang") == [A, B] and TABLE.villages_of("luyuan") == []
    assert TABLE.townships == ["xiayang", "longxi"]
    assert GridTable().villages == [] and GridTable().grid(A) is None


def test_004_c17_1_the_published_table_is_searched_by_village_name_and_pinyin_initials():
    assert TABLE.find(PLACES, "  ") == list(TABLE.grids)
    assert [g.code for g in TABLE.find(PLACES, "颜家")] == [B]
    assert [g.code for g in TABLE.find(PLACES, "石子坝村")] == [A, f"{A}-01", f"{A}-02"]
    assert TABLE.find(PLACES, "霞阳镇") == []  # a township is not a grid
    assert {g.village for g in TABLE.find(PLACES, "村")} == {A, B, C}
    assert [g.code for g in TABLE.find(PLACES, "村", limit=1)] == [B]  # the shortest name first, its grids only


def test_004_c17_1_a_search_lists_the_grids_of_at_most_20_villages():
    many = tuple(village(f"4302251002{n:02d}", f"第{n}村", "xiayang", 27.0, 113.0) for n in range(21))
    table = GridTable(grids=tuple(grid(v.code, v.code) for v in many))
    assert len(table.find(many, "村")) == 20 and len(table.find(many, "村", limit=21)) == 21


def test_004_c33_a_point_lies_in_the_nearest_village_of_its_township_without_a_distance_limit():
    near_c = Point(lat=27.05, lng=113.0)  # on 三口龙村 (longxi)
    assert village_at(PLACES, near_c, "longxi").code == C
    assert village_at(PLACES, Point(lat=27.06, lng=113.0), "xiayang").code == B
    assert village_at(PLACES, Point(lat=27.04, lng=113.0), "xiayang").code == A
    assert village_at(PLACES, Point(lat=40.0, lng=100.0), "xiayang").code == B  # far away: still the nearest
    assert village_at(PLACES, near_c, "luyuan") is None
    twin = village("430225100299", "双子村", "xiayang", 27.0, 113.0)  # at 石子坝村's very point
    assert village_at((PLACES[0], twin), PLACES[0].point, "xiayang").code == A  # a tie: the first listed
    assert village_at((twin, PLACES[0]), PLACES[0].point, "xiayang").code == "430225100299"


def test_004_c18_1_a_patrol_week_runs_from_monday_0000_to_the_next_monday_0000_shanghai():
    week = Week(2026, 12)
    assert (week.key, week.monday, week.thursday, week.day(4)) == (
        "2026-W12", date(2026, 3, 16), date(2026, 3, 19), date(2026, 3, 20))
    start = datetime(2026, 3, 16, 0, 0, tzinfo=SHANGHAI)
    assert (week.start, week.end) == (start, start + timedelta(days=7))
    assert week.contains(start) and week.contains(week.end - S)
    assert not week.contains(start - S) and not week.contains(week.end)
    assert week.holds(date(2026, 3, 16)) and week.holds(date(2026, 3, 22))
    assert not week.holds(date(2026, 3, 15)) and not week.holds(date(2026, 3, 23))
    assert Week(2026, 1).key == "2026-W01"


def test_004_c18_1_weeks_step_across_iso_years():
    assert Week(2026, 53).next() == Week(2027, 1) and Week(2027, 1).previous() == Week(2026, 53)
    assert Week(2026, 12).next() == Week(2026, 13) and Week(2026, 12).previous() == Week(2026, 11)
    assert Week.of(datetime(2026, 3, 15, 23, 59, 59, tzinfo=SHANGHAI)) == Week(2026, 11)
    assert weeks_between(Week(2026, 52), Week(2027, 2)) == [Week(2026, 52), Week(2026, 53), Week(2027, 1),
                                                          Week(2027, 2)]
    assert weeks_between(Week(2026, 12), Week(2026, 12)) == [Week(2026, 12)]
    assert weeks_between(Week(2026, 12), Week(2026, 11)) == []


def test_week_keys_from_2000_to_2100_only():
    assert Week.parse("2000-W01") == Week(2000, 1) and Week.parse("2100-W01") == Week(2100, 1)
    assert Week.parse("1999-W01") is None and Week.parse("2101-W01") is None
    assert Week.parse("2026-W12x") is None and Week.parse("x2026-W12") is None
