"""One interface for every store of the estate: SQL databases and folders of files.

Code above this module never asks which kind a store is. Data crosses the interface as Arrow
tables and record batches; every method works on whole sets of rows, never one row at a time.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Self

import pyarrow as pa

from connectors.text_match import TextMatch


class StoreError(Exception):
    """A store cannot be reached or read. The message is one line a person can act on."""


# A value quoted in a message ("Duplicate entry 'x@y.com'") or an email in it is personal data.
_QUOTED_VALUE = re.compile(r"""((?:entry|value:?|:)\s*)(['"])(?:(?!\2).)*\2""")
_EMAIL = re.compile(r"[^\s'\"@]+@[^\s'\"@]+")
MAX_REASON = 300
# The one table a store that cannot be listed at all reports (unreadable, with the reason).
WHOLE_STORE = "*"


def one_line(message: str, fallback: str = "error") -> str:
    """The first line of a message, shortened, with no quoted value or email address in it."""
    lines = message.strip().splitlines()
    text = lines[0].strip() if lines else fallback
    text = _EMAIL.sub("…@…", _QUOTED_VALUE.sub(r"\1\2…\2", text))
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


_WHOLE_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")


def comparable(values: Sequence[object], type_: pa.DataType) -> list[object]:
    """The values to look for in a column of `type_`, once each, as plain Python values: text for a
    text column (42 -> '42'), whole numbers for an integer column ('42' -> 42; text that is no
    whole number written plainly, such as '042' or 'A7', cannot be held there and is dropped)."""
    as_text = pa.types.is_string(type_) or pa.types.is_large_string(type_)
    as_integer = pa.types.is_integer(type_)
    wanted: dict[object, None] = {}
    for value in values:
        if isinstance(value, pa.Scalar):
            value = value.as_py()
        elif hasattr(value, "item"):  # a numpy scalar
            value = value.item()
        if value is None:
            continue
        if as_text and not isinstance(value, str):
            value = str(value)
        elif as_integer and isinstance(value, str):
            if not _WHOLE_NUMBER.fullmatch(value.strip()):
                continue
            value = int(value.strip())
        wanted[value] = None
    return list(wanted)


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: pa.DataType
    nullable: bool = True
    native_type: str = ""  # the store's own type name (VARCHAR(80), MONEY, int64, ...)
    generated: bool = False  # computed by the database from other columns: never written


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str  # qualified like a table name of the same store (schema.table outside the default)
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class TableInfo:
    name: str  # "customers", or "schema.table" for a table outside the store's default schema
    columns: tuple[ColumnInfo, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    row_count: int | None = None  # exact where cheap, else the store's estimate
    partitioning: tuple[str, ...] = ()  # hive partition columns of a file dataset, or an SQL partition key
    kind: Literal["table", "view"] = "table"  # a view (plain or materialized) is read, never written
    partitions: tuple[str, ...] = ()  # the partitions of a partitioned SQL table, read through it
    unreadable: str | None = None  # why the role cannot read it (the database's reason), else None
    refresh: str | None = None  # a materialized view: the statement that refreshes it

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def generated(self) -> frozenset[str]:
        """The columns the database computes from others: never written (deleted, masked or set)."""
        return frozenset(c.name for c in self.columns if c.generated)

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, c.nullable) for c in self.columns])


@dataclass(frozen=True)
class Split:
    """A part of a table one task can read on its own, named in the store's terms (picklable).

    `part` is the store's: for files (file relative to the store, first row group, row groups),
    for SQL (key column, low, high) over an integer key; `()` is the whole table.
    """

    table: str
    part: tuple[str | int | None, ...] = ()
    rows: int | None = None  # about how many rows it holds


@dataclass(frozen=True)
class TableChange:
    """Rows of one table to delete and to update, each named by the values of `key` columns.

    `deletes` holds the key columns of the rows to delete. `updates` holds the key columns plus
    the columns to set, with their new values (one row per row to update).
    """

    table: str
    key: tuple[str, ...]
    deletes: pa.Table | None = None
    updates: pa.Table | None = None


