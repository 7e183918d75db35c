"""SQLite adapter of the store port: one file, WAL, schema created on first use.

The table mirrors the DynamoDB table column for column (``portal.store.schema``); each
secondary index is a partial index over the rows that carry its key attributes, so both
adapters have the same sparse-index semantics. Writes run in ``BEGIN IMMEDIATE``
transactions; every connection belongs to one thread, and ``close`` waits until no thread
is using its connection (closing a connection under a running statement frees SQLite's handle
under it: a crash, not an error).
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from portal.ports import ABSENT, ANY, ConditionFailed, Delete, Item, Op, Page, Put, StoreFull
from portal.store.schema import TABLE
from portal.store.validation import check_increment, check_ops, check_query, op_key

_INDEX_COLUMNS = [c for ix in TABLE.indexes for c in (ix.pk, ix.sk)]
_COLUMNS = ["pk", "sk", "version", "body", "expires_at", *_INDEX_COLUMNS]
_REPLACE = f"INSERT OR REPLACE INTO items ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
#: a counter: created at ``by``, restarted at ``by`` when expired, else raised by ``by``; the
#: row loses any index key, as a replaced row would
_INCREMENT = f"""INSERT INTO items (pk, sk, version, body, expires_at) VALUES (:pk, :sk, 1, json_object('n', :by), :expires_at)
ON CONFLICT (pk, sk) DO UPDATE SET
  version = CASE WHEN items.expires_at IS NOT NULL AND items.expires_at <= :now THEN 1 ELSE items.version + 1 END,
  body = json_object('n', CASE WHEN items.expires_at IS NOT NULL AND items.expires_at <= :now THEN :by
                          ELSE coalesce(json_extract(items.body, '$.n'), 0) + :by END),
  expires_at = excluded.expires_at,
  {', '.join(f'{c} = NULL' for c in _INDEX_COLUMNS)}
RETURNING json_extract(body, '$.n')"""


def _schema_sql() -> list[str]:
    columns = ",\n  ".join(f"{c} TEXT" for c in _INDEX_COLUMNS)
    statements = [
        f"""CREATE TABLE IF NOT EXISTS items (
  pk TEXT NOT NULL,
  sk TEXT NOT NULL,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  expires_at INTEGER,
  {columns},
  PRIMARY KEY (pk, sk)
)"""
    ]
    for ix in TABLE.indexes:
        statements.append(
            f"CREATE INDEX IF NOT EXISTS ix_{ix.name} ON items ({ix.pk}, {ix.sk}, pk, sk) "
            f"WHERE {ix.pk} IS NOT NULL"
        )
    statements.append("CREATE INDEX IF NOT EXISTS ix_expiry ON items (expires_at) WHERE expires_at IS NOT NULL")
    return statements


def _live_rows(columns: str, keys: Sequence[tuple[str, str]], now: int) -> tuple[str, list]:
    """A statement and its parameters: ``columns`` of the rows at ``keys`` that have not expired."""
    where = " OR ".join("(pk = ? AND sk = ?)" for _ in keys)
    return (f"SELECT {columns} FROM items WHERE ({where}) AND (expires_at IS NULL OR expires_at > ?)",
            [v for key in keys for v in key] + [now])


@contextmanager
def _immediate(conn: sqlite3.Connection, writer: threading.Lock) -> Iterator[None]:
    """A ``BEGIN IMMEDIATE`` transaction, committed at the end of the block or rolled back.

    SQLite rolls a transaction back by itself on some errors (a full disk, an I/O error):
    then there is nothing left to roll back, and a ``ROLLBACK`` would raise "cannot rollback
    - no transaction is active" in place of the real error. The error that ended the
    transaction is always the one raised; a full disk becomes ``StoreFull``.

    ``writer`` is the store's lock: the threads of one process queue at it instead of in
    SQLite's busy handler, which sleeps (1, 2, 5, 10 ms ...) while another connection holds
    the write lock. Other processes still wait through ``busy_timeout``."""
    with _failures(), writer:
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the connection is unusable; the original error says why
            raise


@contextmanager
def _failures() -> Iterator[None]:
    """A full disk becomes ``StoreFull``; every other error is raised as it is."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if _is_full(exc):
            raise StoreFull(str(exc)) from exc
        raise


def _is_full(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc))


