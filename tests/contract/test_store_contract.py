"""The store contract: every adapter (SQLite, DynamoDB Local) passes this suite unchanged."""

from __future__ import annotations

import threading

import pytest

from portal.ports import ABSENT, ANY, Check, ConditionFailed, Delete, Item, Put


def put(store, pk, sk, body=None, expect=ABSENT, keys=None, expires_at=None):
    store.write([Put(Item(pk=pk, sk=sk, body=body or {}, keys=keys or {}, expires_at=expires_at), expect=expect)])


def test_create_then_read_back_with_version_one(store):
    put(store, "P#1", "#", {"text": "违法建设 <b>", "n": 3, "nested": {"a": [1, 2, None]}, "flag": True})
    item = store.get("P#1", "#")
    assert item.version == 1
    assert item.body == {"text": "违法建设 <b>", "n": 3, "nested": {"a": [1, 2, None]}, "flag": True}


def test_missing_item_is_none(store):
    assert store.get("P#nothing", "#") is None


def test_update_with_expected_version_bumps_version(store):
    put(store, "P#1", "#", {"v": "a"})
    put(store, "P#1", "#", {"v": "b"}, expect=1)
    item = store.get("P#1", "#")
    assert (item.version, item.body["v"]) == (2, "b")


def test_create_refused_when_item_exists(store):
    put(store, "P#1", "#", {"v": "a"})
    with pytest.raises(ConditionFailed):
        put(store, "P#1", "#", {"v": "b"})
    assert store.get("P#1", "#").body == {"v": "a"}


def test_update_refused_on_stale_version(store):
    put(store, "P#1", "#", {"v": "a"})
    put(store, "P#1", "#", {"v": "b"}, expect=1)
    with pytest.raises(ConditionFailed):
        put(store, "P#1", "#", {"v": "c"}, expect=1)
    assert store.get("P#1", "#").body == {"v": "b"}


def test_update_refused_when_item_missing(store):
    with pytest.raises(ConditionFailed):
        put(store, "P#1", "#", {"v": "a"}, expect=1)
    assert store.get("P#1", "#") is None


def test_unconditional_put_overwrites(store):
    put(store, "P#1", "#", {"v": "a"}, expect=ANY)
    put(store, "P#1", "#", {"v": "b"}, expect=ANY)
    assert store.get("P#1", "#").version == 2


def test_transaction_is_all_or_nothing(store):
    put(store, "P#2", "#", {"v": "existing"})
    with pytest.raises(ConditionFailed) as failed:
        store.write([
            Put(Item("P#1", "#", {"v": "new"}), expect=ABSENT),
            Put(Item("P#2", "#", {"v": "clobbered"}), expect=ABSENT),
        ])
    assert failed.value.index == 1
    assert store.get("P#1", "#") is None
    assert store.get("P#2", "#").body == {"v": "existing"}


def test_check_takes_part_in_a_transaction(store):
    put(store, "P#guard", "#", {})
    with pytest.raises(ConditionFailed):
        store.write([Check("P#guard", "#", expect=2), Put(Item("P#1", "#", {}), expect=ABSENT)])
    assert store.get("P#1", "#") is None
    store.write([Check("P#guard", "#", expect=1), Put(Item("P#1", "#", {}), expect=ABSENT)])
    assert store.get("P#1", "#") is not None


def test_delete_with_and_without_condition(store):
    put(store, "P#1", "#", {})
    with pytest.raises(ConditionFailed):
        store.write([Delete("P#1", "#", expect=5)])
    store.write([Delete("P#1", "#", expect=1)])
    assert store.get("P#1", "#") is None
    store.write([Delete("P#1", "#")])  # deleting a missing item unconditionally is fine


def test_one_transaction_cannot_touch_an_item_twice(store):
    with pytest.raises(ValueError):
        store.write([Put(Item("P#1", "#", {})), Put(Item("P#1", "#", {}), expect=ANY)])


