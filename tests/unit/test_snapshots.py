"""The build-time snapshots (``portal.snapshots``): China's holiday table and the county
snapshots give the same answers as their sources, and a snapshot that no longer matches its
source (another ``holidays`` version, an edited county file) is ignored, never trusted."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from portal import snapshots
from portal.counties import load_county
from portal.county_registry import load_registry, read_snapshot_header, snapshot_path
from portal.domain import calendar, holiday_table
from portal.domain.geo import Point

DEMO = snapshots.COUNTIES / "yanling.yaml"


@pytest.fixture
def table_file(tmp_path, monkeypatch):
    target = tmp_path / "china_holidays.snapshot"
    monkeypatch.setattr(holiday_table, "TABLE_FILE", target)
    holiday_table._table.cache_clear()
    holiday_table.year.cache_clear()
    yield target
    holiday_table._table.cache_clear()
    holiday_table.year.cache_clear()


def test_the_holiday_table_holds_what_the_holidays_package_computes_for_every_year(table_file):
    snapshots.write_holiday_table(table_file)
    assert holiday_table._table() is not None  # the table is read, not the package
    for value in holiday_table.TABLE_YEARS:
        assert holiday_table.year(value) == holiday_table.computed_year(value), value
    from holidays.countries.china import ChinaStaticHolidays

    assert holiday_table.official_years() == frozenset(ChinaStaticHolidays.special_public_holidays)
    # the working-day calendar through the table: Spring Festival 2027 off, its make-up Saturday worked
    working = calendar.WorkingCalendar()
    assert not working.is_working_day(date(2027, 2, 8))
    off, workdays = holiday_table.computed_year(2027)
    assert all(not working.is_working_day(d) for d in off) and all(working.is_working_day(d) for d in workdays)


def test_a_holiday_table_made_from_another_holidays_version_is_ignored(table_file):
    snapshots.write_holiday_table(table_file)
    document = json.loads(table_file.read_text(encoding="utf-8"))
    document["holidays"] = "0.0.1"
    document["years"]["2027"]["off"] = []  # a wrong answer the check must keep out
    table_file.write_text(json.dumps(document), encoding="utf-8")
    holiday_table._table.cache_clear()
    holiday_table.year.cache_clear()
    assert holiday_table._table() is None
    assert holiday_table.year(2027) == holiday_table.computed_year(2027) and holiday_table.year(2027)[0]


@pytest.fixture
def county_folder(tmp_path):
    folder = tmp_path / "counties"
    folder.mkdir()
    shutil.copy(DEMO, folder / DEMO.name)
    for companion in ("yanling.places.json", "yanling.grids.yaml"):  # the files the county file names
        shutil.copy(DEMO.with_name(companion), folder / companion)
    return folder


def refuse_parsing(monkeypatch):
    import portal.counties

    def parse(path):
        raise AssertionError(f"{path} parsed")

    monkeypatch.setattr(portal.counties, "load_county", parse)


def test_a_county_snapshot_reads_the_county_the_schema_validated_and_only_its_header_at_start_up(
        county_folder, monkeypatch):
    county_file = county_folder / DEMO.name
    snapshots.write_county_snapshot(county_file)
    assert read_snapshot_header(county_file) is not None
    with monkeypatch.context() as patched:
        refuse_parsing(patched)
        registry = load_registry([county_folder])
    assert registry._loaded == {}  # nothing but the header read yet
    parsed = load_county(county_file)
    assert registry.codes == (parsed.code,)
    with monkeypatch.context() as patched:
        refuse_parsing(patched)
        county = registry.default
    assert county == parsed
    assert registry.county_at(Point(*parsed.map_center)) == parsed


@pytest.mark.parametrize("edited", ["yanling.yaml", "yanling.places.json", "yanling.grids.yaml"])
def test_a_county_snapshot_whose_sources_changed_is_ignored_and_the_files_are_parsed(county_folder, edited,
                                                                                     monkeypatch):
    county_file = county_folder / DEMO.name
    snapshots.write_county_snapshot(county_file)
    source = county_folder / edited
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert read_snapshot_header(county_file) is None
    with monkeypatch.context() as patched:
        refuse_parsing(patched)
        with pytest.raises(AssertionError, match="parsed"):
            load_registry([county_folder])  # parsed and validated at start-up, not read from the snapshot
    assert load_registry([county_folder]).default == load_county(county_file)
    snapshot_path(county_file).write_bytes(b"not a snapshot")
    assert read_snapshot_header(county_file) is None


def test_a_folder_of_county_files_reads_each_county_once_not_its_companion_files(county_folder):
    """``NAME.grids.yaml`` beside ``NAME.yaml`` is the county's grid table (004 C17(1)), read by
    its county file: a folder of county files is not one county per ``*.yaml``."""
    registry = load_registry([county_folder])
    assert registry.codes == (load_county(county_folder / DEMO.name).code,)
    assert registry.default.grids == load_county(DEMO).grids