class SqliteStore:
    """``Store`` on SQLite. ``epoch`` is injectable so expiry can be tested with a fixed clock."""

    def __init__(self, path: str | Path, *, epoch: Callable[[], float] = time.time):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._epoch = epoch
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._writer = threading.Lock()
        #: operations running (``_Using``) and whether ``close`` is waiting for them to end
        self._usage = threading.Condition(threading.Lock())
        self._active = 0
        self._closing = False
        with self._using() as conn, conn:
            for statement in _schema_sql():
                conn.execute(statement)

    # --- connections -------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; WAL keeps commits atomic
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA cache_size=-32768")  # 32 MiB of page cache per connection
            conn.execute("PRAGMA mmap_size=268435456")  # read through the OS page cache, no copies
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA secure_delete=ON")  # deleted rows (old salts, purged data) are zeroed on disk
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _using(self) -> "_Using":
        """``with self._using() as conn``: this thread's connection, which ``close`` leaves
        open until the block ends."""
        return _Using(self)

    def close(self) -> None:
        """Close every thread's connection once no operation runs on any (one that starts
        meanwhile waits for the close); the next operation of a thread opens a new one."""
        with self._usage:
            while self._closing:  # another thread is closing: wait for it, then close what has opened since
                self._usage.wait()
            self._closing = True
            try:
                self._usage.wait_for(lambda: self._active == 0)
                with self._lock:
                    for conn in self._all:
                        try:
                            conn.close()
                        except sqlite3.ProgrammingError:
                            pass
                    self._all.clear()
                self._local = threading.local()
            finally:
                self._closing = False
                self._usage.notify_all()

    # --- reads -------------------------------------------------------------------------
    def _now(self) -> int:
        return int(self._epoch())

    @staticmethod
    def _row_to_item(row: sqlite3.Row | tuple) -> Item:
        values = dict(zip(_COLUMNS, row))
        keys = {c: values[c] for c in _INDEX_COLUMNS if values[c] is not None}
        return Item(
            pk=values["pk"], sk=values["sk"], version=values["version"], body=json.loads(values["body"]),
            keys=keys, expires_at=values["expires_at"],
        )

    def get(self, pk: str, sk: str) -> Item | None:
        with self._using() as conn:
            row = conn.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM items WHERE pk = ? AND sk = ? "
                "AND (expires_at IS NULL OR expires_at > ?)",
                (pk, sk, self._now()),
            ).fetchone()
        return self._row_to_item(row) if row else None

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        found: dict[tuple[str, str], Item] = {}
        wanted = list(dict.fromkeys(k for k in keys if k[0] and k[1]))
        now = self._now()
        for start in range(0, len(wanted), 100):
            chunk = wanted[start:start + 100]
            with self._using() as conn:
                rows = conn.execute(*_live_rows(", ".join(_COLUMNS), chunk, now)).fetchall()
            for row in rows:
                item = self._row_to_item(row)
                found[(item.pk, item.sk)] = item
        return [found.get((pk, sk)) for pk, sk in keys]

    def query(self, pk, *, index=None, sk_prefix=None, sk_from=None, sk_to=None, limit=100, cursor=None,
              descending=False, keys_only=False) -> Page:
        check_query(index, sk_prefix, sk_from, sk_to, limit, keys_only)
        if index is None:
            pk_col, sk_col = "pk", "sk"
        else:
            ix = TABLE.index(index)
            pk_col, sk_col = ix.pk, ix.sk
        where = [f"{pk_col} = ?", "(expires_at IS NULL OR expires_at > ?)"]
        params: list = [pk, self._now()]
        if sk_prefix is not None:
            where.append(f"substr({sk_col}, 1, ?) = ?")
            params += [len(sk_prefix), sk_prefix]
        if sk_from is not None:
            where.append(f"{sk_col} >= ?")
            params.append(sk_from)
        if sk_to is not None:
            where.append(f"{sk_col} <= ?")
            params.append(sk_to)
        order_cols = [sk_col] if index is None else [sk_col, "pk", "sk"]
        if cursor:
            last = self._decode_cursor(cursor, pk, len(order_cols))
            comparator = "<" if descending else ">"
            where.append(f"({', '.join(order_cols)}) {comparator} ({', '.join('?' for _ in order_cols)})")
            params += last
        direction = "DESC" if descending else "ASC"
        order = ", ".join(f"{c} {direction}" for c in order_cols)
        with self._using() as conn:
            rows = conn.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM items WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
                (*params, limit + 1),
            ).fetchall()
        items = [self._row_to_item(r) for r in rows[:limit]]
        next_cursor = None
        if len(rows) > limit:
            last_item = items[-1]
            if index is None:
                last_values = [last_item.sk]
            else:
                last_values = [last_item.keys[sk_col], last_item.pk, last_item.sk]
            next_cursor = base64.urlsafe_b64encode(json.dumps([pk, *last_values]).encode()).decode()
        if keys_only:  # what the index holds: the keys and the expiry (portal.store.schema)
            items = [Item(pk=i.pk, sk=i.sk, keys={pk_col: i.keys[pk_col], sk_col: i.keys[sk_col]},
                          expires_at=i.expires_at) for i in items]
        return Page(items=items, cursor=next_cursor)

    def scan(self, *, limit: int = 500, cursor: str | None = None) -> Page:
        check_query(None, None, None, None, limit)
        where, params = ["(expires_at IS NULL OR expires_at > ?)"], [self._now()]
        if cursor:
            where.append("(pk, sk) > (?, ?)")
            params += self._decode_cursor(cursor, "", 2)
        with self._using() as conn:
            rows = conn.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM items WHERE {' AND '.join(where)} ORDER BY pk, sk LIMIT ?",
                (*params, limit + 1),
            ).fetchall()
        items = [self._row_to_item(r) for r in rows[:limit]]
        next_cursor = None
        if len(rows) > limit:
            next_cursor = base64.urlsafe_b64encode(json.dumps(["", items[-1].pk, items[-1].sk]).encode()).decode()
        return Page(items=items, cursor=next_cursor)

    @staticmethod
    def _decode_cursor(cursor: str, pk: str, width: int) -> list[str]:
        """The sort position a cursor holds (after its partition, which must be ``pk``)."""
        try:
            values = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        except ValueError:
            raise ValueError("malformed cursor") from None
        if not isinstance(values, list) or len(values) != width + 1 or not all(isinstance(v, str) for v in values):
            raise ValueError("malformed cursor")
        if values[0] != pk:
            raise ValueError("the cursor belongs to another partition")
        return values[1:]

    # --- writes ------------------------------------------------------------------------
    def write(self, ops: Sequence[Op]) -> None:
        """All of ``ops`` or none. Everything but the version check is prepared before the
        transaction starts, and the transaction is three statements whatever the number of
        operations (read the versions, write the rows, delete): SQLite's write lock is held
        for as short a time as it can be."""
        check_ops(ops)
        if not ops:
            return
        now = self._now()
        keys = [op_key(op) for op in ops]
        rows = [(key, [
                    op.item.pk, op.item.sk, 0,
                    json.dumps(op.item.body, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
                    op.item.expires_at, *(op.item.keys.get(c) for c in _INDEX_COLUMNS)])
                for op, key in zip(ops, keys) if isinstance(op, Put)]
        deletes = [key for op, key in zip(ops, keys) if isinstance(op, Delete)]
        with self._using() as conn, _immediate(conn, self._writer):
            current = self._versions(conn, keys, now)
            for index, (op, key) in enumerate(zip(ops, keys)):
                if op.expect is ANY:
                    continue
                if op.expect == ABSENT and key in current:
                    raise ConditionFailed(index)
                if op.expect != ABSENT and current.get(key) != op.expect:
                    raise ConditionFailed(index)
            for key, values in rows:
                values[2] = current.get(key, 0) + 1
            if rows:
                conn.executemany(_REPLACE, [values for _, values in rows])
            if deletes:
                conn.executemany("DELETE FROM items WHERE pk = ? AND sk = ?", deletes)

    @staticmethod
    def _versions(conn: sqlite3.Connection, keys: list[tuple[str, str]], now: int) -> dict[tuple[str, str], int]:
        """The version of each of ``keys`` that is stored and not expired, in one statement."""
        found = conn.execute(*_live_rows("pk, sk, version", keys, now)).fetchall()
        return {(pk, sk): version for pk, sk, version in found}

    def increment(self, pk: str, sk: str, by: int = 1, expires_at: int | None = None) -> int:
        """One statement, so one implicit transaction: the write lock is held only while
        SQLite runs it, never while this thread waits for Python's."""
        check_increment(pk, sk, by, expires_at)
        with self._using() as conn, _failures(), self._writer:
            row = conn.execute(_INCREMENT, {"pk": pk, "sk": sk, "by": by, "expires_at": expires_at,
                                            "now": self._now()}).fetchone()
        return int(row[0])

    # --- housekeeping (not part of the port) -------------------------------------------
    def purge_expired(self) -> int:
        """Remove expired rows (DynamoDB does this itself through TTL)."""
        with self._using() as conn:
            return conn.execute("DELETE FROM items WHERE expires_at IS NOT NULL AND expires_at <= ?",
                                (self._now(),)).rowcount


class _Using:
    """One operation's hold on its thread's connection (``SqliteStore._using``): a plain class,
    not a generator context manager, as it wraps every statement."""
    __slots__ = ("store",)

    def __init__(self, store: SqliteStore):
        self.store = store

    def __enter__(self) -> sqlite3.Connection:
        store = self.store
        with store._usage:
            while store._closing:
                store._usage.wait()
            store._active += 1
        try:
            return store._conn()
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def __exit__(self, *exc) -> None:
        store = self.store
        with store._usage:
            store._active -= 1
            if store._closing and not store._active:
                store._usage.notify_all()
