"""Every row of an estate as plain Python values, to compare an estate before and after a deletion.

SQL tables are read through SQLAlchemy with the driver's own values (no type processing), ordered by
the primary key and then every other column; file tables through pyarrow.dataset, sorted by every
column. Files also have their bytes and mtime recorded, to tell which ones a change rewrote.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow.dataset as ds
import sqlalchemy as sa

from connectors import load_estate
from connectors.estate import FilesStoreConfig

FILE_FORMATS = {".parquet": "parquet", ".csv": "csv", ".jsonl": "json"}
UNORDERABLE = ("JSON", "XML", "BYTEA", "BLOB")  # types a database cannot ORDER BY (or not usefully)


@dataclass(frozen=True)
class TableRows:
    """A table's rows, in a canonical order, as tuples of the values the store hands back."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]

    def column(self, name: str) -> list[object]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def records(self, column: str, values: Collection[object]) -> list[dict[str, object]]:
        """The rows whose `column` is one of `values`, as dicts."""
        index = self.columns.index(column)
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows if row[index] in values]

    def only(self, column: str, values: Collection[object]) -> TableRows:
        index = self.columns.index(column)
        return TableRows(self.columns, tuple(row for row in self.rows if row[index] in values))

    def without(self, column: str, values: Collection[object]) -> TableRows:
        index = self.columns.index(column)
        return TableRows(self.columns, tuple(row for row in self.rows if row[index] not in values))

    def text(self) -> str:
        """Every non-null cell as lower-case text, one per line: for substring searches."""
        return "\n".join(str(value).lower() for row in self.rows for value in row if value is not None)


Snapshot = dict[str, TableRows]  # "store.table" -> rows


def sql_tables(url: str, schemas: Iterable[str] = ()) -> dict[str, TableRows]:
    """Every table of the default schema (and of `schemas`: named `schema.table`) of a database."""
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        default = inspector.default_schema_name
        wanted = list(dict.fromkeys([default, *schemas]))
        with engine.connect() as conn:
            return {
                table if schema == default else f"{schema}.{table}": _sql_rows(conn, inspector, schema, table)
                for schema in wanted
                for table in sorted(inspector.get_table_names(schema=schema))
            }
    finally:
        engine.dispose()


def _sql_rows(conn: sa.Connection, inspector: sa.Inspector, schema: str | None, table: str) -> TableRows:
    columns = inspector.get_columns(table, schema=schema)
    names = tuple(str(c["name"]) for c in columns)
    key = inspector.get_pk_constraint(table, schema=schema)["constrained_columns"] or []
    orderable = [str(c["name"]) for c in columns if not str(c["type"]).upper().startswith(UNORDERABLE)]
    order = [*key, *(name for name in orderable if name not in key)]
    quote = conn.dialect.identifier_preparer.quote
    source = quote(table) if schema is None else f"{quote(schema)}.{quote(table)}"
    query = f"SELECT {', '.join(map(quote, names))} FROM {source} ORDER BY {', '.join(map(quote, order))}"
    return TableRows(names, tuple(tuple(row) for row in conn.exec_driver_sql(query)))


def file_tables(folder: Path) -> dict[str, TableRows]:
    """Each file or sub-directory (hive-partitioned) of a files store as one table."""
    tables = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "_")):
            continue
        if path.is_dir():
            formats = {FILE_FORMATS.get(p.suffix) for p in path.rglob("*") if p.is_file()} - {None}
            (fmt,) = formats
            dataset = ds.dataset(path, format=fmt, partitioning="hive")
        elif path.suffix in FILE_FORMATS:
            dataset = ds.dataset(path, format=FILE_FORMATS[path.suffix])
        else:
            continue
        data = dataset.to_table()
        data = data.sort_by([(name, "ascending") for name in data.column_names])
        rows = tuple(tuple(record.values()) for record in data.to_pylist())
        tables[path.stem if path.is_file() else path.name] = TableRows(tuple(data.column_names), rows)
    return tables


def estate_snapshot(estate_file: Path) -> Snapshot:
    """Every table of every store of an estate file, keyed `store.table`."""
    snapshot: Snapshot = {}
    for name, config in load_estate(estate_file).stores.items():
        if isinstance(config, FilesStoreConfig):
            tables = file_tables(config.path)
        else:
            tables = sql_tables(config.url, config.schemas)
        snapshot.update({f"{name}.{table}": rows for table, rows in tables.items()})
    return snapshot


def without_rows(snapshot: Snapshot, owned: Mapping[str, set[object]], keys: Mapping[str, str]) -> Snapshot:
    """The snapshot less the rows in `owned` ("store.table" -> key values; key column from `keys`,
    else `id`)."""
    return {
        table: rows.without(keys.get(table, "id"), owned[table]) if table in owned else rows
        for table, rows in snapshot.items()
    }


def differences(before: Snapshot, after: Snapshot) -> dict[str, str]:
    """Per table that differs, how: counts of rows, never their values (failures print no PI)."""
    found = {}
    for table in sorted(before.keys() | after.keys()):
        old, new = before.get(table), after.get(table)
        if old == new:
            continue
        if old is None or new is None:
            found[table] = "only after" if old is None else "only before"
        elif old.columns != new.columns:
            found[table] = "columns differ"
        else:
            gone, added = Counter(old.rows) - Counter(new.rows), Counter(new.rows) - Counter(old.rows)
            found[table] = f"{gone.total()} rows only before, {added.total()} rows only after"
    return found


def occurrences(snapshot: Snapshot, values: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Per table, the kinds of value (keys of `values`) found in any cell, in any case.

    Names the kinds, never the values: a failing assertion must not print personal data."""
    found: dict[str, list[str]] = {}
    for table, rows in snapshot.items():
        text = rows.text()
        kinds = [kind for kind, wanted in values.items() if any(v.lower() in text for v in wanted if v)]
        if kinds:
            found[table] = kinds
    return found


def file_states(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under `folder` (hidden ones too): relative path -> (SHA-256 of its bytes, mtime_ns)."""
    return {
        str(path.relative_to(folder)): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            os.stat(path).st_mtime_ns,
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
