"""Loads Arrow tables into a SQL database through SQLAlchemy Core: tables created fresh, rows
inserted in chunks (one executemany per chunk), the same code for SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pyarrow as pa
import sqlalchemy as sa

CHUNK_ROWS = 5_000


def load_tables(
    url: str,
    metadata: sa.MetaData,
    tables: Mapping[str, pa.Table],
    written: Callable[[str, int], None],
) -> None:
    """Drop and re-create every table of `metadata` at `url`, then insert `tables` (parents first).

    `written(table, rows)` is called after each table is committed.
    """
    missing = {t.name for t in metadata.sorted_tables} ^ set(tables)
    if missing:
        raise ValueError(f"tables without rows or without a definition: {sorted(missing)}")
    engine = sa.create_engine(url)
    try:
        metadata.drop_all(engine)
        metadata.create_all(engine)
        for table in metadata.sorted_tables:
            _insert(engine, table, tables[table.name])
            written(table.name, tables[table.name].num_rows)
    finally:
        engine.dispose()


def _insert(engine: sa.Engine, table: sa.Table, rows: pa.Table) -> None:
    if rows.column_names != list(table.columns.keys()):
        raise ValueError(f"{table.name}: rows have columns {rows.column_names}, table {table.columns.keys()}")
    with engine.begin() as conn:
        for batch in rows.to_batches(max_chunksize=CHUNK_ROWS):
            conn.execute(table.insert(), batch.to_pylist())
