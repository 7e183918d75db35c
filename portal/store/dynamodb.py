"""DynamoDB adapter of the store port (boto3's low-level client), with the SQLite adapter's
semantics exactly: the same table and indexes (``portal.store.schema``), the same checks
(``portal.store.validation``), the same versions, expiry and paging.

Attributes of an item: ``pk``, ``sk`` and the secondary-index keys (S), ``version`` (N),
``body`` (S: compact JSON; B: the same JSON compressed with zlib once it is over
``COMPRESS_FROM`` bytes, because DynamoDB bills every write by the item's size in KB and a
complaint's JSON shrinks to a third), ``expires_at`` (N, the table's TTL attribute; absent = never).
A counter written by ``increment`` holds its value in a number attribute ``n`` instead of a
body, because DynamoDB can add to a number atomically but not to text inside a JSON string;
it is read back as the body ``{"n": n}``, as SQLite stores it.

Decisions:

- Expiry: DynamoDB's TTL deletes expired items lazily (within days), so every read filters
  ``expires_at <= now`` and every condition treats an expired item as absent.
- Reads: ``get``, ``get_many`` (``BatchGetItem``) and base-table queries are strongly
  consistent; secondary indexes can only be read eventually consistently (a write shows up
  in an index after a short delay on AWS).
- Index projections (``portal.store.schema``): an index holds the keys and the expiry only.
  A query of an index reads the page's keys there, then the items themselves from the table
  in one ``BatchGetItem`` (strongly consistent; an item that has meanwhile left the
  partition is left out of the page); ``keys_only`` stops after the index.
  Items with equal index sort keys come back in an order of DynamoDB's choosing (SQLite
  orders them by table key); paging still returns each exactly once.
- Cursor: URL-safe base64 of the JSON object of the last returned item's key attributes
  (table key, plus the index key for an index query), i.e. the ``ExclusiveStartKey`` that
  continues after it.
- Unconditional put: an ``UpdateItem`` that sets every attribute, removes the others and adds
  one to ``version``, on condition that the item is live or absent (one request, exact
  version). An expired item fails that condition; the put is then sent as a create
  (version 1) on condition that the item is absent or expired, and the two forms alternate
  until one wins (only a concurrent writer can make one fail).
- Conflicts: a transaction cancelled because another transaction held one of its items
  (``TransactionConflict``), or throttled, is retried with jittered backoff up to
  ``WRITE_ATTEMPTS`` times in all; after that it surfaces as ``ConditionFailed`` naming the
  conflicting operation, which callers already handle by reloading and retrying. Nothing
  is written by a cancelled transaction, so retrying it is safe.
- Network retries: botocore resends a request that timed out. A transaction carries an
  idempotency token (botocore fills ``ClientRequestToken``), so a resent one is not applied
  twice; a resent single conditional write whose first copy did land reports
  ``ConditionFailed``, and the caller's reload shows the write.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import re
import time
import zlib
from typing import Any, Callable, Sequence

from botocore.exceptions import ClientError

from portal.ports import ABSENT, ANY, ConditionFailed, Delete, Item, Op, Page, Put
from portal.store.schema import TABLE, dynamodb_table_definition
from portal.store.validation import check_increment, check_ops, check_query, op_key

log = logging.getLogger(__name__)

_INDEX_ATTRS = tuple(a for ix in TABLE.indexes for a in (ix.pk, ix.sk))
_TTL = TABLE.ttl_attribute
#: number attribute holding a counter's value (see the module docstring)
_COUNTER = "n"
#: the mark of a scan's cursor
_SCAN = "scan"

# Expressions name every attribute through a placeholder ``#<attribute>`` (no reserved-word
# surprises); ``_expression_args`` fills in the placeholders an expression actually uses.
_LIVE = f"(attribute_not_exists(#{_TTL}) OR #{_TTL} > :now)"
_ABSENT_OR_EXPIRED = f"(attribute_not_exists(#pk) OR #{_TTL} <= :now)"
_LIVE_OR_ABSENT = f"(attribute_not_exists(#pk) OR attribute_not_exists(#{_TTL}) OR #{_TTL} > :now)"
_VERSION_IS = f"#version = :expected AND {_LIVE}"
_ALWAYS = "(attribute_not_exists(#pk) OR attribute_exists(#pk))"

#: cancellation reasons worth another attempt: nothing was written, and the cause passes
_RETRYABLE = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded",
                        "RequestLimitExceeded"})
_CONDITION = "ConditionalCheckFailed"


def _s(value: str) -> dict:
    return {"S": value}


def _n(value: int) -> dict:
    return {"N": str(value)}


def _expression_args(*expressions: str | None, values: dict[str, dict] | None = None) -> dict:
    """``ExpressionAttributeNames``/``Values`` holding exactly the placeholders used
    (DynamoDB refuses unused ones)."""
    text = " ".join(e for e in expressions if e)
    args: dict[str, Any] = {}
    names = {f"#{name}": name for name in re.findall(r"#(\w+)", text)}
    if names:
        args["ExpressionAttributeNames"] = names
    used = set(re.findall(r"(:\w+)", text))
    chosen = {k: v for k, v in (values or {}).items() if k in used}
    if chosen:
        args["ExpressionAttributeValues"] = chosen
    return args


def _body_json(body) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


#: bodies whose JSON is at least this long are stored compressed (a write of up to 1 KB costs
#: one unit whatever it holds, so smaller ones stay readable in the console)
COMPRESS_FROM = 1000


def _body_value(body) -> dict:
    text = _body_json(body).encode()
    if len(text) >= COMPRESS_FROM:
        packed = zlib.compress(text, 6)
        if len(packed) < len(text):
            return {"B": packed}
    return {"S": text.decode()}


def _body_of(value: dict):
    if "B" in value:
        return json.loads(zlib.decompress(value["B"]).decode())
    return json.loads(value["S"])


class DynamoStore:
    """``Store`` on one DynamoDB table. ``epoch`` is injectable so expiry can be tested with a
    fixed clock."""

    #: attempts for one ``write``/``increment`` meeting conflicts or racing writers
    WRITE_ATTEMPTS = 8
    _BACKOFF_BASE = 0.02
    _BACKOFF_CAP = 0.5

    def __init__(self, client, table_name: str, *, epoch: Callable[[], float] = time.time):
        self._client = client
        self.table_name = table_name
        self._epoch = epoch

    @classmethod
    def from_settings(cls, settings) -> "DynamoStore":
        """A store on ``settings.dynamodb_table``, with standard retries (throttling, 5xx,
        connection errors) and timeouts short enough for a web request in Lambda."""
        from botocore.config import Config

        from portal.aws_clients import LazyClient

        config = Config(
            retries={"mode": "standard", "max_attempts": 4},
            connect_timeout=2,
            read_timeout=5,
            tcp_keepalive=True,
        )
        client = LazyClient("dynamodb", region_name=settings.aws_region,
                              endpoint_url=settings.dynamodb_endpoint or None, config=config)
        return cls(client, settings.dynamodb_table)

    def create_table(self) -> None:
        """Create the table (``dynamodb_table_definition``) unless it exists, wait until it is
        active, and make sure TTL runs on ``expires_at``. For DynamoDB Local and development:
        on AWS the table comes from ``infra/template.yaml``."""
        try:
            self._client.create_table(**dynamodb_table_definition(self.table_name))
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceInUseException":
                raise
        self._client.get_waiter("table_exists").wait(
            TableName=self.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 300})
        ttl = self._client.describe_time_to_live(TableName=self.table_name)["TimeToLiveDescription"]
        if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
            if ttl.get("AttributeName") != _TTL:
                raise RuntimeError(f"table {self.table_name} has TTL on {ttl.get('AttributeName')!r}, not {_TTL!r}")
            return
        self._client.update_time_to_live(
            TableName=self.table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": _TTL})

    def close(self) -> None:
        self._client.close()

    # --- items -------------------------------------------------------------------------
    def _now(self) -> int:
        return int(self._epoch())

    @staticmethod
    def _key(pk: str, sk: str) -> dict:
        return {"pk": _s(pk), "sk": _s(sk)}

    @staticmethod
    def _is_live(raw: dict, now: int) -> bool:
        return _TTL not in raw or int(raw[_TTL]["N"]) > now

    @staticmethod
    def _to_item(raw: dict) -> Item:
        if "body" in raw:
            body = _body_of(raw["body"])
        else:
            body = {"n": int(raw[_COUNTER]["N"])}
        return Item(
            pk=raw["pk"]["S"], sk=raw["sk"]["S"], version=int(raw["version"]["N"]), body=body,
            keys={name: raw[name]["S"] for name in _INDEX_ATTRS if name in raw},
            expires_at=int(raw[_TTL]["N"]) if _TTL in raw else None,
        )

    @staticmethod
    def _attributes(item: Item, version: int) -> dict:
        attrs = {"pk": _s(item.pk), "sk": _s(item.sk), "version": _n(version), "body": _body_value(item.body)}
        if item.expires_at is not None:
            attrs[_TTL] = _n(item.expires_at)
        for name, value in item.keys.items():
            attrs[name] = _s(value)
        return attrs

    # --- reads -------------------------------------------------------------------------
    def get(self, pk: str, sk: str) -> Item | None:
        if not pk or not sk:
            return None  # no item has an empty key (DynamoDB would refuse the request)
        raw = self._client.get_item(TableName=self.table_name, Key=self._key(pk, sk), ConsistentRead=True).get("Item")
        if raw is None or not self._is_live(raw, self._now()):
            return None
        return self._to_item(raw)

    #: keys per ``BatchGetItem`` (DynamoDB's limit)
    BATCH_GET = 100

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        found = self._fetch([k for k in keys if k[0] and k[1]])
        return [found.get(key) for key in keys]

    def _fetch(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Item]:
        """Live items by key, through strongly consistent ``BatchGetItem`` requests; keys the
        service left unprocessed (throttling) are asked for again after a pause."""
        wanted = list(dict.fromkeys(keys))  # DynamoDB refuses a request naming a key twice
        found: dict[tuple[str, str], Item] = {}
        now = self._now()
        for start in range(0, len(wanted), self.BATCH_GET):
            request = {self.table_name: {"Keys": [self._key(pk, sk) for pk, sk in wanted[start:start + self.BATCH_GET]],
                                         "ConsistentRead": True}}
            attempt = 0
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                for raw in response.get("Responses", {}).get(self.table_name, []):
                    if self._is_live(raw, now):
                        item = self._to_item(raw)
                        found[(item.pk, item.sk)] = item
                request = response.get("UnprocessedKeys") or None
                if request:
                    self._backoff(attempt)
                    attempt += 1
        return found

    def query(self, pk, *, index=None, sk_prefix=None, sk_from=None, sk_to=None, limit=100, cursor=None,
              descending=False, keys_only=False) -> Page:
        check_query(index, sk_prefix, sk_from, sk_to, limit, keys_only)
        ix = None
        if index is None:
            pk_attr, sk_attr, key_attrs = "pk", "sk", ("pk", "sk")
        else:
            ix = TABLE.index(index)
            pk_attr, sk_attr, key_attrs = ix.pk, ix.sk, ("pk", "sk", ix.pk, ix.sk)
        # Empty bounds mean what they mean to SQLite (DynamoDB refuses empty key values).
        sk_prefix = sk_prefix or None
        sk_from = sk_from or None
        if not pk or sk_to == "" or (sk_from is not None and sk_to is not None and sk_from > sk_to):
            return Page(items=[])

        condition = f"#{pk_attr} = :pk"
        if sk_prefix is not None:
            condition += f" AND begins_with(#{sk_attr}, :prefix)"
        elif sk_from is not None and sk_to is not None:
            condition += f" AND #{sk_attr} BETWEEN :from AND :to"
        elif sk_from is not None:
            condition += f" AND #{sk_attr} >= :from"
        elif sk_to is not None:
            condition += f" AND #{sk_attr} <= :to"
        values = {":pk": _s(pk), ":now": _n(self._now())}
        for name, value in ((":prefix", sk_prefix), (":from", sk_from), (":to", sk_to)):
            if value is not None:
                values[name] = _s(value)
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": condition,
            "FilterExpression": _LIVE,
            "ScanIndexForward": not descending,
            **_expression_args(condition, _LIVE, values=values),
        }
        if ix is None:
            request["ConsistentRead"] = True
        else:
            request["IndexName"] = ix.physical_name
        if cursor:
            request["ExclusiveStartKey"] = self._decode_cursor(cursor, key_attrs, pk_attr, pk)

        # One item beyond the page tells whether another page exists (as SQLite does).
        # Limit counts items before the expiry filter, so keep reading until enough are live.
        wanted = limit + 1
        raws: list[dict] = []
        request_limit = wanted
        while True:
            response = self._client.query(**request, Limit=request_limit)
            raws += response["Items"]
            last_evaluated = response.get("LastEvaluatedKey")
            if len(raws) >= wanted or not last_evaluated:
                break
            request["ExclusiveStartKey"] = last_evaluated
            request_limit = min(max(wanted - len(raws), request_limit * 2), 1000)
        listed = raws[:limit]
        next_cursor = self._encode_raw_cursor(listed[-1], key_attrs) if len(raws) > limit else None
        if ix is None or ix.projection is None:
            return Page(items=[self._to_item(raw) for raw in listed], cursor=next_cursor)
        if keys_only:
            return Page(items=[self._index_entry(raw, ix) for raw in listed], cursor=next_cursor)
        # the index holds keys: the items themselves come from the table, in one batched read
        found = self._fetch([(raw["pk"]["S"], raw["sk"]["S"]) for raw in listed])
        items = [found.get((raw["pk"]["S"], raw["sk"]["S"])) for raw in listed]

        def still_listed(item: Item | None) -> bool:
            """The item read from the table still belongs to the partition and bounds queried."""
            if item is None or item.keys.get(pk_attr) != pk:
                return False
            position = item.keys.get(sk_attr, "")
            return ((sk_prefix is None or position.startswith(sk_prefix))
                    and (sk_from is None or position >= sk_from) and (sk_to is None or position <= sk_to))

        return Page(items=[i for i in items if still_listed(i)], cursor=next_cursor)

    @staticmethod
    def _index_entry(raw: dict, ix) -> Item:
        return Item(pk=raw["pk"]["S"], sk=raw["sk"]["S"], keys={ix.pk: raw[ix.pk]["S"], ix.sk: raw[ix.sk]["S"]},
                    expires_at=int(raw[_TTL]["N"]) if _TTL in raw else None)

    @staticmethod
    def _encode_raw_cursor(raw: dict, key_attrs: Sequence[str]) -> str:
        key = {name: raw[name]["S"] for name in key_attrs}
        return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":"), sort_keys=True).encode()).decode()

    def scan(self, *, limit: int = 500, cursor: str | None = None) -> Page:
        """A strongly consistent ``Scan`` of the table, live items only, ``limit`` at a time."""
        check_query(None, None, None, None, limit)
        request: dict[str, Any] = {"TableName": self.table_name, "ConsistentRead": True,
                                   "FilterExpression": _LIVE,
                                   **_expression_args(_LIVE, values={":now": _n(self._now())})}
        if cursor:
            request["ExclusiveStartKey"] = self._decode_cursor(cursor, ("pk", "sk", _SCAN), "pk", None)
            del request["ExclusiveStartKey"][_SCAN]
        wanted, items = limit + 1, []
        request_limit = wanted
        while True:
            response = self._client.scan(**request, Limit=request_limit)
            items += [self._to_item(raw) for raw in response["Items"]]
            last_evaluated = response.get("LastEvaluatedKey")
            if len(items) >= wanted or not last_evaluated:
                break
            request["ExclusiveStartKey"] = last_evaluated
            request_limit = min(max(wanted - len(items), request_limit * 2), 1000)
        page = items[:limit]
        next_cursor = None
        if len(items) > limit:  # marked, so that a partition's cursor is refused here and this one there
            marked = Item(pk=page[-1].pk, sk=page[-1].sk, keys={_SCAN: "1"})
            next_cursor = self._encode_cursor(marked, ("pk", "sk", _SCAN))
        return Page(items=page, cursor=next_cursor)

    @staticmethod
    def _encode_cursor(item: Item, key_attrs: Sequence[str]) -> str:
        values = {"pk": item.pk, "sk": item.sk, **item.keys}
        key = {name: values[name] for name in key_attrs}
        return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":"), sort_keys=True).encode()).decode()

    @staticmethod
    def _decode_cursor(cursor: str, key_attrs: Sequence[str], pk_attr: str, pk: str | None) -> dict:
        """The ``ExclusiveStartKey`` a cursor holds; ``pk`` None for a scan (any partition)."""
        try:
            key = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        except ValueError:
            raise ValueError("malformed cursor") from None
        if (not isinstance(key, dict) or set(key) != set(key_attrs)
                or not all(isinstance(v, str) and v for v in key.values())):
            raise ValueError("malformed cursor")
        if pk is not None and key[pk_attr] != pk:
            raise ValueError("the cursor belongs to another partition")
        return {name: _s(value) for name, value in key.items()}

    # --- writes ------------------------------------------------------------------------
    def write(self, ops: Sequence[Op]) -> None:
        check_ops(ops)
        if not ops:
            return
        #: unconditional puts last found expired: sent as creates (see the module docstring)
        as_create: set[int] = set()
        codes: list[str] = []
        for attempt in range(self.WRITE_ATTEMPTS):
            now = self._now()
            actions = [self._action(op, now, index in as_create) for index, op in enumerate(ops)]
            codes = self._send(actions)
            if not codes:
                return
            refused = [i for i, code in enumerate(codes) if code == _CONDITION and ops[i].expect is not ANY]
            if refused:
                raise ConditionFailed(refused[0])
            raced = {i for i, code in enumerate(codes) if code == _CONDITION}
            if raced:
                as_create ^= raced  # only unconditional puts get here: switch their form
                continue
            log.debug("write attempt %d cancelled: %s", attempt + 1, codes)
            self._backoff(attempt)
        failing = next((i for i, code in enumerate(codes) if code != "None"), 0)
        raise ConditionFailed(failing, "write kept meeting concurrent writers")

    def _action(self, op: Op, now: int, as_create: bool) -> tuple[str, dict]:
        """The ``TransactWriteItems`` action (its name and body) for one operation."""
        values = {":now": _n(now)}
        if op.expect is not ANY and op.expect != ABSENT:
            values[":expected"] = _n(op.expect)
        condition = None if op.expect is ANY else (_ABSENT_OR_EXPIRED if op.expect == ABSENT else _VERSION_IS)
        table = {"TableName": self.table_name}
        if isinstance(op, Put):
            if op.expect is ANY and not as_create:
                return "Update", self._replace(op.item, now)
            if op.expect is ANY:
                condition = _ABSENT_OR_EXPIRED
            version = 1 if op.expect in (ANY, ABSENT) else op.expect + 1
            return "Put", {**table, "Item": self._attributes(op.item, version), "ConditionExpression": condition,
                           **_expression_args(condition, values=values)}
        key = self._key(*op_key(op))
        if isinstance(op, Delete):
            if condition is None:
                return "Delete", {**table, "Key": key}
            return "Delete", {**table, "Key": key, "ConditionExpression": condition,
                              **_expression_args(condition, values=values)}
        condition = condition or _ALWAYS  # a Check without expectation still takes part
        return "ConditionCheck", {**table, "Key": key, "ConditionExpression": condition,
                                  **_expression_args(condition, values=values)}

    def _replace(self, item: Item, now: int) -> dict:
        """An unconditional put of a live or absent item: every attribute set or removed, the
        version raised by one (created at 1)."""
        values = {":now": _n(now), ":one": _n(1), ":body": _body_value(item.body)}
        sets, removes = ["#body = :body"], [f"#{_COUNTER}"]
        if item.expires_at is None:
            removes.append(f"#{_TTL}")
        else:
            sets.append(f"#{_TTL} = :{_TTL}")
            values[f":{_TTL}"] = _n(item.expires_at)
        for name in _INDEX_ATTRS:
            if name in item.keys:
                sets.append(f"#{name} = :{name}")
                values[f":{name}"] = _s(item.keys[name])
            else:
                removes.append(f"#{name}")
        update = f"SET {', '.join(sets)} REMOVE {', '.join(removes)} ADD #version :one"
        return {"TableName": self.table_name, "Key": self._key(item.pk, item.sk), "UpdateExpression": update,
                "ConditionExpression": _LIVE_OR_ABSENT,
                **_expression_args(update, _LIVE_OR_ABSENT, values=values)}

    _SINGLE = {"Put": "put_item", "Update": "update_item", "Delete": "delete_item"}

    def _send(self, actions: list[tuple[str, dict]]) -> list[str]:
        """Send the actions: [] when written, else one cancellation code per action
        (``None`` for those that were not the cause)."""
        if len(actions) == 1 and actions[0][0] in self._SINGLE:
            name, request = actions[0]
            try:
                getattr(self._client, self._SINGLE[name])(**request)
            except ClientError as exc:
                code = exc.response["Error"]["Code"]
                if code == "ConditionalCheckFailedException":
                    return [_CONDITION]
                if code == "TransactionConflictException":  # the item is in a running transaction
                    return ["TransactionConflict"]
                raise
            return []
        try:
            self._client.transact_write_items(TransactItems=[{name: request} for name, request in actions])
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            codes = [reason.get("Code", "None") for reason in exc.response.get("CancellationReasons", [])]
            if len(codes) != len(actions) or any(c not in _RETRYABLE | {"None", _CONDITION} for c in codes):
                raise
            return codes
        return []

    def _backoff(self, attempt: int) -> None:
        time.sleep(random.uniform(0, min(self._BACKOFF_CAP, self._BACKOFF_BASE * 2 ** attempt)))

    def increment(self, pk: str, sk: str, by: int = 1, expires_at: int | None = None) -> int:
        """One ``UpdateItem`` adding ``by`` to a live counter or creating an absent one (``ADD``
        starts from zero); restarting an expired counter, or converting an item written by
        ``write``, is a conditional put, retried through the update if another writer got
        there first."""
        check_increment(pk, sk, by, expires_at)
        key = self._key(pk, sk)
        for attempt in range(self.WRITE_ATTEMPTS):
            now = self._now()
            values = {":by": _n(by), ":one": _n(1), ":now": _n(now)}
            if expires_at is None:
                update = f"ADD #{_COUNTER} :by, #version :one REMOVE #{_TTL}"
            else:
                update = f"ADD #{_COUNTER} :by, #version :one SET #{_TTL} = :expires"
                values[":expires"] = _n(expires_at)
            condition = f"(attribute_not_exists(#pk) OR (attribute_exists(#{_COUNTER}) AND {_LIVE}))"
            try:
                response = self._client.update_item(
                    TableName=self.table_name, Key=key, UpdateExpression=update, ConditionExpression=condition,
                    ReturnValues="UPDATED_NEW", **_expression_args(update, condition, values=values))
                return int(response["Attributes"][_COUNTER]["N"])
            except ClientError as exc:
                code = exc.response["Error"]["Code"]
                if code == "TransactionConflictException":
                    self._backoff(attempt)
                    continue
                if code != "ConditionalCheckFailedException":
                    raise
            started = self._start_counter(pk, sk, by, expires_at, now)
            if started is not None:
                return started
        raise ConditionFailed(0, "counter kept meeting concurrent writers")

    def _start_counter(self, pk: str, sk: str, by: int, expires_at: int | None, now: int) -> int | None:
        """Write the counter as a new item from what is stored (nothing, an expired item, or an
        item with a JSON body) and return its value; None if another writer changed it meanwhile."""
        key = self._key(pk, sk)
        raw = self._client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True).get("Item")
        values = {":now": _n(now)}
        if raw is not None and self._is_live(raw, now):
            current = self._to_item(raw)
            value, version = int(current.body.get("n", 0)) + by, current.version + 1
            condition = _VERSION_IS
            values[":expected"] = _n(current.version)
        else:
            value, version, condition = by, 1, _ABSENT_OR_EXPIRED
        attributes = {**key, "version": _n(version), _COUNTER: _n(value)}
        if expires_at is not None:
            attributes[_TTL] = _n(expires_at)
        try:
            self._client.put_item(TableName=self.table_name, Item=attributes, ConditionExpression=condition,
                                  **_expression_args(condition, values=values))
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in ("ConditionalCheckFailedException", "TransactionConflictException"):
                raise
            return None
        return value
