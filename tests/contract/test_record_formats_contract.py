"""Record formats (portal/store/formats.py) on every store adapter: each record carries its
format version; an older one is migrated when read and written back; a newer one is refused
whole, never half-read; ``portal db upgrade`` does every record at once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from portal.ports import ConditionFailed, Item, Put
from portal.services.operations.upgrade import upgrade_all
from portal.store.formats import FORMAT_FIELD, FormatRegistry, FormattedStore, NewerRecordFormat


def _rename(item: Item) -> Item:  # format 1 -> 2: "name" became "title"
    body = dict(item.body)
    body["title"] = body.pop("name")
    return replace(item, body=body)


def _index(item: Item) -> Item:  # format 2 -> 3: indexed by title
    return replace(item, keys={"county_pk": "WIDGETS", "county_sk": item.body["title"]})


@pytest.fixture
def kinds():
    registry = FormatRegistry()
    registry.declare("widget", pk="W#", version=3, migrations={1: _rename, 2: _index})
    registry.declare("tally", pk="T#", counter=True)
    return registry


@pytest.fixture
def formatted(store, kinds):
    return FormattedStore(store, kinds)


def raw_put(store, pk, body, **kw):
    store.write([Put(Item(pk=pk, sk="#", body=body, **kw), expect=None)])


def test_every_write_carries_its_kind_format_and_reads_come_back_without_it(store, formatted):
    formatted.write([Put(Item(pk="W#1", sk="#", body={"title": "a"}, keys={"county_pk": "WIDGETS", "county_sk": "a"})),
                     Put(Item(pk="OTHER#1", sk="#", body={"x": 1}))])
    assert store.get("W#1", "#").body == {"title": "a", FORMAT_FIELD: 3}
    assert store.get("OTHER#1", "#").body == {"x": 1, FORMAT_FIELD: 1}  # undeclared: format 1
    assert formatted.get("W#1", "#").body == {"title": "a"}
    assert [i.body for i in formatted.query("WIDGETS", index="county").items] == [{"title": "a"}]
    assert store.get("W#1", "#").version == 1  # a current record is not written again


def test_a_record_of_an_earlier_format_is_migrated_step_by_step_when_read_and_written_back(store, formatted):
    raw_put(store, "W#1", {"name": "first"})  # no format field: written before formats were recorded
    raw_put(store, "W#2", {"title": "second", FORMAT_FIELD: 2})
    one = formatted.get("W#1", "#")
    assert one.body == {"title": "first"} and one.version == 2
    assert one.keys == {"county_pk": "WIDGETS", "county_sk": "first"}
    stored = store.get("W#1", "#")
    assert stored.body == {"title": "first", FORMAT_FIELD: 3} and stored.version == 2
    assert formatted.get("W#2", "#").body == {"title": "second"}  # only the 2 -> 3 step
    assert [i.pk for i in store.query("WIDGETS", index="county").items] == ["W#1", "W#2"]
    formatted.write([Put(replace(one, body={"title": "changed"}), expect=one.version)])  # the caller's save fits


def test_a_concurrent_change_wins_over_the_write_back(store, kinds):
    raw_put(store, "W#1", {"name": "old"})

    class Racing:  # another process saves the record between this read and its write-back
        def __getattr__(self, name):
            return getattr(store, name)

        def write(self, ops):
            raw_put(store, "W#1", {"title": "theirs", FORMAT_FIELD: 3})
            store.write(ops)

    read = FormattedStore(Racing(), kinds).get("W#1", "#")
    assert read.body == {"title": "old"} and read.version == 1  # its own save will fail and reload
    assert store.get("W#1", "#").body == {"title": "theirs", FORMAT_FIELD: 3}
    with pytest.raises(ConditionFailed):
        FormattedStore(store, kinds).write([Put(read, expect=read.version)])


def test_a_record_of_a_newer_format_is_refused_whole_with_a_clear_error(store, formatted):
    raw_put(store, "W#1", {"name": "old"}, keys={"county_pk": "WIDGETS", "county_sk": "1"})
    raw_put(store, "W#9", {"title": "from the future", FORMAT_FIELD: 4}, keys={"county_pk": "WIDGETS", "county_sk": "9"})
    with pytest.raises(NewerRecordFormat) as refused:
        formatted.get("W#9", "#")
    assert str(refused.value) == ("a stored widget record has format 4, and this version of the portal reads formats "
                                  "up to 3: run the newer version (never an older one over newer data)")
    with pytest.raises(NewerRecordFormat):  # a page holding one is refused before any of it is used
        formatted.query("WIDGETS", index="county")
    assert store.get("W#1", "#").version == 1 and store.get("W#1", "#").body == {"name": "old"}
    assert store.get("W#9", "#").version == 1


def test_db_upgrade_migrates_every_record_once_and_leaves_newer_ones_alone(store, formatted):
    for n in range(7):
        raw_put(store, f"W#{n}", {"name": f"w{n}"})
    raw_put(store, "W#new", {"title": "x", FORMAT_FIELD: 3})
    raw_put(store, "W#future", {"title": "y", FORMAT_FIELD: 5})
    raw_put(store, "OTHER#1", {"x": 1})
    store.increment("T#1", "#", 3, None)
    report = upgrade_all(formatted, page_size=3)
    assert report.as_dict() == {"migrated": {"record": 1, "widget": 7}, "current": {"widget": 1},
                                "newer": {"widget": 1}}
    assert all(store.get(f"W#{n}", "#").body == {"title": f"w{n}", FORMAT_FIELD: 3} for n in range(7))
    assert store.get("W#future", "#").body == {"title": "y", FORMAT_FIELD: 5}
    assert store.get("T#1", "#").body == {"n": 3} and formatted.get("T#1", "#").body == {"n": 3}
    assert upgrade_all(formatted).as_dict()["migrated"] == {}


def test_declarations_are_checked():
    registry = FormatRegistry()
    with pytest.raises(ValueError, match="no migration from format 2 to 3"):
        registry.declare("a", pk="A#", version=3, migrations={1: _rename})
    registry.declare("b", pk="B#")
    with pytest.raises(ValueError, match="claim the same keys"):
        registry.declare("c", pk="B#")
    registry.declare("b meta", pk="B#", sk="#META")
    registry.declare("b exact", pk="BX")
    assert registry.kind_of("B#1", "#META").name == "b meta"  # the most specific declaration wins
    assert registry.kind_of("B#1", "EVT#1").name == "b"
    assert registry.kind_of("BX", "x").name == "b exact" and registry.kind_of("BXY", "x").name == "record"
    with pytest.raises(ValueError, match="counter"):
        registry.declare("d", pk="D#", counter=True, version=2, migrations={1: _rename})


def test_an_undeclared_counter_is_read_as_it_is(store, formatted):
    """A counter a new feature forgot to declare (``counter=True``) is still never rewritten
    as a body when read: on DynamoDB it is a number attribute that ``increment`` adds to."""
    store.increment("NEWCOUNTER#x", "k", 2, None)
    assert formatted.get("NEWCOUNTER#x", "k").body == {"n": 2}
    assert store.get("NEWCOUNTER#x", "k").version == 1
    assert formatted.increment("NEWCOUNTER#x", "k", 1, None) == 3
