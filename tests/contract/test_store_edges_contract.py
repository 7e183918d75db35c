"""Edges of the store contract that the main suite leaves open, where a DynamoDB adapter
could drift from SQLite: expiry meeting unconditional writes and counters, paging past
expired items, empty bounds, cursors, and the limits both adapters share. Runs on every
store adapter unchanged."""

from __future__ import annotations

import threading

import pytest

from portal.ports import ABSENT, ANY, Check, ConditionFailed, Delete, Item, Put
from portal.store.validation import MAX_OPS


def put(store, pk, sk, body=None, expect=ABSENT, keys=None, expires_at=None):
    store.write([Put(Item(pk=pk, sk=sk, body=body or {}, keys=keys or {}, expires_at=expires_at), expect=expect)])


def pages(store, pk, limit, **query):
    """Every page of a query, as (values of body["n"], cursor) pairs."""
    out, cursor = [], None
    while True:
        page = store.query(pk, limit=limit, cursor=cursor, **query)
        out.append(([i.body["n"] for i in page.items], page.cursor))
        cursor = page.cursor
        if not cursor:
            return out


# --- versions and expiry ---------------------------------------------------------------


def test_unconditional_put_over_an_expired_item_starts_again_at_version_one(store, contract_clock):
    now = int(contract_clock.epoch())
    put(store, "P#1", "#", {"v": "old"}, expires_at=now + 10)
    put(store, "P#1", "#", {"v": "old"}, expect=1, expires_at=now + 10)
    contract_clock.advance(seconds=11)
    put(store, "P#1", "#", {"v": "new"}, expect=ANY)
    item = store.get("P#1", "#")
    assert (item.version, item.body, item.expires_at) == (1, {"v": "new"}, None)


def test_unconditional_put_over_an_expired_item_inside_a_transaction(store, contract_clock):
    now = int(contract_clock.epoch())
    put(store, "P#1", "#", {"v": "old"}, expires_at=now + 10)
    put(store, "P#2", "#", {"v": "two"})
    contract_clock.advance(seconds=11)
    store.write([Put(Item("P#1", "#", {"v": "new"}), expect=ANY), Put(Item("P#2", "#", {"v": "2"}), expect=1)])
    assert (store.get("P#1", "#").version, store.get("P#1", "#").body) == (1, {"v": "new"})
    assert (store.get("P#2", "#").version, store.get("P#2", "#").body) == (2, {"v": "2"})


def test_unconditional_put_replaces_keys_and_expiry(store, contract_clock):
    now = int(contract_clock.epoch())
    put(store, "C#a", "#META", {"v": 1}, keys={"queue_pk": "Q#1", "queue_sk": "a", "due_pk": "DUE#0", "due_sk": "a"},
        expires_at=now + 3600)
    put(store, "C#a", "#META", {"v": 2}, expect=ANY, keys={"area_pk": "A#1", "area_sk": "a"})
    item = store.get("C#a", "#META")
    assert (item.version, item.body, item.keys, item.expires_at) == (
        2, {"v": 2}, {"area_pk": "A#1", "area_sk": "a"}, None)
    assert store.query("Q#1", index="queue").items == []
    assert store.query("DUE#0", index="due").items == []
    assert [i.pk for i in store.query("A#1", index="area").items] == ["C#a"]


def test_conditions_treat_an_expired_item_as_absent(store, contract_clock):
    now = int(contract_clock.epoch())
    put(store, "P#1", "#", {}, expires_at=now + 10)
    contract_clock.advance(seconds=11)
    with pytest.raises(ConditionFailed):
        put(store, "P#1", "#", {}, expect=1)
    with pytest.raises(ConditionFailed):
        store.write([Delete("P#1", "#", expect=1)])
    with pytest.raises(ConditionFailed) as failed:
        store.write([Put(Item("P#2", "#", {}), expect=ABSENT), Check("P#1", "#", expect=1)])
    assert failed.value.index == 1
    assert store.get("P#2", "#") is None
    store.write([Check("P#1", "#", expect=ABSENT), Put(Item("P#2", "#", {}), expect=ABSENT)])
    store.write([Delete("P#1", "#", expect=ABSENT)])
    put(store, "P#1", "#", {"v": "fresh"})
    assert store.get("P#1", "#").version == 1