def test_query_partition_in_sort_order_with_bounds_and_prefix(store):
    for sk in ["EVT#000003", "EVT#000001", "AUD#x", "EVT#000002", "#META"]:
        put(store, "C#1", sk, {"sk": sk})
    put(store, "C#2", "EVT#000001", {})
    assert [i.sk for i in store.query("C#1").items] == ["#META", "AUD#x", "EVT#000001", "EVT#000002", "EVT#000003"]
    assert [i.sk for i in store.query("C#1", sk_prefix="EVT#").items] == ["EVT#000001", "EVT#000002", "EVT#000003"]
    assert [i.sk for i in store.query("C#1", sk_prefix="EVT#", descending=True).items] == [
        "EVT#000003", "EVT#000002", "EVT#000001"]
    assert [i.sk for i in store.query("C#1", sk_from="EVT#000002", sk_to="EVT#000003").items] == [
        "EVT#000002", "EVT#000003"]
    assert [i.sk for i in store.query("C#1", sk_to="AUD#x").items] == ["#META", "AUD#x"]


def test_query_pages_cover_every_item_once(store):
    for n in range(23):
        put(store, "C#1", f"EVT#{n:06d}", {"n": n})
    seen, cursor, pages = [], None, 0
    while True:
        page = store.query("C#1", limit=5, cursor=cursor)
        seen += [i.body["n"] for i in page.items]
        pages += 1
        cursor = page.cursor
        if not cursor:
            break
    assert seen == list(range(23))
    assert pages == 5
    back, cursor = [], None
    while True:
        page = store.query("C#1", limit=7, cursor=cursor, descending=True)
        back += [i.body["n"] for i in page.items]
        cursor = page.cursor
        if not cursor:
            break
    assert back == list(reversed(range(23)))


def test_secondary_index_is_sparse_and_ordered(store):
    put(store, "C#a", "#META", {"id": "a"}, keys={"queue_pk": "Q#dept", "queue_sk": "2026-01-03#a"})
    put(store, "C#b", "#META", {"id": "b"}, keys={"queue_pk": "Q#dept", "queue_sk": "2026-01-01#b"})
    put(store, "C#c", "#META", {"id": "c"}, keys={"queue_pk": "Q#other", "queue_sk": "2026-01-02#c"})
    put(store, "C#d", "#META", {"id": "d"})  # not indexed
    page = store.query("Q#dept", index="queue")
    assert [i.body["id"] for i in page.items] == ["b", "a"]
    assert page.items[0].keys == {"queue_pk": "Q#dept", "queue_sk": "2026-01-01#b"}
    assert page.items[0].pk == "C#b" and page.items[0].version == 1
    assert [i.body["id"] for i in store.query("Q#dept", index="queue", descending=True).items] == ["a", "b"]
    assert [i.body["id"] for i in store.query("Q#dept", index="queue", sk_to="2026-01-02~").items] == ["b"]


def test_index_pages_cover_ties_once(store):
    for n in range(12):  # the same index sort key for all: pages must still not repeat or skip
        put(store, f"C#{n:02d}", "#META", {"n": n}, keys={"due_pk": "DUE#0", "due_sk": "2026-01-01T00:00:00.000000Z"})
    seen, cursor = [], None
    while True:
        page = store.query("DUE#0", index="due", limit=5, cursor=cursor)
        seen += [i.body["n"] for i in page.items]
        cursor = page.cursor
        if not cursor:
            break
    assert sorted(seen) == list(range(12)) and len(seen) == 12


def test_item_moves_between_index_partitions_and_leaves_the_index(store):
    put(store, "C#a", "#META", {}, keys={"queue_pk": "Q#one", "queue_sk": "1#a"})
    put(store, "C#a", "#META", {}, expect=1, keys={"queue_pk": "Q#two", "queue_sk": "1#a"})
    assert store.query("Q#one", index="queue").items == []
    assert [i.pk for i in store.query("Q#two", index="queue").items] == ["C#a"]
    put(store, "C#a", "#META", {}, expect=2)
    assert store.query("Q#two", index="queue").items == []


