"""The one table and its secondary indexes: the single definition used by the SQLite
adapter (columns and partial indexes), the DynamoDB adapter, DynamoDB Local table creation
in the tests, and ``infra/template.yaml`` (a test checks that the template agrees).

Key layout (``pk`` / ``sk``), by record type (see ``portal.store.repositories``):

==========================  ==========================  ======================================
record                      pk                          sk
==========================  ==========================  ======================================
complaint                   ``CMP#<id>``                ``#META``
complaint history event     ``CMP#<id>``                ``EVT#<n:06d>``
ticket audit entry          ``CMP#<id>``                ``AUD#<instant>#<rand>``
disclosure request          ``CMP#<id>``                ``DISC#<n:04d>``
outbox SMS (idempotent)     ``CMP#<id>`` / ``VER#..``   ``SMS#<kind>``
receipt hash (unique)       ``RCPT#<hmac>``             ``#``
case                        ``CASE#<id>``               ``#META`` / ``REWARD``
reward beneficiary pointer  ``CMP#<id>``                ``REWARD``
reward claims per phone     ``RWDPHONE#<hmac>``         ``<instant>#<case id>``
staff account               ``STAFF``                   ``<username>``
campaign records            ``CAMP#<id>``               ``#META`` ... (``portal.store.repositories.campaigns``)
==========================  ==========================  ======================================
"""

from __future__ import annotations

from dataclasses import dataclass


#: what every index projects besides its keys: the expiry, so that an index read can leave
#: out expired items as a table read does (``docs/development.md``, "Index projections")
EXPIRY_ONLY = ("expires_at",)


@dataclass(frozen=True)
class IndexDef:
    name: str
    pk: str
    sk: str
    purpose: str
    #: attributes DynamoDB copies into the index besides the table's and the index's keys
    #: (``INCLUDE``); ``None``: the whole item (``ALL``). Each copy is written again whenever
    #: a projected attribute changes, so an index projects only what its readers use without
    #: the item; a reader that needs bodies gets them by one batched read of the table
    projection: tuple[str, ...] | None = EXPIRY_ONLY
    #: the index's name in DynamoDB. A projection cannot change in place: a new projection
    #: is a new index under a new name (``README.md``, "Changing the table's indexes")
    dynamodb_name: str = ""

    @property
    def physical_name(self) -> str:
        return self.dynamodb_name or self.name

    @property
    def projection_definition(self) -> dict:
        if self.projection is None:
            return {"ProjectionType": "ALL"}
        if not self.projection:
            return {"ProjectionType": "KEYS_ONLY"}
        return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(self.projection)}


@dataclass(frozen=True)
class TableDef:
    pk: str
    sk: str
    indexes: tuple[IndexDef, ...]
    ttl_attribute: str

    def index(self, name: str) -> IndexDef:
        for ix in self.indexes:
            if ix.name == name:
                return ix
        raise KeyError(f"no index named {name!r}")

    def index_of_pk(self, attribute: str) -> IndexDef:
        """The index whose partition key is ``attribute``."""
        for ix in self.indexes:
            if ix.pk == attribute:
                return ix
        raise KeyError(f"no index keyed on {attribute!r}")

    @property
    def key_attributes(self) -> tuple[str, ...]:
        names = [self.pk, self.sk]
        for ix in self.indexes:
            names += [ix.pk, ix.sk]
        return tuple(names)


TABLE = TableDef(
    pk="pk",
    sk="sk",
    ttl_attribute="expires_at",
    indexes=(
        # Projections (``docs/development.md``, "Index projections"): every index carries its
        # keys and the expiry only. The sweeper reads the due index's keys alone; every other
        # reader lists records it then reads whole, in one batched read per page.
        IndexDef("queue", "queue_pk", "queue_sk", "department queue: open tickets by nearest deadline, closed by date",
                 dynamodb_name="queue-k"),
        IndexDef("area", "area_pk", "area_sk", "township queue: tickets co-handled in a township",
                 dynamodb_name="area-k"),
        IndexDef("county", "county_pk", "county_sk", "county-wide lists: supervisors' view, reward ledger, alerts",
                 dynamodb_name="county-k"),
        IndexDef("case", "case_pk", "case_sk", "complaints of one case by receipt time and sequence",
                 dynamodb_name="case-k"),
        IndexDef("nearby", "nearby_pk", "nearby_sk", "complaints of one category by receipt time (merge suggestions)",
                 dynamodb_name="nearby-k"),
        IndexDef("due", "due_pk", "due_sk", "sparse, sharded by bucket: items the sweeper must look at, by wake time",
                 dynamodb_name="due-k"),
    ),
)


def dynamodb_table_definition(table_name: str) -> dict:
    """Keyword arguments for ``CreateTable`` (on-demand billing); also what ``infra/`` declares."""
    attributes = [TABLE.pk, TABLE.sk]
    for ix in TABLE.indexes:
        attributes += [ix.pk, ix.sk]
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in attributes],
        "KeySchema": [
            {"AttributeName": TABLE.pk, "KeyType": "HASH"},
            {"AttributeName": TABLE.sk, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": ix.physical_name,
                "KeySchema": [
                    {"AttributeName": ix.pk, "KeyType": "HASH"},
                    {"AttributeName": ix.sk, "KeyType": "RANGE"},
                ],
                "Projection": ix.projection_definition,
            }
            for ix in TABLE.indexes
        ],
    }