def test_recreated_item_starts_again_at_version_one(store):
    put(store, "P#1", "#", {})
    put(store, "P#1", "#", {}, expect=1)
    store.write([Delete("P#1", "#", expect=2)])
    put(store, "P#1", "#", {"v": "again"})
    assert store.get("P#1", "#").version == 1


def test_check_without_expectation_always_passes(store):
    store.write([Check("P#nothing", "#", expect=ANY)])
    store.write([Check("P#nothing", "#", expect=ANY), Put(Item("P#1", "#", {}), expect=ABSENT)])
    assert store.get("P#1", "#").version == 1
    assert store.get("P#nothing", "#") is None


def test_failed_condition_names_the_first_failing_operation(store):
    put(store, "P#1", "#", {})
    put(store, "P#2", "#", {})
    with pytest.raises(ConditionFailed) as failed:
        store.write([Put(Item("P#0", "#", {}), expect=ABSENT), Check("P#1", "#", expect=3),
                     Put(Item("P#2", "#", {}), expect=ABSENT)])
    assert failed.value.index == 1
    assert store.get("P#0", "#") is None


# --- counters --------------------------------------------------------------------------


def test_counter_versions_expiry_and_restart(store, contract_clock):
    now = int(contract_clock.epoch())
    assert store.increment("RATE#x", "k", 2, now + 60) == 2
    assert store.increment("RATE#x", "k", 3, now + 60) == 5
    item = store.get("RATE#x", "k")
    assert (item.body, item.version, item.expires_at, item.keys) == ({"n": 5}, 2, now + 60, {})
    contract_clock.advance(seconds=61)
    assert store.get("RATE#x", "k") is None
    assert store.increment("RATE#x", "k", 4, now + 600) == 4  # an expired counter restarts at `by`
    assert (store.get("RATE#x", "k").version, store.get("RATE#x", "k").body) == (1, {"n": 4})
    assert store.increment("RATE#x", "k") == 5
    assert store.get("RATE#x", "k").expires_at is None  # each increment sets the expiry it is given


def test_counter_and_put_share_one_item(store):
    put(store, "SEQ", "complaint", {"n": 41})
    assert store.increment("SEQ", "complaint") == 42
    assert store.get("SEQ", "complaint").version == 2
    assert [(i.sk, i.body) for i in store.query("SEQ").items] == [("complaint", {"n": 42})]
    put(store, "SEQ", "complaint", {"n": 7, "note": "reset"}, expect=2)
    item = store.get("SEQ", "complaint")
    assert (item.body, item.version) == ({"n": 7, "note": "reset"}, 3)
    assert store.increment("SEQ", "complaint", by=-2) == 5
    put(store, "SEQ", "complaint", {"note": "plain"}, expect=ANY)
    assert store.get("SEQ", "complaint").body == {"note": "plain"}


# --- queries ---------------------------------------------------------------------------


def test_pages_skip_expired_items_and_stay_full(store, contract_clock):
    now = int(contract_clock.epoch())
    for n in range(40):  # 8 live items among 32 that expire
        put(store, "C#1", f"EVT#{n:06d}", {"n": n}, expires_at=None if n % 5 == 0 else now + 10)
    contract_clock.advance(seconds=11)
    got = pages(store, "C#1", 3)
    assert [values for values, _ in got] == [[0, 5, 10], [15, 20, 25], [30, 35]]
    assert [cursor is None for _, cursor in got] == [False, False, True]
    assert [p[0] for p in pages(store, "C#1", 1, descending=True)] == [[35], [30], [25], [20], [15], [10], [5], [0]]
    assert pages(store, "C#1", 8)[-1] == ([0, 5, 10, 15, 20, 25, 30, 35], None)


def test_a_page_that_ends_the_partition_has_no_cursor(store):
    for n in range(10):
        put(store, "C#1", f"EVT#{n:06d}", {"n": n}, keys={"due_pk": "DUE#1", "due_sk": f"{n:02d}"})
    assert [cursor is None for _, cursor in pages(store, "C#1", 5)] == [False, True]
    assert [cursor is None for _, cursor in pages(store, "DUE#1", 5, index="due")] == [False, True]
    assert pages(store, "C#1", 10) == [(list(range(10)), None)]


