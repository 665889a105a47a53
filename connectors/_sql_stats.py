"""Cheap facts about an SQL table from the database's own statistics: row estimates and fingerprints."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from connectors._sql_catalog import SqlTable

SMALL_BYTES = 16 * 2**20  # a table this small is counted exactly: count(*) costs milliseconds
SMALL_ROWIDS = 100_000  # SQLite: a rowid range this short is counted exactly
ROWID: sa.ColumnElement[Any] = sa.literal_column("rowid")

# The table and, when it is partitioned, its partitions (pg_partition_tree lists no plain table).
_PG_TREE = """
WITH target AS (
    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = :schema AND c.relname = :name
), tree AS (
    SELECT oid AS relid FROM target
    UNION SELECT tree.relid FROM target, pg_partition_tree(target.oid) tree
)
SELECT {columns}
FROM tree JOIN pg_class c ON c.oid = tree.relid
LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
"""
_PG_ESTIMATE = _PG_TREE.format(
    columns="coalesce(sum(greatest(c.reltuples, 0)), 0), coalesce(sum(c.relpages), 0),"
    " coalesce(sum(pg_relation_size(c.oid)), 0), coalesce(sum(s.n_live_tup), 0),"
    " CAST(current_setting('block_size') AS integer)"
)
_PG_FINGERPRINT = _PG_TREE.format(
    columns="string_agg(CAST(c.relfilenode AS text), ','), sum(c.reltuples), sum(pg_relation_size(c.oid)),"
    " sum(s.n_tup_ins), sum(s.n_tup_upd), sum(s.n_tup_del)"
)
_MARIADB_TABLE = (
    "SELECT TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, UPDATE_TIME, CREATE_TIME FROM information_schema.TABLES"
    " WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :name"
)


def row_estimate(conn: Connection, table: SqlTable) -> int:
    """Rows in the table: exact for small tables, else the database's estimate; never a full read."""
    if conn.dialect.name == "postgresql":
        tuples, pages, size, live, block = (float(v) for v in _pg(conn, _PG_ESTIMATE, table))
        if pages > 0 and tuples > 0:
            return round(tuples / pages * (size / block))  # the planner's scaling to the current size
        return count(conn, table) if size <= SMALL_BYTES else int(max(live, size / 100))
    if conn.dialect.name == "mysql":
        rows, data_bytes, *_ = _mariadb(conn, table)
        return count(conn, table) if data_bytes <= SMALL_BYTES else int(rows)
    if table.has_rowid:
        low, high = key_range(conn, table, ROWID)
        if low is None or high is None:
            return 0
        return count(conn, table) if high - low < SMALL_ROWIDS else high - low + 1
    return count(conn, table)


SMALL_DIGEST_ROWS = 20_000


def fingerprint(conn: Connection, table: SqlTable) -> str:
    """A token that changes when the table's rows change, read from statistics, not from the rows.

    Limits, by database:
    - PostgreSQL: relfilenode, reltuples, the relation's size and the n_tup_ins/upd/del
      counters, plus count(*) of a small table. Counters of other sessions' writes reach the
      statistics up to ~10 s after their commit (this store's own `apply` flushes at once).
    - MariaDB: TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, UPDATE_TIME (whole seconds, not kept
      across a server restart), plus CHECKSUM TABLE of a small table. On a large table an
      update-only change within the same second as the previous token can go unseen.
    - SQLite: the row count (or rowid range of a large table), and a digest of the rows of a
      small table (up to SMALL_DIGEST_ROWS). A large table's in-place update that keeps its count
      and rowid range goes unseen (the file's own change counter would flag every table of it).
    - Other databases: count(*), which misses updates.
    A token can also change without a change of rows (VACUUM, ANALYZE, a statistics reset).
    """
    parts: list[object] = [table.schema, table.sql_name]
    if conn.dialect.name == "postgresql":
        stats = _pg(conn, _PG_FINGERPRINT, table)
        parts += stats
        parts.append(count(conn, table) if (stats[2] or 0) <= SMALL_BYTES else None)
    elif conn.dialect.name == "mysql":
        table_stats = _mariadb(conn, table)
        parts += table_stats
        parts.append(_checksum(conn, table) if table_stats[1] <= SMALL_BYTES else None)
    elif conn.dialect.name == "sqlite":
        rows = row_estimate(conn, table)
        parts += [rows, *(key_range(conn, table, ROWID) if table.has_rowid else ())]
        if rows <= SMALL_DIGEST_ROWS:
            parts.append(_digest(conn, table))
    else:
        parts.append(count(conn, table))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def flush_counters(conn: Connection) -> None:
    """Make this session's writes visible in PostgreSQL's statistics when its transaction ends."""
    version = conn.dialect.server_version_info or (0,)
    if conn.dialect.name == "postgresql" and version >= (15,):
        conn.execute(sa.text("SELECT pg_stat_force_next_flush()"))


def count(conn: Connection, table: SqlTable) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table.clause)).scalar_one())


def key_range(conn: Connection, table: SqlTable, key: sa.ColumnElement[Any]) -> tuple[Any, Any]:
    """MIN and MAX of an indexed key, each by its own query (SQLite scans for both at once)."""
    low, high = (
        conn.execute(sa.select(bound(key)).select_from(table.clause)).scalar()
        for bound in (sa.func.min, sa.func.max)
    )
    return low, high


def _pg(conn: Connection, query: str, table: SqlTable) -> tuple[Any, ...]:
    row = conn.execute(sa.text(query), {"schema": table.schema, "name": table.sql_name}).one()
    return tuple(row)


def _mariadb(conn: Connection, table: SqlTable) -> list[Any]:
    row = conn.execute(sa.text(_MARIADB_TABLE), {"schema": table.schema, "name": table.sql_name}).one()
    rows, data_bytes, *rest = row
    return [int(rows or 0), int(data_bytes or 0), *rest]


def _checksum(conn: Connection, table: SqlTable) -> object:
    quoted = conn.dialect.identifier_preparer.format_table(table.clause)
    statement = conn.execution_options(no_parameters=True)
    return statement.exec_driver_sql(f"CHECKSUM TABLE {quoted}").one()[1]


def _digest(conn: Connection, table: SqlTable) -> str:
    """A hash of every row of a small table, streamed."""
    digest = hashlib.sha256()
    result = conn.execution_options(stream_results=True).execute(sa.select(table.clause))
    for row in result:
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