def test_every_declared_index_can_be_queried(store):
    from portal.store.schema import TABLE

    for n, ix in enumerate(TABLE.indexes):
        put(store, f"X#{n}", "#", {"ix": ix.name}, keys={ix.pk: f"P#{ix.name}", ix.sk: "s"})
    for ix in TABLE.indexes:
        assert [i.body["ix"] for i in store.query(f"P#{ix.name}", index=ix.name).items] == [ix.name]


def test_unknown_index_attribute_and_half_keys_are_refused(store):
    with pytest.raises(ValueError):
        put(store, "C#a", "#", {}, keys={"colour_pk": "x", "colour_sk": "y"})
    with pytest.raises(ValueError):
        put(store, "C#a", "#", {}, keys={"queue_pk": "x"})
    with pytest.raises(ValueError):
        store.query("x", index="colour")
    assert store.get("C#a", "#") is None


def test_expired_items_are_absent(store, contract_clock):
    now = int(contract_clock.epoch())
    put(store, "T#1", "#", {"v": 1}, expires_at=now + 60, keys={"due_pk": "DUE#0", "due_sk": "a"})
    put(store, "T#2", "#", {"v": 2}, expires_at=now + 3600)
    assert store.get("T#1", "#") is not None
    contract_clock.advance(seconds=61)
    assert store.get("T#1", "#") is None
    assert store.query("DUE#0", index="due").items == []
    assert store.get("T#2", "#").body == {"v": 2}
    put(store, "T#1", "#", {"v": "again"})  # an expired item counts as absent for a create
    assert store.get("T#1", "#").body == {"v": "again"}


def test_increment_counts_from_zero_and_is_atomic(store):
    assert store.increment("RATE#x", "k") == 1
    assert store.increment("RATE#x", "k", by=4) == 5
    assert store.increment("RATE#x", "other") == 1
    results = []

    def bump():
        for _ in range(25):
            results.append(store.increment("RATE#x", "race"))

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(1, 101))


def test_concurrent_conditional_updates_have_one_winner(store):
    put(store, "P#race", "#", {"v": 0})
    outcomes = []
    barrier = threading.Barrier(6)

    def attempt(n):
        barrier.wait()
        try:
            put(store, "P#race", "#", {"v": n}, expect=1)
            outcomes.append("won")
        except ConditionFailed:
            outcomes.append("lost")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("won") == 1
    assert store.get("P#race", "#").version == 2


def test_bodies_over_the_item_limit_are_refused(store):
    with pytest.raises(ValueError):
        put(store, "P#big", "#", {"blob": "x" * 400_000})
    assert store.get("P#big", "#") is None


def test_scan_pages_cover_every_live_item_of_every_partition_once(store, contract_clock):
    """Whole-table work (``portal db upgrade``, key rotation) reads the table through ``scan``:
    every live item once, whatever the partition, index keys and counters included."""
    now = int(contract_clock.epoch())
    for n in range(17):
        put(store, f"C#{n % 5}", f"EVT#{n:06d}", {"n": n}, keys={"due_pk": "DUE#0", "due_sk": f"{n:04d}"} if n % 3 else {})
    put(store, "C#gone", "x", {"n": -1}, expires_at=now + 5)
    store.increment("RATE#x", "k", 4, None)
    contract_clock.advance(seconds=6)
    seen, cursor, pages = [], None, 0
    while True:
        page = store.scan(limit=4, cursor=cursor)
        seen += page.items
        pages += 1
        cursor = page.cursor
        if not cursor:
            break
    assert sorted(i.body["n"] for i in seen if i.pk.startswith("C#")) == list(range(17))
    assert [i.body for i in seen if i.pk == "RATE#x"] == [{"n": 4}]
    assert len(seen) == 18 and pages == 5
    assert {(i.pk, i.sk) for i in seen if i.keys} == {(f"C#{n % 5}", f"EVT#{n:06d}") for n in range(17) if n % 3}
    with pytest.raises(ValueError):  # a partition's cursor is not a scan's
        store.scan(limit=1, cursor=store.query("C#1", limit=1).cursor)
