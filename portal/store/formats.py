"""Record formats: every stored record carries the version of the format its body was written
in, and is migrated to the current one when read.

Each record kind is declared once, beside its repository (``portal/store/repositories/``)::

    COMPLAINT = declare("complaint", pk="CMP#", sk="#META", version=2, migrations={1: complaint_1_to_2})

- ``pk``/``sk`` say which items are of the kind: a pattern ending in ``#`` is a prefix, any
  other an exact value, ``sk=None`` any sort key. The most specific declaration wins.
- ``version`` is the format this code writes; ``migrations[n]`` turns an item of format ``n``
  into format ``n + 1`` (a pure function of the stored item: body, index keys, expiry), so
  an item of any earlier format reaches the current one step by step. An item written before
  formats were recorded has no format field and is format 1.
- ``envelopes`` names the keyring envelopes an item holds (or the blobs it names that hold
  one) and their encryption contexts, so that key rotation can re-wrap them
  (``portal.services.keys.rewrap``).
- ``counter`` marks atomic counters (``Store.increment``): they have no body to stamp.

``FormattedStore`` wraps the engine's store: every ``Put`` is stamped with its kind's version
(``_format`` in the body); every item read is checked first, so that an item of a newer
format than this code knows is refused as a whole (``NewerRecordFormat``) before anything of
it is used; an older one is migrated, written back (conditional on the version read, so a
concurrent change wins) and returned. Bodies reach repositories without the format field.
``portal db upgrade`` (``portal.services.operations.upgrade``) does the same to every item
at once. The same code runs on every engine, because it sits above the store port.

A kind nobody declared is format 1 with no migrations; declare it when its shape first
changes (docs/development.md, "Record formats").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator, Mapping, Sequence

from portal.ports import ConditionFailed, Item, Op, Page, Put, Store

#: the body field holding an item's format version
FORMAT_FIELD = "_format"

Migration = Callable[[Item], Item]


class NewerRecordFormat(Exception):
    """An item was written by a newer version of the portal than this one: nothing of it is
    read. The message names the kind and both versions, never the item's key or content."""

    def __init__(self, kind: str, found: int, supported: int):
        super().__init__(f"a stored {kind} record has format {found}, and this version of the portal reads formats "
                         f"up to {supported}: run the newer version (never an older one over newer data)")
        self.kind, self.found, self.supported = kind, found, supported


@dataclass(frozen=True)
class EnvelopeField:
    """One keyring envelope in an item's body: where it is and its encryption context;
    ``hash_path``, where the body keeps a keyed hash of the same plaintext under
    ``hash_purpose`` (the reporter's phone), recomputed when the hash key rotates; ``blob``:
    the body holds at ``path`` the key of a blob whose content is the envelope (a raw email)."""

    path: tuple[str, ...]
    context: Mapping[str, str]
    hash_path: tuple[str, ...] | None = None
    hash_purpose: str | None = None
    blob: bool = False


def _pattern_matches(pattern: str | None, value: str) -> bool:
    if pattern is None:
        return True
    return value.startswith(pattern) if pattern.endswith("#") else value == pattern


@dataclass(frozen=True)
class RecordKind:
    name: str
    pk: str | None
    sk: str | None = None
    version: int = 1
    migrations: Mapping[int, Migration] = field(default_factory=dict)
    envelopes: Callable[[Item], Sequence[EnvelopeField]] | None = None
    counter: bool = False

    def matches(self, pk: str, sk: str) -> bool:
        return _pattern_matches(self.pk, pk) and _pattern_matches(self.sk, sk)

    @property
    def specificity(self) -> tuple[int, int]:
        def rank(pattern: str | None) -> int:  # exact > longer prefix > shorter prefix > any
            return 0 if pattern is None else (1000 if not pattern.endswith("#") else len(pattern))
        return rank(self.pk), rank(self.sk)

    def upgrade(self, item: Item) -> Item:
        """``item`` at this kind's current format, stamped (refuses a newer one)."""
        found = stored_format(item)
        if found > self.version:
            raise NewerRecordFormat(self.name, found, self.version)
        for n in range(found, self.version):
            item = self.migrations[n](item)
        return replace(item, body={**item.body, FORMAT_FIELD: self.version})


#: undeclared kinds: format 1, nothing to migrate
UNDECLARED = RecordKind("record", pk=None)


