"""Reflection of an SQL store: which tables it has, named as the estate names them, with keys and types."""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from fnmatch import fnmatchcase
from functools import cached_property
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Inspector
from sqlalchemy.engine.interfaces import (
    ReflectedColumn,
    ReflectedForeignKeyConstraint,
    ReflectedPrimaryKeyConstraint,
)
from sqlalchemy.engine.reflection import ObjectKind
from sqlalchemy.sql.type_api import TypeEngine

from connectors._sql_arrow import arrow_type, native_type
from connectors._sql_errors import reason
from connectors._sql_schemas import relations, store_schemas
from connectors._sql_stats import row_estimate
from connectors.base import ColumnInfo, ForeignKey, StoreError, TableInfo
from connectors.estate import SqlStoreConfig

_WITHOUT_ROWID = re.compile(r"\bWITHOUT\s+ROWID\b", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class SqlTable:
    """A reflected table: its TableInfo plus what queries on it need."""

    store: str
    info: TableInfo
    schema: str  # the real schema (a database on MariaDB), also for the default one
    sql_name: str
    sql_types: Mapping[str, TypeEngine[Any]]
    has_rowid: bool = False  # an SQLite table with a rowid (not WITHOUT ROWID)

    @cached_property
    def clause(self) -> sa.TableClause:
        """The table for SQLAlchemy Core statements: identifiers are quoted by the dialect."""
        return sa.table(self.sql_name, *(sa.column(c) for c in self.info.column_names), schema=self.schema)

    @property
    def integer_key(self) -> str | None:
        """The primary key column when the key is one integer column."""
        key = self.info.primary_key
        if len(key) == 1 and isinstance(self.sql_types[key[0]], sa.Integer):
            return key[0]
        return None

    def selected(self, columns: Sequence[str] | None) -> list[str]:
        """The columns a caller asked for (all by default), checked against the table."""
        if columns is None:
            return self.info.column_names
        for column in columns:
            if column not in self.sql_types:
                raise StoreError(f"store {self.store!r}: table {self.info.name!r} has no column {column!r}")
        return list(columns)

    def bind(self, name: str, columns: Sequence[str], expanding: bool = False) -> sa.BindParameter[Any]:
        """A parameter holding values of `columns` (a tuple of them for several), typed like them."""
        types = [self.sql_types[c] for c in columns]
        type_ = types[0] if len(types) == 1 else sa.types.TupleType(*types)
        return sa.bindparam(name, type_=type_, expanding=expanding)

    def fields(self, columns: Sequence[str]) -> list[pa.Field]:
        by_name = {c.name: c for c in self.info.columns}
        return [pa.field(c, by_name[c].type, by_name[c].nullable) for c in columns]


def qualified(schema: str | None, table: str, default: str) -> str:
    """The estate's name of a table: plain in the default schema, `schema.table` elsewhere."""
    return table if schema in (None, default) else f"{schema}.{table}"


def reflect(conn: Connection, store: str, config: SqlStoreConfig) -> dict[str, SqlTable]:
    """Every table and view of the store's schemas kept by include/exclude, with what the role cannot read."""
    inspector = sa.inspect(conn)
    default = inspector.default_schema_name or ""
    catalog: dict[str, SqlTable] = {}
    for schema, denied in store_schemas(conn, inspector, store, config.schemas).items():
        if denied is not None:
            info = TableInfo(qualified(schema, "*", default), (), unreadable=denied)
            catalog[info.name] = SqlTable(store, info, schema, "*", {})
            continue
        for table in _schema_tables(conn, inspector, store, schema, default, config):
            catalog[table.info.name] = _counted(conn, table)
    return catalog


def table_names(conn: Connection, config: SqlStoreConfig) -> list[str]:
    """Every table and view of the store's schemas, before include/exclude."""
    inspector = sa.inspect(conn)
    default = inspector.default_schema_name or ""
    names = []
    for schema, denied in store_schemas(conn, inspector, "", config.schemas).items():
        if denied is None:
            found = relations(conn, inspector, schema, None if schema == default else schema)
            names += [qualified(schema, t, default) for t in (*found.tables, *found.views)]
    return names


def _counted(conn: Connection, table: SqlTable) -> SqlTable:
    """The table with its row estimate, or marked unreadable with the database's reason."""
    if table.info.unreadable:
        return table
    try:
        with _guarded(conn):
            if conn.dialect.name != "sqlite":  # may the role read it? (reads no row)
                conn.execute(sa.select(sa.literal(1)).select_from(table.clause).limit(0))
            if table.info.kind == "view":  # counting a view runs its query: sampling reads a few rows
                return table
            rows = row_estimate(conn, table)
    except sa.exc.DBAPIError as err:
        return dataclasses.replace(table, info=dataclasses.replace(table.info, unreadable=reason(err)))
    return dataclasses.replace(table, info=dataclasses.replace(table.info, row_count=rows))


def _wanted(name: str, config: SqlStoreConfig) -> bool:
    if config.include and not any(fnmatchcase(name, glob) for glob in config.include):
        return False
    return not any(fnmatchcase(name, glob) for glob in config.exclude)


def _schema_tables(
    conn: Connection, inspector: Inspector, store: str, schema: str, default: str, config: SqlStoreConfig
) -> list[SqlTable]:
    arg = None if schema == default else schema  # SQLAlchemy names the default schema None
    found = relations(conn, inspector, schema, arg)
    views = set(found.views)
    names = [t for t in (*found.tables, *found.views) if _wanted(qualified(schema, t, default), config)]
    if not names:
        return []
    columns, broken = _columns(conn, inspector, arg, names)
    keys = inspector.get_multi_pk_constraint(schema=arg, filter_names=names)
    references = inspector.get_multi_foreign_keys(schema=arg, filter_names=names)
    without_rowid = _without_rowid(conn, schema)
    tables = []
    for name, why in broken.items():
        info = TableInfo(qualified(schema, name, default), (), kind="view" if name in views else "table")
        tables.append(SqlTable(store, dataclasses.replace(info, unreadable=why), schema, name, {}))
    for name in (n for n in names if n not in broken):
        info = _table_info(
            qualified(schema, name, default),
            columns[(arg, name)],
            keys.get((arg, name)),
            references.get((arg, name), []),
            default,
            conn.dialect,
        )
        parts = found.partitioned.get(name)
        info = dataclasses.replace(
            info,
            kind="view" if name in views else "table",
            partitioning=parts.key if parts else (),
            partitions=tuple(qualified(s, p, default) for s, p in parts.partitions) if parts else (),
            refresh=_refresh(conn.dialect, schema, name) if name in found.materialized else None,
        )
        sql_types = {c["name"]: c["type"] for c in columns[(arg, name)]}
        has_rowid = conn.dialect.name == "sqlite" and name not in without_rowid and name not in views
        tables.append(SqlTable(store, info, schema, name, sql_types, has_rowid))
    return tables


def _columns(
    conn: Connection, inspector: Inspector, arg: str | None, names: list[str]
) -> tuple[dict[tuple[str | None, str], list[ReflectedColumn]], dict[str, str]]:
    """The columns of each relation, and why those that cannot be reflected (a broken view) cannot."""
    with warnings.catch_warnings():  # a type SQLAlchemy does not know is read as text
        warnings.filterwarnings("ignore", "Did not recognize type", sa.exc.SAWarning)
        try:
            with _guarded(conn):
                return dict(
                    inspector.get_multi_columns(schema=arg, filter_names=names, kind=ObjectKind.ANY)
                ), {}
        except sa.exc.DBAPIError:
            pass
        columns, broken = {}, {}
        for name in names:  # one by one, to keep the others
            try:
                with _guarded(conn):
                    columns[(arg, name)] = inspector.get_columns(name, schema=arg)
            except sa.exc.DBAPIError as err:
                broken[name] = reason(err)
        return columns, broken


def _guarded(conn: Connection) -> AbstractContextManager[object]:
    """A savepoint on PostgreSQL, where a failed statement would abort the whole transaction."""
    return conn.begin_nested() if conn.dialect.name == "postgresql" else nullcontext()


def _table_info(
    name: str,
    columns: Sequence[ReflectedColumn],
    key: ReflectedPrimaryKeyConstraint | None,
    references: Sequence[ReflectedForeignKeyConstraint],
    default: str,
    dialect: Dialect,
) -> TableInfo:
    primary_key = tuple(key["constrained_columns"] if key else ())
    return TableInfo(
        name=name,
        columns=tuple(
            ColumnInfo(
                c["name"],
                arrow_type(c["type"]),
                c["nullable"] and c["name"] not in primary_key,  # SQLite says a rowid key is nullable
                native_type(c["type"], dialect),
                generated=bool(c.get("computed")),
            )
            for c in columns
        ),
        primary_key=primary_key,
        foreign_keys=tuple(
            ForeignKey(
                columns=tuple(fk["constrained_columns"]),
                ref_table=qualified(fk["referred_schema"], fk["referred_table"], default),  # None: default
                ref_columns=tuple(fk["referred_columns"]),
            )
            for fk in references
        ),
    )


def _refresh(dialect: Dialect, schema: str, name: str) -> str:
    quote = dialect.identifier_preparer.quote_identifier
    return f"REFRESH MATERIALIZED VIEW {quote(schema)}.{quote(name)}"


def _without_rowid(conn: Connection, schema: str) -> set[str]:
    if conn.dialect.name != "sqlite":
        return set()
    master = sa.table("sqlite_master", sa.column("type"), sa.column("name"), sa.column("sql"), schema=schema)
    rows = conn.execute(sa.select(master.c.name, master.c.sql).where(master.c.type == "table"))
    return {name for name, sql in rows if sql and _WITHOUT_ROWID.search(sql)}