def test_bounds_on_an_index_page_through(store):
    for n in range(9):
        put(store, f"C#{n}", "#META", {"n": n}, keys={"nearby_pk": "N#1", "nearby_sk": f"2026-01-0{n + 1}"})
    got = pages(store, "N#1", 2, index="nearby", sk_from="2026-01-03", sk_to="2026-01-07", descending=True)
    assert [n for page, _ in got for n in page] == [6, 5, 4, 3, 2]
    got = pages(store, "N#1", 2, index="nearby", sk_prefix="2026-01-0")
    assert [n for page, _ in got for n in page] == list(range(9))


def test_empty_and_crossed_bounds_mean_what_they_say(store):
    put(store, "C#1", "a", {"n": 1})
    put(store, "C#1", "b", {"n": 2})
    assert [i.sk for i in store.query("C#1", sk_prefix="").items] == ["a", "b"]
    assert [i.sk for i in store.query("C#1", sk_from="").items] == ["a", "b"]
    assert store.query("C#1", sk_to="").items == []
    assert store.query("C#1", sk_from="b", sk_to="a").items == []
    assert store.query("").items == []
    assert store.get("", "a") is None and store.get("C#1", "") is None


def test_cursors_are_checked(store):
    for n in range(3):
        put(store, "C#1", f"{n}", {"n": n})
        put(store, "C#2", f"{n}", {"n": n})
    cursor = store.query("C#1", limit=1).cursor
    with pytest.raises(ValueError):
        store.query("C#2", limit=1, cursor=cursor)
    with pytest.raises(ValueError):
        store.query("C#1", limit=1, cursor="not a cursor")
    with pytest.raises(ValueError):  # a table cursor is not an index cursor
        store.query("C#1", index="queue", limit=1, cursor=cursor)
    assert [i.body["n"] for i in store.query("C#1", limit=5, cursor=cursor).items] == [1, 2]


# --- shared limits ---------------------------------------------------------------------


def test_transactions_hold_at_most_the_dynamodb_limit_of_operations(store):
    with pytest.raises(ValueError):
        store.write([Put(Item(f"P#{n}", "#", {}), expect=ABSENT) for n in range(MAX_OPS + 1)])
    assert store.get("P#0", "#") is None
    store.write([Put(Item(f"P#{n}", "#", {}), expect=ABSENT) for n in range(MAX_OPS)])
    assert store.get(f"P#{MAX_OPS - 1}", "#").version == 1


def test_transactions_over_the_dynamodb_size_limit_are_refused(store):
    big = "x" * 340_000
    with pytest.raises(ValueError):
        store.write([Put(Item(f"P#{n}", "#", {"blob": big}), expect=ABSENT) for n in range(11)])
    assert store.get("P#0", "#") is None


@pytest.mark.parametrize("op", [
    Delete("", "#"),
    Check("P#1", "", expect=1),
    Put(Item("P#1", "#", {}), expect=-1),
    Put(Item("P#1", "#", {}, expires_at=1.5), expect=ANY),
])
def test_malformed_operations_are_refused(store, op):
    with pytest.raises(ValueError):
        store.write([op, Put(Item("P#ok", "#", {}), expect=ABSENT)])
    assert store.get("P#ok", "#") is None


def test_malformed_increments_are_refused(store):
    with pytest.raises(ValueError):
        store.increment("", "k")
    with pytest.raises(ValueError):
        store.increment("RATE#x", "k", expires_at=12.5)


# --- concurrency -----------------------------------------------------------------------


def _race(workers: int, work) -> None:
    barrier = threading.Barrier(workers)
    errors = []

    def run(n):
        barrier.wait()
        try:
            work(n)
        except Exception as exc:  # noqa: BLE001 - reported below, with the worker's number
            errors.append((n, exc))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_concurrent_transactions_have_one_winner_and_write_nothing_else(store):
    put(store, "P#race", "#", {"v": "start"})
    winners = []

    def attempt(n):
        try:
            store.write([Put(Item("P#race", "#", {"v": n}), expect=1), Put(Item(f"P#side{n}", "#", {}), expect=ABSENT)])
            winners.append(n)
        except ConditionFailed as exc:
            assert exc.index == 0

    _race(5, attempt)
    assert len(winners) == 1
    assert store.get("P#race", "#").body == {"v": winners[0]}
    assert [n for n in range(5) if store.get(f"P#side{n}", "#")] == winners


def test_concurrent_unconditional_puts_count_every_version(store):
    def overwrite(n):
        for i in range(8):
            put(store, "P#busy", "#", {"by": n, "i": i}, expect=ANY)

    _race(4, overwrite)
    assert store.get("P#busy", "#").version == 32
