"""A store moved to another kind (a folder of CSV, JSON lines or Parquet files, or a database on
a live PostgreSQL or MariaDB server), and the Parquet folders' tables renamed in place.

The rows are read through the store's connector (what the product reads) and written as an export
tool would: CSV and JSON lines with ISO date-times and exact decimals as text, Parquet with the
Arrow types, a server through SQLAlchemy with the SQLite tables' types, keys and foreign keys.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from connectors import load_estate, open_store

KINDS = ("csv", "jsonl", "parquet", "postgresql", "mariadb")
SERVERS = ("postgresql", "mariadb")
BUSINESS = ("kind", "url", "schemas", "path", "format")  # what a store's kind decides; the rest moves along


def move_store(estate_file: Path, store: str, kind: str, url: str | None) -> dict[str, Any]:
    """Copy every table of `store` to `kind`; returns the store's new estate-file entry."""
    estate = load_estate(estate_file)
    config = estate.stores[store]
    entry = {k: v for k, v in config.model_dump(mode="json").items() if k not in BUSINESS}
    with open_store(store, config) as source:
        tables = {info.name: _read(source, info.name, info.schema) for info in source.tables()}
    if kind in SERVERS:
        assert url, f"a {kind} database to move {store} to"
        _to_server(str(getattr(config, "url", "")), url, tables)
        return {"kind": "sql", "url": url, **entry}
    folder = estate_file.parent / f"{store}_{kind}"
    folder.mkdir()
    for name, data in tables.items():
        WRITERS[kind](data, folder / f"{name}.{kind}")
    return {"kind": "files", "path": folder.name, "format": kind, **entry}


def _read(source: Any, table: str, schema: pa.Schema) -> pa.Table:
    batches = list(source.scan(table))
    return pa.Table.from_batches(batches, schema=batches[0].schema if batches else schema)


def _exported(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _write_csv(data: pa.Table, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(data.column_names)
        for row in data.to_pylist():
            writer.writerow(
                "" if v is None else repr(v) if isinstance(v, float) else _exported(v) for v in row.values()
            )


def _write_jsonl(data: pa.Table, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in data.to_pylist():
            out.write(json.dumps({k: _exported(v) for k, v in row.items()}) + "\n")


def _write_parquet(data: pa.Table, path: Path) -> None:
    pq.write_table(data, path)


WRITERS = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}


def _to_server(sqlite_url: str, url: str, tables: Mapping[str, pa.Table]) -> None:
    """The SQLite database's tables (types made portable, keys and foreign keys kept) created at
    `url` and filled with `tables`' rows."""
    source = sa.create_engine(sqlite_url)
    reflected = sa.MetaData()
    reflected.reflect(source)
    source.dispose()
    metadata = sa.MetaData()
    for table in reflected.sorted_tables:
        columns = [
            sa.Column(
                c.name, _portable(c.type), primary_key=c.primary_key, nullable=c.nullable, autoincrement=False
            )
            for c in table.columns
        ]
        keys = [
            sa.ForeignKeyConstraint(
                list(fk.column_keys), [f"{e.column.table.name}.{e.column.name}" for e in fk.elements]
            )
            for fk in table.foreign_key_constraints
        ]
        sa.Table(table.name, metadata, *columns, *keys)
    target = sa.create_engine(url)
    try:
        metadata.create_all(target)
        with target.begin() as conn:
            for table in metadata.sorted_tables:
                if tables[table.name].num_rows:
                    conn.execute(table.insert(), tables[table.name].to_pylist())
    finally:
        target.dispose()


def _portable(type_: Any) -> Any:
    generic = type_.as_generic()
    if isinstance(generic, sa.Float):
        return sa.Double()  # MariaDB's FLOAT is single precision
    return generic


# --- Parquet folders --------------------------------------------------------------------------------


def parquet_tables(folder: Path) -> list[str]:
    """The tables of a Parquet folder: its files and its (hive-partitioned) sub-folders."""
    return sorted(
        p.stem if p.is_file() else p.name
        for p in folder.iterdir()
        if not p.name.startswith((".", "_")) and (p.is_dir() or p.suffix == ".parquet")
    )


def parquet_files(folder: Path, table: str) -> list[Path]:
    single = folder / f"{table}.parquet"
    return [single] if single.is_file() else sorted((folder / table).rglob("*.parquet"))


def parquet_columns(folder: Path) -> dict[str, list[str]]:
    """Per table, its columns: the files' and the partitions' keys."""
    found = {}
    for table in parquet_tables(folder):
        files = parquet_files(folder, table)
        nested = files[0].parent != folder
        keys = (
            [part.split("=")[0] for part in files[0].relative_to(folder / table).parts[:-1]] if nested else []
        )
        found[table] = [*pq.read_schema(files[0]).names, *keys]
    return found


def rename_parquet(folder: Path, tables: Mapping[str, str], columns: Mapping[str, Mapping[str, str]]) -> None:
    for table, new in tables.items():
        renames = columns.get(table, {})
        for path in parquet_files(folder, table):
            data = pq.read_table(path, partitioning=None)
            pq.write_table(data.rename_columns([renames.get(n, n) for n in data.column_names]), path)
        if (folder / f"{table}.parquet").is_file():
            (folder / f"{table}.parquet").rename(folder / f"{new}.parquet")
            continue
        for partition in sorted((p for p in (folder / table).rglob("*=*") if p.is_dir()), reverse=True):
            key, value = partition.name.split("=", 1)
            partition.rename(partition.with_name(f"{renames.get(key, key)}={value}"))
        (folder / table).rename(folder / new)
