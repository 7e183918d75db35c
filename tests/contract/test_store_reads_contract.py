"""The store contract, continued: the batched and keys-only reads that keep a page to one round
trip on DynamoDB (``get_many``, ``query(keys_only=True)``) and bodies of every size. Every
adapter (SQLite, DynamoDB Local) passes this suite unchanged."""

from __future__ import annotations

import pytest

from portal.ports import ABSENT, Item, Put


def put(store, pk, sk, body=None, expect=ABSENT, keys=None, expires_at=None):
    store.write([Put(Item(pk=pk, sk=sk, body=body or {}, keys=keys or {}, expires_at=expires_at), expect=expect)])


def test_get_many_answers_in_the_order_asked_with_none_for_missing_and_expired(store, contract_clock):
    now = int(contract_clock.epoch())
    put(store, "C#a", "#META", {"id": "a"})
    put(store, "C#b", "EVT#000001", {"id": "b"}, expires_at=now + 60)
    put(store, "C#c", "#META", {"id": "c"}, keys={"queue_pk": "Q#x", "queue_sk": "1"})
    contract_clock.advance(seconds=61)
    got = store.get_many([("C#c", "#META"), ("C#missing", "#"), ("C#b", "EVT#000001"), ("C#a", "#META"),
                          ("C#c", "#META")])
    assert [i.body["id"] if i else None for i in got] == ["c", None, None, "a", "c"]
    assert got[0].version == 1 and got[0].keys == {"queue_pk": "Q#x", "queue_sk": "1"}
    assert store.get_many([]) == []


def test_get_many_reads_more_than_one_batch(store):
    for n in range(0, 150, 10):
        store.write([Put(Item(pk=f"B#{m:03d}", sk="#", body={"n": m}), expect=ABSENT) for m in range(n, n + 10)])
    got = store.get_many([(f"B#{m:03d}", "#") for m in reversed(range(150))])
    assert [i.body["n"] for i in got] == list(reversed(range(150)))


def test_a_keys_only_index_read_gives_the_keys_and_expiry_without_the_body(store, contract_clock):
    now = int(contract_clock.epoch())
    put(store, "C#a", "#META", {"secret": "a"}, keys={"due_pk": "DUE#1", "due_sk": "2026-01-02#a",
                                                     "queue_pk": "Q#x", "queue_sk": "1"}, expires_at=now + 600)
    put(store, "C#b", "SMS#x", {"secret": "b"}, keys={"due_pk": "DUE#1", "due_sk": "2026-01-01#b"})
    page = store.query("DUE#1", index="due", keys_only=True)
    assert [(i.pk, i.sk) for i in page.items] == [("C#b", "SMS#x"), ("C#a", "#META")]
    assert page.items[1] == Item(pk="C#a", sk="#META", keys={"due_pk": "DUE#1", "due_sk": "2026-01-02#a"},
                                 expires_at=now + 600)
    assert all(i.body == {} and i.version == 0 for i in page.items)


def test_keys_only_pages_cover_every_entry_once(store):
    for n in range(11):
        put(store, f"C#{n:02d}", "#META", {"n": n}, keys={"due_pk": "DUE#2", "due_sk": f"2026-01-01#{n % 3}"})
    seen, cursor = [], None
    while True:
        page = store.query("DUE#2", index="due", limit=4, cursor=cursor, keys_only=True)
        seen += [i.pk for i in page.items]
        cursor = page.cursor
        if not cursor:
            break
    assert sorted(seen) == [f"C#{n:02d}" for n in range(11)]


def test_keys_only_reads_an_index_never_the_table(store):
    with pytest.raises(ValueError):
        store.query("C#a", keys_only=True)


def test_an_index_read_returns_whole_items_at_their_latest_version(store):
    put(store, "C#a", "#META", {"v": 1}, keys={"county_pk": "K#1", "county_sk": "a"})
    put(store, "C#a", "#META", {"v": 2, "note": "改"}, expect=1, keys={"county_pk": "K#1", "county_sk": "a"})
    (item,) = store.query("K#1", index="county").items
    assert (item.body, item.version) == ({"v": 2, "note": "改"}, 2)


def test_large_and_small_bodies_come_back_exactly(store):
    """Bodies of any size (DynamoDB stores the larger ones compressed) read back as written,
    through get, get_many, an index and a scan."""
    large = {"description": "村口新建三层楼房，没有看到规划许可公示。" * 60, "clocks": [{"due_at": None, "n": n} for n in range(40)],
             "ascii": "x" * 900}
    small = {"description": "小"}
    put(store, "C#large", "#META", large, keys={"county_pk": "K#9", "county_sk": "1"})
    put(store, "C#small", "#META", small, keys={"county_pk": "K#9", "county_sk": "2"})
    assert store.get("C#large", "#META").body == large
    assert [i.body for i in store.get_many([("C#large", "#META"), ("C#small", "#META")])] == [large, small]
    assert [i.body for i in store.query("K#9", index="county").items] == [large, small]
    assert {i.pk: i.body for i in store.scan().items} == {"C#large": large, "C#small": small}
    put(store, "C#large", "#META", small, expect=1)  # a large body replaced by a small one
    assert store.get("C#large", "#META").body == small


def test_a_counter_starts_at_its_first_step_and_restarts_after_expiry(store, contract_clock):
    now = int(contract_clock.epoch())
    assert store.increment("RATE#y", "k", 5, now + 60) == 5
    assert store.increment("RATE#y", "k", 1, now + 60) == 6
    assert store.get("RATE#y", "k").version == 2
    contract_clock.advance(seconds=61)
    assert store.increment("RATE#y", "k", 1, now + 600) == 1