# An update column named NEW_VALUE + c sets column c where c is also a key column: a row of a
# table without a key is named by all its values, the old text among them.
NEW_VALUE = "__ccpa_new__"


def set_target(column: str) -> str:
    """The column an update column sets: itself, or the key column it is the new value of."""
    return column.removeprefix(NEW_VALUE)


@dataclass(frozen=True)
class SkippedFile:
    """A file of a files store that is not read as (part of) a table, and why."""

    path: str  # relative to the store's folder, with `/`
    reason: str


@dataclass
class ChangeResult:
    table: str
    deleted: int = 0
    updated: int = 0
    files_rewritten: list[str] = field(default_factory=list)


class Store(ABC):
    """A store of the estate. Opened by `connectors.open_store`; close it when done."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.kept = False  # held open for several tasks (`connectors.keeping_stores`): `with` leaves it open

    @abstractmethod
    def tables(self) -> list[TableInfo]:
        """Every table of the store (after include/exclude), with columns, keys and foreign keys."""

    def all_table_names(self) -> list[str]:
        """Every table of the store before include/exclude (the estate's names are checked on them)."""
        return [info.name for info in self.tables()]

    def skipped(self) -> list[SkippedFile]:
        """Files the store holds but cannot read as tables (empty, not a table format, corrupt)."""
        return []

    def table(self, name: str) -> TableInfo:
        for info in self.tables():
            if info.name == name:
                return info
        raise StoreError(f"store {self.name!r} has no table {name!r}")

    @abstractmethod
    def sample(self, table: str, n: int, columns: Sequence[str] | None = None, seed: int = 0) -> pa.Table:
        """About `n` rows drawn at random (all rows of a smaller table), without reading the whole table."""

    @abstractmethod
    def scan(
        self, table: str, columns: Sequence[str] | None = None, batch_size: int = 65_536
    ) -> Iterator[pa.RecordBatch]:
        """Every row of the table, as record batches holding only `columns` (all by default)."""

    def splits(self, table: str, rows: int = 1_000_000) -> list[Split]:
        """Parts of about `rows` rows that together hold every row once (by default, the whole table)."""
        self.table(table)
        return [Split(table)]

    def scan_split(
        self,
        split: Split,
        columns: Sequence[str] | None = None,
        batch_size: int = 65_536,
        encoded: Sequence[str] = (),
        matching: TextMatch | None = None,
    ) -> Iterator[pa.RecordBatch]:
        """Every row of one split, as `scan` reads the whole table. The text columns named in
        `encoded` are expected to hold few values: they may come dictionary-encoded where the
        store holds them so (Parquet: each row group's distinct values once and an index per row),
        and a match over them may be answered from their distinct values (SQLite:
        `connectors._sql_few_values`). `matching`: only the rows it keeps (`TextMatch.rows`; its
        columns among `columns`), which a database is asked for first."""
        batches = self.scan(split.table, columns, batch_size)
        return matching.kept(batches) if matching else batches

    @abstractmethod
    def find(
        self,
        table: str,
        column: str,
        values: Sequence[object],
        columns: Sequence[str] | None = None,
        casefold: bool = False,
    ) -> pa.Table:
        """Rows whose `column` is one of `values`, in bulk (chunked IN lists / filter push-down).

        `casefold`: compare text lower-cased on both sides (emails are held in any case); `values`
        must then be lower case. It costs the index: the column is lower-cased where it is read.
        """

    @abstractmethod
    def apply(self, changes: Sequence[TableChange]) -> list[ChangeResult]:
        """Deletes and updates, in one transaction for a database; each changed file rewritten atomically."""

    @abstractmethod
    def fingerprint(self, table: str) -> str:
        """A cheap token that changes when the table's content changes (counts, sizes, mtimes)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.kept:
            self.close()
