"""Loads Arrow tables into a SQL database through SQLAlchemy Core: tables created fresh, rows
inserted in chunks (one executemany per chunk), the same code for SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pyarrow as pa
import sqlalchemy as sa

from connectors import StoreError
from connectors.masking import mask_secrets

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
    try:
        engine = sa.create_engine(url)
    except (sa.exc.SQLAlchemyError, ImportError) as err:
        raise StoreError(f"demo database {mask_secrets(url)}: {_first_line(err)}") from None
    try:
        metadata.drop_all(engine)
        metadata.create_all(engine)
        for table in metadata.sorted_tables:
            _insert(engine, table, tables[table.name])
            written(table.name, tables[table.name].num_rows)
    except sa.exc.OperationalError as err:  # the server cannot be reached or refuses the login
        shown = mask_secrets(engine.url.render_as_string(hide_password=True))
        raise StoreError(
            f"demo database {shown}: {mask_secrets(_first_line(err), [engine.url.password])}"
        ) from None
    finally:
        engine.dispose()


def _first_line(err: Exception) -> str:
    cause = getattr(err, "orig", None) or err
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


def _insert(engine: sa.Engine, table: sa.Table, rows: pa.Table) -> None:
    if rows.column_names != list(table.columns.keys()):
        raise ValueError(f"{table.name}: rows have columns {rows.column_names}, table {table.columns.keys()}")
    with engine.begin() as conn:
        for batch in rows.to_batches(max_chunksize=CHUNK_ROWS):
            conn.execute(table.insert(), batch.to_pylist())
