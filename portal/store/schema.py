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


@dataclass(frozen=True)
class IndexDef:
    name: str
    pk: str
    sk: str
    purpose: str


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
        IndexDef("queue", "queue_pk", "queue_sk", "department queue: open tickets by nearest deadline, closed by date"),
        IndexDef("area", "area_pk", "area_sk", "township queue: tickets co-handled in a township"),
        IndexDef("county", "county_pk", "county_sk", "county-wide lists: supervisors' view, reward ledger, alerts"),
        IndexDef("case", "case_pk", "case_sk", "complaints of one case by receipt time and sequence"),
        IndexDef("nearby", "nearby_pk", "nearby_sk", "complaints of one category by receipt time (merge suggestions)"),
        IndexDef("due", "due_pk", "due_sk", "sparse, sharded by bucket: items the sweeper must look at, by wake time"),
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
                "IndexName": ix.name,
                "KeySchema": [
                    {"AttributeName": ix.pk, "KeyType": "HASH"},
                    {"AttributeName": ix.sk, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for ix in TABLE.indexes
        ],
    }