class FormatRegistry:
    def __init__(self):
        self._kinds: dict[str, RecordKind] = {}
        #: (pk, pk is a prefix, sk, sk is a prefix, kind), most specific first: read on every item
        self._order: list[tuple] = []
        #: ``_match`` remembered for the keys seen lately (every read and write asks: a filing, 8 times)
        self._remembered = functools.lru_cache(maxsize=4096)(self._match)

    def declare(self, name: str, *, pk: str | None, sk: str | None = None, version: int = 1,
                migrations: Mapping[int, Migration] | None = None,
                envelopes: Callable[[Item], Sequence[EnvelopeField]] | None = None,
                counter: bool = False) -> RecordKind:
        kind = RecordKind(name, pk, sk, version, dict(migrations or {}), envelopes, counter)
        if version < 1:
            raise ValueError(f"{name}: format versions start at 1")
        missing = [n for n in range(1, version) if n not in kind.migrations]
        if missing:
            raise ValueError(f"{name}: no migration from format {missing[0]} to {missing[0] + 1}")
        if counter and (version != 1 or envelopes):
            raise ValueError(f"{name}: a counter has no body to version or encrypt")
        existing = self._kinds.get(name)
        if existing is not None and (existing.pk, existing.sk) != (pk, sk):
            raise ValueError(f"record kind {name!r} declared twice")
        for other in self._kinds.values():
            if other.name != name and (other.pk, other.sk) == (pk, sk):
                raise ValueError(f"{name} and {other.name} claim the same keys")
        self._kinds[name] = kind
        ranked = sorted(self._kinds.values(), key=lambda k: k.specificity, reverse=True)
        self._order = [(k.pk, bool(k.pk and k.pk.endswith("#")), k.sk, bool(k.sk and k.sk.endswith("#")), k)
                       for k in ranked]
        self._remembered.cache_clear()
        return kind

    def kind_of(self, pk: str, sk: str) -> RecordKind:
        """The most specific kind whose patterns match (the first in ``_order``)."""
        return self._remembered(pk, sk)

    def _match(self, pk: str, sk: str) -> RecordKind:
        for kpk, pk_prefix, ksk, sk_prefix, kind in self._order:
            if kpk is not None and not (pk.startswith(kpk) if pk_prefix else pk == kpk):
                continue
            if ksk is not None and not (sk.startswith(ksk) if sk_prefix else sk == ksk):
                continue
            return kind
        return UNDECLARED

    def __iter__(self) -> Iterator[RecordKind]:
        return iter(sorted(self._kinds.values(), key=lambda k: k.name))


#: every kind the code declares (the repository modules declare theirs when imported)
KINDS = FormatRegistry()
declare = KINDS.declare


def stored_format(item: Item) -> int:
    found = item.body.get(FORMAT_FIELD, 1)
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise ValueError("an item's format must be a positive integer")
    return found


def _without_format(item: Item) -> Item:
    if FORMAT_FIELD not in item.body:
        return item
    return replace(item, body={k: v for k, v in item.body.items() if k != FORMAT_FIELD})


class FormattedStore:
    """The store port with record formats (see the module docstring); every other call and
    attribute (``purge_expired``, ``create_table``, ...) goes to the engine's store."""

    def __init__(self, inner: Store, kinds: FormatRegistry = KINDS):
        self.inner, self.kinds = inner, kinds

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    # --- reads: checked, migrated, written back --------------------------------------------
    def current(self, item: Item, kind: RecordKind | None = None) -> Item:
        """``item`` at its kind's current format, without the format field; an older one is
        written back first (conditional on the version read)."""
        kind = kind or self.kinds.kind_of(item.pk, item.sk)
        if kind.counter or (kind is UNDECLARED and set(item.body) == {"n"}):
            return item  # a counter (an undeclared one too): no body of its own to version
        found = stored_format(item)
        if found > kind.version:
            raise NewerRecordFormat(kind.name, found, kind.version)
        if found == kind.version and FORMAT_FIELD in item.body:
            return _without_format(item)
        upgraded = kind.upgrade(item)
        try:
            self.inner.write([Put(upgraded, expect=item.version)])
            upgraded = replace(upgraded, version=item.version + 1)
        except ConditionFailed:
            upgraded = replace(upgraded, version=item.version)  # changed meanwhile: its writer's save stands
        return _without_format(upgraded)

    def get(self, pk: str, sk: str) -> Item | None:
        item = self.inner.get(pk, sk)
        return self.current(item) if item is not None else None

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        items = self.inner.get_many(keys)
        for item in items:  # every item is checked before any of them is used
            if item is not None:
                kind = self.kinds.kind_of(item.pk, item.sk)
                if not kind.counter and stored_format(item) > kind.version:
                    raise NewerRecordFormat(kind.name, stored_format(item), kind.version)
        upgraded: dict[tuple[str, str], Item] = {}
        out = []
        for item in items:
            if item is not None and (item.pk, item.sk) not in upgraded:
                upgraded[(item.pk, item.sk)] = self.current(item)
            out.append(upgraded[(item.pk, item.sk)] if item is not None else None)
        return out

    def query(self, pk: str, **kwargs) -> Page:
        page = self.inner.query(pk, **kwargs)
        if kwargs.get("keys_only"):
            return page  # keys and expiry: no body to check or migrate
        return self._page(page)

    def scan(self, **kwargs) -> Page:
        return self._page(self.inner.scan(**kwargs))

    def _page(self, page: Page) -> Page:
        kinds = [self.kinds.kind_of(i.pk, i.sk) for i in page.items]
        for item, kind in zip(page.items, kinds):  # the whole page is refused before any of it is used
            if not kind.counter and stored_format(item) > kind.version:
                raise NewerRecordFormat(kind.name, stored_format(item), kind.version)
        return Page(items=[self.current(i, k) for i, k in zip(page.items, kinds)], cursor=page.cursor)

    # --- writes: stamped -----------------------------------------------------------------
    def stamped(self, op: Op) -> Op:
        if not isinstance(op, Put):
            return op
        kind = self.kinds.kind_of(op.item.pk, op.item.sk)
        if kind.counter:
            raise ValueError(f"{kind.name} items are counters: change them with increment")
        return replace(op, item=replace(op.item, body={**op.item.body, FORMAT_FIELD: kind.version}))

    def write(self, ops: Sequence[Op]) -> None:
        self.inner.write([self.stamped(op) for op in ops])

    def increment(self, pk: str, sk: str, by: int = 1, expires_at: int | None = None) -> int:
        return self.inner.increment(pk, sk, by, expires_at)

    def close(self) -> None:
        self.inner.close()
