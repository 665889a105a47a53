"""What a consumer's request works with: who asks, and the records found for them, table by table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyarrow as pa


@dataclass(frozen=True)
class Identity:
    """A normalised identifier a request starts from (email lower-cased, phone as E.164 digits...)."""

    kind: str  # email | phone | customer_id | imsi | iccid | msisdn | imei | login_name
    value: str


@dataclass(frozen=True)
class ColumnMeaning:
    """What the inventory says a column holds."""

    category: str | None
    entity: str | None
    sensitive_kind: str | None = None
    held: frozenset[str] = frozenset()  # a document column: the entities of its paths
    also: frozenset[str] = frozenset()  # other entities among its values (emails and phones mixed)


@dataclass
class TableRecords:
    """One table's rows that belong to (or mention) the consumer."""

    store: str
    table: str
    rows: pa.Table  # every column of the table, as stored
    via: str  # how they were found, in words: "email", "accounts.customer_id -> customers.id", ...
    event_time: str | None = None  # the column the look-back applies to
    reference: bool = False  # shared or catalogue rows (a plan, an address two consumers use)
    mention_only: bool = False  # rows owned by someone else that mention the consumer in free text
    keys: pa.Table | None = None  # mention rows: their key columns (never written to a package)
    reason: str = ""  # why these rows are the consumer's, shared or reference data (ownership.py)
    # column -> values in it that are keys of another person's record: a package shows a note instead
    other_keys: dict[str, set[str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.store}.{self.table}"


@dataclass(frozen=True)
class Period:
    start: dt.date | None  # None: all time (data since the estate began)
    end: dt.date


@dataclass
class AccessRequest:
    request_id: str
    identity: Identity
    received: dt.datetime
    period: Period
    tables: list[TableRecords] = field(default_factory=list)
    # rows reached from the consumer's but someone else's: {"table", "rows", "why"}, never their values
    left_out: list[dict[str, object]] = field(default_factory=list)
