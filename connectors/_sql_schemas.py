"""Which schemas and relations of an SQL database a store reads, and what the role may not read.

- PostgreSQL: every schema but the system ones (pg_catalog, information_schema, pg_toast*,
  pg_temp_*); MariaDB/MySQL and SQLite: the database of the URL. `schemas:` names others.
- Tables, views and materialized views. A PostgreSQL partitioned table is one table, read
  through its parent; its partitions are named on it and never listed on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Inspector

from connectors._sql_errors import reason
from connectors.base import StoreError

_SYSTEM = re.compile(r"^(pg_catalog|information_schema|pg_toast.*|pg_temp_.*|pg_toast_temp_.*)$")
_KEY_COLUMNS = re.compile(r"\((.*)\)")
_PG_PARTITIONED = """
SELECT p.relname, pg_get_partkeydef(p.oid), cn.nspname, c.relname
FROM pg_class p JOIN pg_namespace n ON n.oid = p.relnamespace,
     LATERAL pg_partition_tree(p.oid) tree
JOIN pg_class c ON c.oid = tree.relid JOIN pg_namespace cn ON cn.oid = c.relnamespace
WHERE n.nspname = :schema AND p.relkind = 'p' AND NOT p.relispartition AND tree.relid <> p.oid
  AND tree.isleaf
ORDER BY 1, 4
"""


@dataclass(frozen=True)
class Partitioned:
    key: tuple[str, ...]  # the partition key's columns (or expressions)
    partitions: tuple[tuple[str, str], ...]  # (schema, name) of each leaf partition


@dataclass(frozen=True)
class Relations:
    """The relations of one schema: names of tables and of views, partitioned tables' partitions."""

    tables: list[str]
    views: list[str]
    partitioned: dict[str, Partitioned]
    materialized: frozenset[str] = frozenset()  # the views that hold their rows (PostgreSQL)


def store_schemas(
    conn: Connection, inspector: Inspector, store: str, configured: list[str]
) -> dict[str, str | None]:
    """schema -> None when it is read, else why the role cannot read it (the database's words)."""
    known = inspector.get_schema_names()
    if not configured:
        if conn.dialect.name == "postgresql":
            return {s: None for s in known if not _SYSTEM.match(s)}
        return {inspector.default_schema_name or "": None}
    chosen: dict[str, str | None] = {}
    for schema in configured:
        chosen[schema] = None if schema in known else _denied(conn, store, schema)
    return chosen


def _denied(conn: Connection, store: str, schema: str) -> str:
    """Why a configured schema the role does not see cannot be read; StoreError when it does not exist."""
    if conn.dialect.name == "mysql":  # a database the role may not use is not listed: ask why
        quoted = conn.dialect.identifier_preparer.quote_identifier(schema)
        try:
            conn.exec_driver_sql(f"SHOW TABLES FROM {quoted}")
        except sa.exc.DBAPIError as err:
            if getattr(err.orig, "args", (0,))[0] in (1044, 1045, 1142):  # access denied
                return reason(err)
    raise StoreError(f"store {store!r}: no schema {schema!r} in the database")


def relations(conn: Connection, inspector: Inspector, schema: str, arg: str | None) -> Relations:
    partitions = _partitions(conn, schema)
    tables = [t for t in inspector.get_table_names(schema=arg) if t not in partitions]
    views = list(inspector.get_view_names(schema=arg))
    materialized: list[str] = []
    if conn.dialect.name == "postgresql":
        materialized = list(inspector.get_materialized_view_names(schema=arg))
    return Relations(
        tables, sorted(views + materialized), _partitioned(conn, schema), frozenset(materialized)
    )


def _partitioned(conn: Connection, schema: str) -> dict[str, Partitioned]:
    if conn.dialect.name != "postgresql":
        return {}
    found: dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]] = {}
    for parent, keydef, part_schema, part in conn.execute(sa.text(_PG_PARTITIONED), {"schema": schema}):
        match = _KEY_COLUMNS.search(keydef or "")
        key = tuple(c.strip().strip('"') for c in match.group(1).split(",")) if match else ()
        found.setdefault(parent, (key, []))[1].append((part_schema, part))
    return {name: Partitioned(key, tuple(parts)) for name, (key, parts) in found.items()}


def _partitions(conn: Connection, schema: str) -> set[str]:
    """Every PostgreSQL partition of the schema (also of parents elsewhere): read through their parent."""
    if conn.dialect.name != "postgresql":
        return set()
    query = sa.text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = :schema AND c.relispartition"
    )
    return set(conn.execute(query, {"schema": schema}).scalars())
