"""Deletes and updates of rows named by key values, as bulk statements in the caller's transaction.

Deletes: `DELETE ... WHERE key IN (...)` (a row-value IN for a key of several columns), in
chunks of CHUNK keys. Updates: one parameterised UPDATE run with executemany (psycopg sends
the batch in one pipeline; SQLite runs in process); on MariaDB, whose driver would send one
statement per row, one `UPDATE t JOIN (SELECT ... UNION ALL SELECT ...)` per chunk of rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors._sql_catalog import SqlTable
from connectors._sql_sampling import CHUNK, chunks
from connectors.base import ChangeResult, StoreError, TableChange, set_target

_JOINED_VALUES = 20_000  # values per MariaDB joined UPDATE


def check_change(table: SqlTable, change: TableChange) -> None:
    """Refuse, before any write, a change whose key or columns the table does not have."""
    if not change.key:
        raise StoreError(f"store {table.store!r}: the change of {table.info.name!r} names no key columns")
    table.selected(change.key)
    for rows in (change.deletes, change.updates):
        if rows is None:
            continue
        table.selected([set_target(c) for c in rows.column_names])
        missing = [k for k in change.key if k not in rows.column_names]
        if missing:
            raise StoreError(
                f"store {table.store!r}: the change of {table.info.name!r} lacks key column {missing[0]!r}"
            )


def apply_change(conn: Connection, table: SqlTable, change: TableChange) -> ChangeResult:
    """Delete, then update, the rows of one table; the caller owns the transaction."""
    deleted = _delete(conn, table, change.key, change.deletes)
    updated = _update(conn, table, change.key, change.updates)
    return ChangeResult(table.info.name, deleted=deleted, updated=updated)


def _delete(conn: Connection, table: SqlTable, key: Sequence[str], rows: pa.Table | None) -> int:
    if rows is None or rows.num_rows == 0:
        return 0
    columns = [table.clause.c[k] for k in key]
    target = columns[0] if len(columns) == 1 else sa.tuple_(*columns)
    statement = sa.delete(table.clause).where(target.in_(table.bind("keys", key, expanding=True)))
    values = [row[0] if len(key) == 1 else row for row in _rows(rows, key) if None not in row]
    return sum(conn.execute(statement, {"keys": list(chunk)}).rowcount for chunk in chunks(values, CHUNK))


def _update(conn: Connection, table: SqlTable, key: Sequence[str], rows: pa.Table | None) -> int:
    if rows is None or rows.num_rows == 0:
        return 0
    assigned = [c for c in rows.column_names if c not in key]
    if not assigned:
        return 0
    values = [_documents(table, [*key, *assigned], row) for row in _rows(rows, [*key, *assigned])]
    if conn.dialect.name == "mysql":
        return _update_joined(conn, table, key, assigned, values)
    target = table.clause
    statement = (
        sa.update(target)
        .where(*(target.c[k] == table.bind(f"k{i}", [k]) for i, k in enumerate(key)))
        .values(
            {target.c[set_target(c)]: table.bind(f"v{i}", [set_target(c)]) for i, c in enumerate(assigned)}
        )
    )
    names = [f"k{i}" for i in range(len(key))] + [f"v{i}" for i in range(len(assigned))]
    return conn.execute(statement, [dict(zip(names, row, strict=True)) for row in values]).rowcount


def _update_joined(
    conn: Connection,
    table: SqlTable,
    key: Sequence[str],
    assigned: Sequence[str],
    values: list[tuple[object, ...]],
) -> int:
    target = table.clause
    types = [table.sql_types[set_target(c)] for c in [*key, *assigned]]
    updated = 0
    for chunk in chunks(values, max(1, _JOINED_VALUES // len(types))):
        selects = (
            sa.select(
                *(sa.literal(v, t).label(f"c{i}") for i, (v, t) in enumerate(zip(row, types, strict=True)))
            )
            for row in chunk
        )
        source = sa.union_all(*selects).subquery("changes")
        statement = (
            sa.update(target)
            .where(*(target.c[k] == source.c[f"c{i}"] for i, k in enumerate(key)))
            .values({target.c[set_target(c)]: source.c[f"c{len(key) + i}"] for i, c in enumerate(assigned)})
        )
        updated += conn.execute(statement).rowcount
    return updated


def _documents(table: SqlTable, columns: Sequence[str], row: tuple[object, ...]) -> tuple[object, ...]:
    """A JSON column's new value arrives as JSON text: bound as the document it is, so a jsonb
    object stays an object (bound as text it would become a JSON string)."""
    return tuple(
        json.loads(v) if isinstance(v, str) and isinstance(table.sql_types[set_target(c)], sa.JSON) else v
        for c, v in zip(columns, row, strict=True)
    )


def _rows(table: pa.Table, columns: Sequence[str]) -> list[tuple[object, ...]]:
    return list(zip(*(table.column(c).to_pylist() for c in columns), strict=True))
